#include "train/layer_stats.h"

#include "adapters/dora_math.h"

namespace dora::train {

LayerStats compute_layer_stats(int step, const std::vector<models::NamedLinear>& layers)
{
    LayerStats stats;
    stats.step = step;
    stats.layers.reserve(layers.size());
    for (auto [name, layer] : layers) {  // holders are shared pointers: copies are cheap
        const adapters::MagnitudeDirectionChange change =
            adapters::magnitude_direction_change(layer->effective_weight(), layer->reference_weight());
        stats.layers.push_back({name, change.delta_magnitude, change.delta_direction});
    }
    return stats;
}

}  // namespace dora::train
