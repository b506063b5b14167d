#include "data/file_dataset.h"

#include "data/dataset_files.h"
#include "data/text_codec.h"
#include "dora/error.h"
#include "models/mlp.h"

namespace dora::data {
namespace {

constexpr uint64_t kSplitSeed = 20240229;

SplitDataset language_dataset(const DataConfig& config, const std::string& model_source,
                              models::LanguageModel& model, std::string* notes)
{
    if (config.format == "csv")
        throw Error(config.path + ": CSV tables are for the demo MLP; a language model reads text, jsonl or alpaca");
    if (config.seq_len > model.context_length())
        throw Error("data.seq_len " + std::to_string(config.seq_len) + " is longer than the model's context (" +
                    std::to_string(model.context_length()) + ")");
    const TextCodec codec = TextCodec::for_source(model_source);
    TextDatasetOptions options;
    options.format = config.format;
    options.seq_len = config.seq_len;
    options.bos_id = codec.bos_id();
    options.eos_id = codec.eos_id();
    const std::vector<TokenizedSample> samples =
        read_text_dataset(config.path, options, [&](const std::string& text) { return codec.encode(text); }, notes);

    // Inputs padded with the end-of-text token (or 0); padded and untrained positions get target -100.
    const int64_t n = static_cast<int64_t>(samples.size()), t = config.seq_len;
    const int64_t pad = codec.eos_id().value_or(0);
    torch::Tensor inputs = torch::full({n, t}, pad, torch::kLong);
    torch::Tensor targets = torch::full({n, t}, -100, torch::kLong);
    auto in = inputs.accessor<int64_t, 2>();
    auto out = targets.accessor<int64_t, 2>();
    for (int64_t s = 0; s < n; ++s) {
        const TokenizedSample& sample = samples[s];
        for (size_t i = 0; i < sample.ids.size(); ++i) {
            if (sample.ids[i] < 0 || sample.ids[i] >= model.vocab_size())
                throw Error(config.path + ": the tokenizer produced id " + std::to_string(sample.ids[i]) +
                            ", outside the model's vocabulary of " + std::to_string(model.vocab_size()));
            if (i + 1 < sample.ids.size() && static_cast<int64_t>(i) < t)
                in[s][i] = sample.ids[i];
            if (i >= 1 && static_cast<int64_t>(i) <= t && sample.loss_mask[i])
                out[s][i - 1] = sample.ids[i];
        }
    }
    SplitDataset split = split_dataset(inputs, targets, config.eval_fraction, kSplitSeed, config.path);
    split.tokens_per_sample = t;
    split.description = std::to_string(n) + " samples of up to " + std::to_string(t) + " tokens from " + config.path;
    return split;
}

SplitDataset table_dataset(const DataConfig& config, models::MlpImpl& mlp)
{
    if (config.format != "csv")
        throw Error(config.path + ": the MLP reads CSV tables; set data.format to \"csv\"");
    const TabularDataset table = read_csv_dataset(config.path);
    const int64_t features = static_cast<int64_t>(table.feature_names.size());
    if (features != mlp.config().inputs)
        throw Error(config.path + ": has " + std::to_string(features) + " feature columns but the model takes " +
                    std::to_string(mlp.config().inputs));
    if (static_cast<int64_t>(table.classes.size()) > mlp.config().classes)
        throw Error(config.path + ": has " + std::to_string(table.classes.size()) + " classes but the model knows " +
                    std::to_string(mlp.config().classes));
    const torch::Tensor inputs = torch::tensor(table.features, torch::kFloat).view({table.rows, features});
    const torch::Tensor targets = torch::tensor(table.labels, torch::kLong);
    SplitDataset split = split_dataset(inputs, targets, config.eval_fraction, kSplitSeed, config.path);
    split.description = std::to_string(table.rows) + " rows of " + std::to_string(features) + " features from " +
                        config.path;
    return split;
}

}  // namespace

SplitDataset load_file_dataset(const DataConfig& config, const std::string& model_source, models::Model& model,
                               std::string* notes)
{
    if (auto* lm = dynamic_cast<models::LanguageModel*>(&model))
        return language_dataset(config, model_source, *lm, notes);
    if (auto* mlp = dynamic_cast<models::MlpImpl*>(&model))
        return table_dataset(config, *mlp);
    throw Error(config.path + ": this model cannot read data files");
}

}  // namespace dora::data
