// The base model is the run's own model before its checkpoint is loaded: adapters start at B = 0 and
// DoRA's magnitude at ‖W0‖, so it computes exactly the base model (and `full` starts from the base
// weights). Loading the checkpoint then gives the trained model, on the same data and tokenizer.
#include "dora/try_run.h"

#include "data/text_codec.h"
#include "dora/error.h"
#include "export/stored_run.h"
#include "models/generation.h"
#include "models/mlp.h"
#include "train/trainer_impl.h"

namespace dora {
namespace {

struct Predicted {
    torch::Tensor classes;  // (N,) argmax of the logits
    double accuracy = 0;
};

Predicted predict(models::MlpImpl& mlp, const data::TensorDataset& held_out)
{
    torch::NoGradGuard no_grad;
    mlp.eval();
    const torch::Tensor inputs = held_out.inputs.to(mlp.parameters().front().device());
    const torch::Tensor classes = mlp.forward(inputs).argmax(1).to(torch::kCPU);
    return {classes, classes.eq(held_out.targets.to(torch::kCPU)).to(torch::kDouble).mean().item<double>()};
}

}  // namespace

SideBySideText continue_with_run(const std::string& db_path, long long run_id, const std::string& prompt,
                                 const GenerateOptions& options)
{
    const exporting::StoredRun run = exporting::stored_run(db_path, run_id);
    Trainer trainer(run.config);
    auto* model = dynamic_cast<models::LanguageModel*>(trainer.internals().model.get());
    if (!model)
        throw Error("run " + std::to_string(run_id) + " trained a classifier, not a language model: try it on held-out samples");
    const ModelSource& source = run.config.model;
    const data::TextCodec codec = data::TextCodec::for_source(source.builtin.empty() ? source.path : source.builtin);
    SideBySideText text;
    text.base = models::continue_prompt(*model, codec, prompt, options);
    trainer.resume_from_checkpoint(run.newest_checkpoint);
    text.adapted = models::continue_prompt(*model, codec, prompt, options);
    return text;
}

HeldOutPredictions predict_with_run(const std::string& db_path, long long run_id, int max_samples)
{
    const exporting::StoredRun run = exporting::stored_run(db_path, run_id);
    Trainer trainer(run.config);
    auto* mlp = dynamic_cast<models::MlpImpl*>(trainer.internals().model.get());
    if (!mlp)
        throw Error("run " + std::to_string(run_id) + " trained a language model, not a classifier: try it with a prompt");
    const data::TensorDataset& held_out = trainer.internals().data.eval;
    const Predicted base = predict(*mlp, held_out);
    trainer.resume_from_checkpoint(run.newest_checkpoint);
    const Predicted adapted = predict(*mlp, held_out);

    HeldOutPredictions out;
    out.held_out = static_cast<int>(held_out.size());
    out.base_accuracy = base.accuracy;
    out.adapted_accuracy = adapted.accuracy;
    const torch::Tensor inputs = held_out.inputs.to(torch::kCPU, torch::kFloat).contiguous();
    const torch::Tensor truth = held_out.targets.to(torch::kCPU, torch::kLong);
    const int64_t count = std::min<int64_t>(std::max(0, max_samples), held_out.size());
    for (int64_t i = 0; i < count; ++i) {
        const torch::Tensor row = inputs[i];
        out.samples.push_back({std::vector<float>(row.data_ptr<float>(), row.data_ptr<float>() + row.numel()),
                               static_cast<int>(truth[i].item<int64_t>()),
                               static_cast<int>(base.classes[i].item<int64_t>()),
                               static_cast<int>(adapted.classes[i].item<int64_t>())});
    }
    return out;
}

}  // namespace dora
