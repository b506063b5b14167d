// preview_data (dora/data_preview.h).
#include "dora/data_preview.h"

#include "data/dataset_files.h"
#include "data/demo_data.h"
#include "data/text_codec.h"
#include "dora/error.h"

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
    if (config.data.format == "csv")
        return table_preview(data::read_csv_dataset(config.data.path), n);

    const data::TextCodec codec = data::TextCodec::for_source(model);
    data::TextDatasetOptions options;
    options.format = config.data.format;
    options.seq_len = config.data.seq_len;
    options.bos_id = codec.bos_id();
    options.eos_id = codec.eos_id();
    for (const data::SamplePreview& sample : data::preview_text_dataset(
             config.data.path, options, [&](const std::string& text) { return codec.encode(text); }, n)) {
        std::vector<PreviewToken> tokens;
        for (size_t i = 0; i < sample.ids.size(); ++i)
            tokens.push_back({codec.token_text(sample.ids[i]), sample.loss_mask[i] != 0});
        preview.samples.push_back(std::move(tokens));
    }
    return preview;
}

}  // namespace dora
