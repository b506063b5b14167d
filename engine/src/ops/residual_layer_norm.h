// A residual add and the layer norm that reads its result, as one operation: h = x + a and
// y = LayerNorm(h) · weight + bias. A transformer block adds every branch into its residual stream
// and normalises the sum right away (GPT-2: ln_2 after attention, the next ln_1 or ln_f after the
// MLP). On the CPU (float32, float64) it is one autograd Function: the forward makes one pass per row
// for h and y, and the backward one pass for dx = da = dh + LayerNorm'(dy), which as separate
// operations are an add, ATen's layer norm, its backward and the add of the two gradients of h.
// Elsewhere: the same as tensor operations.
#pragma once

#include <torch/torch.h>

#include <utility>

namespace dora::ops {

// x and a of one shape (..., C); weight and bias (C,). Returns {h, y}.
std::pair<torch::Tensor, torch::Tensor> residual_layer_norm(const torch::Tensor& x, const torch::Tensor& a,
                                                            const torch::Tensor& weight, const torch::Tensor& bias,
                                                            double eps);

}  // namespace dora::ops
