// The one exception type the engine throws for anything a user can fix (a bad file, a bad setting).
// Messages say what is wrong and where: "model.safetensors: tensor 'h.0.attn.c_attn.weight' ends at
// byte 9437184 but the file has 9000000". Callers at a boundary (CLI main, GUI worker) catch it and
// show what() as one line.
#pragma once

#include <stdexcept>
#include <string>

namespace dora {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Re-throws `e` with `context` in front ("demo-gpt.safetensors: " + message), so each layer of the
// engine adds where it was without losing what the layer below said.
[[noreturn]] inline void rethrow_with_context(const std::string& context, const std::exception& e)
{
    throw Error(context + ": " + e.what());
}

}  // namespace dora
