// Training checkpoints: everything needed to continue a run exactly where it was — the trainable
// tensors, AdamW's moments and step counts, the position in the data order and the random-number
// generator — in one safetensors file written atomically (a crash mid-write keeps the previous one).
// A safetensors file rather than torch::save: it cannot carry code, and every byte is validated on load.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace dora::train {

struct TrainingPosition {
    int step = 0;          // optimizer steps completed
    int64_t epoch = 0;     // BatchOrder position after that step
    int64_t offset = 0;
};

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

void save_checkpoint(const std::string& path, const NamedTensors& trainable, torch::optim::AdamW& optimizer,
                     const TrainingPosition& position);

// Loads into `trainable` (same names and shapes as saved) and `optimizer` (built over the same
// tensors), restores the CPU random generator, and returns the position. Throws dora::Error naming the
// file and what does not fit.
TrainingPosition load_checkpoint(const std::string& path, const NamedTensors& trainable,
                                 torch::optim::AdamW& optimizer);

}  // namespace dora::train
