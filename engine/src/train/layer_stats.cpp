#include "train/layer_stats.h"

#include "adapters/dora_math.h"

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
        const torch::Tensor current = layer->effective_weight();
        const torch::Tensor base = layer->reference_weight();
        const adapters::MagnitudeDirectionChange change = adapters::magnitude_direction_change(current, base);
        LayerStat stat{name, change.delta_magnitude, change.delta_direction, {}, {}};
        if (current.dim() == 2 && current.size(1) == 2 && current.size(0) <= kMaxDrawnNeurons) {
            stat.weight_rows = rows_of(current);
            stat.base_weight_rows = rows_of(base);
        }
        stats.layers.push_back(std::move(stat));
    }
    return stats;
}

}  // namespace dora::train
