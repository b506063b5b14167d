// What a model folder's config.json describes, read and checked before any weight is loaded: the
// architecture (by `model_type`) and its sizes, which is also what the memory estimate needs. Torch-free:
// config.json comes from the internet and is fuzzed on its own (tests/fuzz).
#pragma once

#include "models/architecture_configs.h"

#include <cstddef>
#include <string>

namespace dora::models {

constexpr size_t kMaxModelConfigBytes = 4u << 20;

struct ModelSpec {
    std::string model_type;  // gpt2 | llama | mistral | qwen2 | dora-demo-mlp
    Gpt2Config gpt2;
    LlamaConfig llama;
    MlpConfig mlp;

    bool is_llama_family() const { return model_type == "llama" || model_type == "mistral" || model_type == "qwen2"; }
    int64_t parameter_count() const;
    int64_t vocab_size() const;
    int64_t context_length() const;
};

// Throws dora::Error naming config.json and the key that is missing or wrong.
ModelSpec read_model_spec(const std::string& dir);
// The same from the file's text; `label` (its path) starts every error message.
ModelSpec parse_model_spec(const std::string& json_text, const std::string& label);

}  // namespace dora::models
