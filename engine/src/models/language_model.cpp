// `dora-cli score`: mean next-token cross-entropy of a sequence under a model (and adapter).
#include "dora/scoring.h"

#include "data/char_vocab.h"
#include "dora/error.h"
#include "export/peft_adapter.h"
#include "models/builtin_models.h"
#include "models/gpt2.h"

namespace dora {
namespace {

std::shared_ptr<models::Gpt2Impl> language_model(const std::string& spec)
{
    auto model = std::dynamic_pointer_cast<models::Gpt2Impl>(models::load_model(spec));
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
    if (static_cast<int64_t>(ids.size()) > model->config().n_positions)
        throw Error("the sequence has " + std::to_string(ids.size()) + " tokens but the model's context is " +
                    std::to_string(model->config().n_positions));
    for (long long id : ids)
        if (id < 0 || id >= model->config().vocab_size)
            throw Error("token id " + std::to_string(id) + " is outside the vocabulary (0 to " +
                        std::to_string(model->config().vocab_size - 1) + ")");
    torch::NoGradGuard no_grad;
    model->eval();
    const torch::Tensor all = torch::tensor(std::vector<int64_t>(ids.begin(), ids.end()), torch::kLong).unsqueeze(0);
    const int64_t n = all.size(1);
    models::Batch batch{all.slice(1, 0, n - 1), all.slice(1, 1, n)};
    return {ids, model->loss(batch).item<double>()};
}

std::vector<long long> encode_text(const std::string& spec, const std::string& text)
{
    if (spec == "demo-gpt") {
        const std::vector<int64_t> ids = data::char_encode(text);
        return {ids.begin(), ids.end()};
    }
    throw Error(spec + ": text needs the model's tokenizer, which this build reads only for demo-gpt; pass --ids");
}

}  // namespace dora
