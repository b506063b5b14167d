// One adapted layer's forward pass, y = b + g ⊙ (x W0ᵀ + s·(x Aᵀ) Bᵀ) (g = 1 for LoRA), in two
// implementations with the same gradients: a composite of tensor operations that runs anywhere, and
// on the CPU one autograd Function whose forward and backward each make a single pass over the
// (tokens, out) activations besides the base layer's two matrix products.
#pragma once

#include <torch/torch.h>

namespace dora::adapters {

struct AdapterOperands {
    torch::Tensor x;       // (..., in), the base path's input
    torch::Tensor weight;  // W0 (out, in), frozen
    torch::Tensor bias;    // (out,), frozen, or undefined
    torch::Tensor lora_A;  // (r, in)
    torch::Tensor lora_B;  // (out, r)
    // DoRA's g = m / ‖W0 + s·B·A‖_row, (out,), in one of two forms (both undefined for LoRA):
    torch::Tensor gain;       // g itself, differentiable through the norm (the exact-gradient mode), or
    torch::Tensor magnitude;  // m, with the norm detached: computed inside, from W0, A, B and
    torch::Tensor w0_sq;      //   ‖W0‖²_row (cached by the layer)
    torch::Tensor norm;       //   ‖W0 + s·B·A‖_row when the layer holds it for the step; else computed inside
    double scale = 1.0;       // s

    bool dora() const { return gain.defined() || magnitude.defined(); }
};

// Tensor operations; `x_adapter` is x after the adapter's dropout (x itself without dropout).
torch::Tensor adapter_forward_composite(const AdapterOperands& operands, const torch::Tensor& x_adapter);

// Whether adapter_forward_fused takes these operands: CPU, float32 or float64, the base frozen.
bool adapter_fused_applies(const AdapterOperands& operands);

// The fused CPU Function. Keeps x, the small (tokens, r) product s·x·Aᵀ and, for DoRA, its output y,
// from which backward recovers z = (y − b) / g (rows with g = 0 are recomputed from x instead).
torch::Tensor adapter_forward_fused(const AdapterOperands& operands);

}  // namespace dora::adapters
