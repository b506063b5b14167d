// `dora-cli score` and `generate`: a language model (and adapter) on a token sequence.
#include "dora/language_model.h"

#include "data/text_codec.h"
#include "dora/error.h"
#include "export/peft_adapter.h"
#include "models/builtin_models.h"
#include "models/generation.h"

namespace dora {
namespace {

std::shared_ptr<models::LanguageModel> language_model(const std::string& spec)
{
    auto model = std::dynamic_pointer_cast<models::LanguageModel>(models::load_model(spec));
    if (!model)
        throw Error(spec + ": is not a language model; scoring needs one (e.g. demo-gpt)");
    return model;
}

}  // namespace

ScoreResult score_ids(const std::string& spec, const std::vector<long long>& ids, const std::string& adapter_dir)
{
    auto model = language_model(spec);
    if (!adapter_dir.empty())
        exporting::apply_peft_adapter(*model, adapter_dir);
    if (ids.size() < 2)
        throw Error("scoring needs at least two tokens (the loss is over next-token predictions)");
    if (static_cast<int64_t>(ids.size()) > model->context_length())
        throw Error("the sequence has " + std::to_string(ids.size()) + " tokens but the model's context is " +
                    std::to_string(model->context_length()));
    for (long long id : ids)
        if (id < 0 || id >= model->vocab_size())
            throw Error("token id " + std::to_string(id) + " is outside the vocabulary (0 to " +
                        std::to_string(model->vocab_size() - 1) + ")");
    torch::NoGradGuard no_grad;
    model->eval();
    const torch::Tensor all = torch::tensor(std::vector<int64_t>(ids.begin(), ids.end()), torch::kLong).unsqueeze(0);
    const int64_t n = all.size(1);
    models::Batch batch{all.slice(1, 0, n - 1), all.slice(1, 1, n)};
    return {ids, model->loss(batch).item<double>()};
}

std::string generate_text(const std::string& spec, const std::string& prompt, const GenerateOptions& options)
{
    const data::TextCodec codec = data::TextCodec::for_source(spec);
    auto model = language_model(spec);
    if (!options.adapter_dir.empty())
        exporting::apply_peft_adapter(*model, options.adapter_dir);
    return models::continue_prompt(*model, codec, prompt, options);
}

std::vector<long long> encode_text(const std::string& spec, const std::string& text, bool add_special_tokens)
{
    const std::vector<int64_t> ids = data::TextCodec::for_source(spec).encode(text, add_special_tokens);
    return {ids.begin(), ids.end()};
}

std::string decode_ids(const std::string& spec, const std::vector<long long>& ids)
{
    return data::TextCodec::for_source(spec).decode(std::vector<int64_t>(ids.begin(), ids.end()));
}

}  // namespace dora
