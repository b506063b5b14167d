#include "models/generation.h"

#include "dora/error.h"

namespace dora::models {

std::string continue_prompt(LanguageModel& model, const data::TextCodec& codec, const std::string& prompt,
                            const GenerateOptions& options)
{
    if (options.max_new_tokens < 1 || options.max_new_tokens > 100000)
        throw Error("max-new-tokens must be from 1 to 100000");
    if (!(options.temperature >= 0))
        throw Error("temperature must be 0 (greedy) or more");
    const std::vector<int64_t> prompt_ids = codec.encode(prompt, /*add_special_tokens=*/true);
    if (prompt_ids.empty())
        throw Error("the prompt is empty");
    torch::NoGradGuard no_grad;
    model.eval();
    torch::Generator generator = at::detail::createCPUGenerator(options.seed);
    std::vector<int64_t> ids(prompt_ids.begin(), prompt_ids.end());
    std::vector<int64_t> generated;
    const int64_t context = model.context_length();
    const torch::Device device = model.parameters().empty() ? torch::Device(torch::kCPU) : model.parameters().front().device();
    for (int i = 0; i < options.max_new_tokens; ++i) {
        // Without a key/value cache each step re-reads the window: fine for the demo's short contexts.
        const int64_t start = std::max<int64_t>(0, static_cast<int64_t>(ids.size()) - context);
        const torch::Tensor window =
            torch::tensor(std::vector<int64_t>(ids.begin() + start, ids.end()), torch::kLong).unsqueeze(0).to(device);
        const torch::Tensor logits = model.forward(window)[0][-1].to(torch::kCPU, torch::kFloat);
        int64_t next;
        if (options.temperature == 0) {
            next = logits.argmax().item<int64_t>();
        } else {
            const torch::Tensor probabilities = torch::softmax(logits / options.temperature, 0);
            next = torch::multinomial(probabilities, 1, false, generator).item<int64_t>();
        }
        ids.push_back(next);
        generated.push_back(next);
    }
    return codec.decode(generated);
}

}  // namespace dora::models
