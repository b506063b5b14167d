// The built-in tasks behind the demo models. Each demo has a pretraining task (what its shipped
// weights learned) and an adaptation task (what a fine-tuning run teaches it); the built-in dataset
// named like the demo is the adaptation task.
#pragma once

#include "data/tensor_dataset.h"

#include <string>
#include <vector>

namespace dora::data {

enum class DemoPhase { Pretrain, Adapt };

// Throws dora::Error for an unknown name. `seq_len` applies to demo-gpt (tokens per sample).
SplitDataset demo_dataset(const std::string& name, DemoPhase phase, int64_t seq_len, double eval_fraction);

// Three interleaved spiral arms in the plane, one class each, rotated by `rotation_degrees`.
// Inputs (N, 2) within about [-1, 1]², targets (N,) in {0, 1, 2}.
void spiral_points(int64_t per_class, double rotation_degrees, uint64_t seed, torch::Tensor& inputs,
                   torch::Tensor& targets);

}  // namespace dora::data
