// The backward pass of DoRA's output scale y = b + g ⊙ z as one loop on the CPU. Built from tensor
// operations it reads the (tokens, out) gradient five times and allocates two temporaries of that
// size; DoRA's extra cost over LoRA is mostly such memory traffic, so it is done here in one pass.
#pragma once

#include <torch/torch.h>

namespace dora::adapters {

struct ScaleBackwardSums {
    torch::Tensor dz;          // g ⊙ dy, shaped like dy; undefined unless asked for
    torch::Tensor dy_kept;     // (out,) Σ_tokens dy ⊙ kept, in g's dtype
    torch::Tensor dy_total;    // (out,) Σ_tokens dy, in g's dtype
};

// Whether scale_backward_cpu handles these tensors (CPU, float32 or float64, one dtype).
bool scale_backward_cpu_supported(const torch::Tensor& dy, const torch::Tensor& kept, const torch::Tensor& g);

// One pass over dy and kept (both (..., out)), parallel over columns; sums accumulate in double.
ScaleBackwardSums scale_backward_cpu(const torch::Tensor& dy, const torch::Tensor& kept, const torch::Tensor& g,
                                     bool want_dz);

}  // namespace dora::adapters
