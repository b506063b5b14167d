// Learning rate per optimizer step: linear warmup, then constant, linear decay to zero, or cosine
// decay towards zero (the last step still
// takes a small step; a zero learning rate would waste it).
#pragma once

#include "dora/run_config.h"

namespace dora::train {

// `step` is 1-based; the value applies to that step's update.
double learning_rate_at(int step, const TrainConfig& config);

}  // namespace dora::train
