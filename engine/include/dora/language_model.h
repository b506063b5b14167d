// Using a language model (and optionally a PEFT adapter on top): scoring a token sequence (the mean
// next-token cross-entropy, as `dora-cli score` prints it) and continuing a prompt (`dora-cli generate`).
#pragma once

#include <string>
#include <vector>

namespace dora {

struct ScoreResult {
    std::vector<long long> ids;
    double loss = 0;  // mean over the ids.size() - 1 predicted tokens
};

// `model` is a built-in name or a model folder. Throws dora::Error for a model that is not a language
// model, ids outside its vocabulary, fewer than two ids, or a sequence longer than its context.
ScoreResult score_ids(const std::string& model, const std::vector<long long>& ids, const std::string& adapter_dir = "");

// Text to ids and back with the model's tokenizer: demo-gpt's character vocabulary, a model folder's
// tokenizer.json, or a tokenizer.json file given directly. No special tokens unless asked.
std::vector<long long> encode_text(const std::string& model, const std::string& text, bool add_special_tokens = false);
std::string decode_ids(const std::string& model, const std::vector<long long>& ids);

struct GenerateOptions {
    int max_new_tokens = 64;
    double temperature = 0;           // 0: greedy (always the most likely next token)
    unsigned long long seed = 1;      // for sampling with temperature > 0
    std::string adapter_dir;
};

// The prompt's continuation (the new text only). Past the model's context, the oldest tokens drop
// out of view.
std::string generate_text(const std::string& model, const std::string& prompt, const GenerateOptions& options);

}  // namespace dora
