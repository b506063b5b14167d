// Samples held as two tensors (inputs, targets) and split once into training and held-out parts.
// Small enough for every built-in task; user files (text, JSONL, ...) are tokenised into the same shape.
#pragma once

#include "models/model.h"

#include <torch/torch.h>

#include <string>

namespace dora::data {

struct TensorDataset {
    torch::Tensor inputs;   // (N, ...) float features or token ids
    torch::Tensor targets;  // (N,) class ids or (N, T) next-token ids, -100 = no loss
    int64_t size() const { return inputs.defined() ? inputs.size(0) : 0; }
    models::Batch gather(const torch::Tensor& indices) const;  // indices: (B,) int64
};

struct SplitDataset {
    TensorDataset train, eval;
    int64_t tokens_per_sample = 1;  // for throughput: seq_len for language models, 1 for classifiers
    std::string description;        // one line for logs and the GUI
};

// Holds out round(N · eval_fraction) samples (at least one, and at least one left to train on) chosen
// by a permutation of `split_seed`, so the split does not change with the training seed.
SplitDataset split_dataset(const torch::Tensor& inputs, const torch::Tensor& targets, double eval_fraction,
                           uint64_t split_seed, const std::string& origin);

}  // namespace dora::data
