// ΔM and ΔD of every adapted layer (DESIGN.md, weight-decomposition analysis), the same formula for
// LoRA, DoRA and full fine-tuning so runs of different methods share one axis.
#pragma once

#include "dora/training.h"
#include "models/model.h"

#include <vector>

namespace dora::train {

LayerStats compute_layer_stats(int step, const std::vector<models::NamedLinear>& layers);

}  // namespace dora::train
