#include "train/layer_stats.h"

namespace dora::train {
namespace {

// Arrows are drawn only for layers small enough to draw: two inputs, a few hundred neurons at most.
constexpr int64_t kMaxDrawnNeurons = 512;

std::vector<float> rows_of(const torch::Tensor& weight)
{
    const torch::Tensor flat = weight.detach().to(torch::kCPU, torch::kFloat).contiguous().view(-1);
    return std::vector<float>(flat.data_ptr<float>(), flat.data_ptr<float>() + flat.numel());
}

}  // namespace

LayerStats compute_layer_stats(int step, const std::vector<models::NamedLinear>& layers)
{
    LayerStats stats;
    stats.step = step;
    stats.layers.reserve(layers.size());
    for (auto [name, layer] : layers) {  // holders are shared pointers: copies are cheap
        const adapters::MagnitudeDirectionChange change = layer->direction_change();
        LayerStat stat{name, change.delta_magnitude, change.delta_direction, {}, {}};
        if (layer->in_features() == 2 && layer->out_features() <= kMaxDrawnNeurons) {
            stat.weight_rows = rows_of(layer->effective_weight());
            stat.base_weight_rows = rows_of(layer->reference_weight());
        }
        stats.layers.push_back(std::move(stat));
    }
    return stats;
}

}  // namespace dora::train
