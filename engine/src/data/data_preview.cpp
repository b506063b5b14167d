// preview_data (dora/data_preview.h).
#include "dora/data_preview.h"

#include "data/dataset_files.h"
#include "data/demo_data.h"
#include "data/text_codec.h"
#include "dora/error.h"

#include <cmath>
#include <cstdio>

namespace dora {
namespace {

std::string number(float x)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.3g", x);
    return text;
}

DataPreview table_preview(const data::TabularDataset& table, size_t n)
{
    DataPreview preview;
    const size_t features = table.feature_names.size();
    for (int64_t row = 0; row < table.rows && preview.samples.size() < n; ++row) {
        std::vector<PreviewToken> sample;
        for (size_t f = 0; f < features; ++f)
            sample.push_back({table.feature_names[f] + "=" + number(table.features[row * features + f]), false});
        sample.push_back({table.classes[table.labels[row]], true});
        preview.samples.push_back(std::move(sample));
    }
    return preview;
}

}  // namespace

DataPreview preview_data(const RunConfig& config, size_t n)
{
    const std::string model = config.model.builtin.empty() ? config.model.path : config.model.builtin;
    DataPreview preview;
    if (config.data.path.empty()) {
        const data::SplitDataset demo = data::demo_dataset(config.data.builtin, data::DemoPhase::Adapt,
                                                           config.data.seq_len, config.data.eval_fraction);
        const int64_t count = std::min<int64_t>(static_cast<int64_t>(n), demo.train.size());
        preview.total_samples = demo.train.size() + demo.eval.size();
        preview.held_out_samples = demo.eval.size();
        preview.trained_tokens = preview.total_samples * demo.tokens_per_sample;
        if (demo.train.inputs.dim() == 2 && demo.train.inputs.scalar_type() == torch::kFloat) {
            for (int64_t i = 0; i < count; ++i)
                preview.samples.push_back({{"x=" + number(demo.train.inputs[i][0].item<float>()), false},
                                           {"y=" + number(demo.train.inputs[i][1].item<float>()), false},
                                           {"arm " + std::to_string(demo.train.targets[i].item<int64_t>()), true}});
            return preview;
        }
        const data::TextCodec codec = data::TextCodec::for_source("demo-gpt");
        for (int64_t i = 0; i < count; ++i) {
            std::vector<PreviewToken> sample;
            for (int64_t t = 0; t < demo.train.inputs.size(1); ++t)
                sample.push_back({codec.token_text(demo.train.inputs[i][t].item<int64_t>()), t > 0});
            preview.samples.push_back(std::move(sample));
        }
        return preview;
    }
    const auto held_out = [&](long long total) {  // as split_dataset rounds it
        return std::min(std::max(static_cast<long long>(std::llround(total * config.data.eval_fraction)), 1LL), total - 1);
    };
    if (config.data.format == "csv") {
        const data::TabularDataset table = data::read_csv_dataset(config.data.path);
        preview = table_preview(table, n);
        preview.total_samples = preview.trained_tokens = table.rows;
        preview.held_out_samples = held_out(table.rows);
        return preview;
    }

    const data::TextCodec codec = data::TextCodec::for_source(model);
    data::TextDatasetOptions options;
    options.format = config.data.format;
    options.seq_len = config.data.seq_len;
    options.bos_id = codec.bos_id();
    options.eos_id = codec.eos_id();
    const std::vector<data::TokenizedSample> samples =
        data::read_text_dataset(config.data.path, options, [&](const std::string& text) { return codec.encode(text); });
    for (const data::TokenizedSample& sample : samples) {
        for (uint8_t trained : sample.loss_mask)
            preview.trained_tokens += trained;
        if (preview.samples.size() >= n)
            continue;
        std::vector<PreviewToken> tokens;
        for (size_t i = 0; i < sample.ids.size(); ++i)
            tokens.push_back({codec.token_text(sample.ids[i]), sample.loss_mask[i] != 0});
        preview.samples.push_back(std::move(tokens));
    }
    preview.total_samples = static_cast<long long>(samples.size());
    preview.held_out_samples = held_out(preview.total_samples);
    return preview;
}

}  // namespace dora
