// The DoRA arithmetic that never builds the dense (out, in) matrix W0 + s·B·A (DESIGN.md, "DoRA in
// one screen"), and the fused output scale y = b + g ⊙ z whose backward keeps only z.
#pragma once

#include <torch/torch.h>

namespace dora::adapters {

// Rows whose norm is below this are treated as having this norm: a zero row (real checkpoints have
// them) then gives g = m / n = 0 instead of NaN, and the square root's gradient stays finite.
constexpr double kMinRowNorm = 1e-12;

// ‖W0 + s·B·A‖ per output row, from ‖W0‖²_row (cached) and the small (out, r) and (r, r) products:
//   n² = ‖W0‖² + 2s·rowsum((W0 Aᵀ) ⊙ B) + s²·rowsum((B (A Aᵀ)) ⊙ B).
// Differentiable in A and B; callers that want the detached norm wrap it in NoGradGuard.
torch::Tensor dora_row_norm(const torch::Tensor& w0,       // (out, in), frozen
                            const torch::Tensor& w0_sq,    // (out,) = ‖W0‖²_row
                            const torch::Tensor& lora_a,   // (r, in)
                            const torch::Tensor& lora_b,   // (out, r)
                            double scale);                 // s

// y = b + g ⊙ z with g broadcast over the last dimension: dz = g ⊙ dy, dg = Σ_tokens dy ⊙ z,
// db = Σ_tokens dy. Consumes z: on the CPU, when no g is 0, y is written over z (z must be a fresh
// tensor nobody else uses) and kept for backward, z = (y − b) / g being recovered there; the layer's
// consumer usually keeps y anyway. Otherwise (a row with g == 0, or a GPU) z is kept. `bias` may be
// undefined.
torch::Tensor dora_scale_(torch::Tensor& z,            // (..., out)
                          const torch::Tensor& g,      // (out,)
                          const torch::Tensor& bias);  // (out,) or undefined

// Weight-decomposition analysis of one layer (DoRA paper §3.2) against the base weight, per output row
// i: ΔM = mean_i |‖W_t,i‖ − ‖W0,i‖|, ΔD = mean_i (1 − cos(W_t,i, W0,i)). Rows whose base or current
// norm is zero have no direction and are left out of ΔD.
struct MagnitudeDirectionChange {
    double delta_magnitude = 0;
    double delta_direction = 0;
};
MagnitudeDirectionChange magnitude_direction_change(const torch::Tensor& current,  // (out, in)
                                                    const torch::Tensor& base);    // (out, in)

// The same for W = W0 + s·B·A (LoRA) or W = m ⊙ (W0 + s·B·A) / ‖W0 + s·B·A‖ (DoRA; `magnitude`
// undefined for LoRA), from the factors and W0·Aᵀ alone, with no (out, in) matrix formed. With
// d = s·B_i·A the adapter's row: ‖W0_i + d‖² = ‖W0_i‖² + 2 W0_i·d + ‖d‖², W0_i·d = s·B_i·(W0·Aᵀ)_i,
// ‖d‖² = s²·B_i·(A·Aᵀ)·B_iᵀ, and 1 − cos = (‖W0_i‖²‖d‖² − (W0_i·d)²) / (‖W0_i‖ n (‖W0_i‖ n +
// ‖W0_i‖² + W0_i·d)) with n = ‖W0_i + d‖: free of the cancellation in 1 − cos for small changes.
MagnitudeDirectionChange magnitude_direction_change_factored(const torch::Tensor& w0_sq,   // (out,) ‖W0_i‖²
                                                             const torch::Tensor& w0_at,   // (out, r) W0·Aᵀ
                                                             const torch::Tensor& lora_a,  // (r, in)
                                                             const torch::Tensor& lora_b,  // (out, r)
                                                             double scale, const torch::Tensor& magnitude);

}  // namespace dora::adapters
