// The loops behind LoRA and DoRA on the CPU that BLAS does badly or not at all. Products with a rank-r
// factor are tall and skinny (r is 4 to 64): OpenBLAS runs them at a fifth of its speed on square
// ones, and LoRA/DoRA's extra cost over the base layer is mostly such products and passes over
// (tokens, out) activations. Each function here makes one pass over its large operand.
// float32 loops also run as AVX2/FMA clones, picked at run time (and DoRA's pass over W0 as an
// AVX-512 one where the CPU has it); the library is otherwise built for the baseline x86-64
// instruction set.
#pragma once

#include <torch/torch.h>

namespace dora::adapters {

// Whether these kernels take the tensors: all on the CPU, float32 or float64, one dtype.
bool adapter_kernels_support(std::initializer_list<torch::Tensor> tensors);

// rows · smallᵀ for rows (n, k) and small (r, k), r small: (n, r). Used for x·Aᵀ, W0·Aᵀ and dz·B.
// Times `scale` when given (in the same pass: a separate mul_ by a double costs a scalar-tensor
// conversion per call, ~25 µs, 48 calls a step on the bench model).
torch::Tensor rank_project(const torch::Tensor& rows, const torch::Tensor& small, double scale = 1.0);

// DoRA's ‖W0 + s·B·A‖ per row without autograd (dora_math.h gives the formula): W0·Aᵀ in one pass over
// W0, then per row the r + r² products with B and A·Aᵀ; floored at `min_norm`.
torch::Tensor dora_row_norm_cpu(const torch::Tensor& w0, const torch::Tensor& w0_sq, const torch::Tensor& lora_a,
                                const torch::Tensor& lora_b, double scale, double min_norm);

// y (n, out) = down · up_t + b over whatever y held (its old contents are never read), where down
// (n, r) already carries the adapter scale and up_t is Bᵀ, (r, out); `bias` may be undefined. For a
// base product that then adds to it: BLAS asked for y += x·W0ᵀ (β = 1) skips the pass in which it
// zeroes y for β = 0, and the adapter's term needs no second pass over y.
void adapter_prefill_(torch::Tensor& y, const torch::Tensor& down, const torch::Tensor& up_t, const torch::Tensor& bias);

// In place over y (n, out): y = g ⊙ y + b, DoRA's scale after the base product, g (out,). `bias` may
// be undefined.
void adapter_gain_(torch::Tensor& y, const torch::Tensor& gain, const torch::Tensor& bias);

struct ScaleBackwardSums {
    torch::Tensor dz;          // g ⊙ dy, shaped like kept; undefined unless asked for
    torch::Tensor dy_kept;     // (out,) Σ_rows dy ⊙ kept, float64
    torch::Tensor dy_total;    // (out,) Σ_rows dy, float64
    torch::Tensor d_down;      // (rows, r) down_scale · dz · B when up_t = Bᵀ was given
};

// Backward of DoRA's scale y = b + g ⊙ z in one pass over dy and kept (both (..., out)): parallel over
// blocks of rows, sums accumulated in double. Given up_t = Bᵀ (r, out), the same pass also projects
// each block of dz on it while the block is in cache (the adapter's s·dz·B). With dz_over_kept, dz is
// written over kept (contiguous, and the caller's to overwrite), row by row after it has been read.
ScaleBackwardSums scale_backward_cpu(const torch::Tensor& dy, const torch::Tensor& kept, const torch::Tensor& g,
                                     bool want_dz, const torch::Tensor& up_t = {}, double down_scale = 1.0,
                                     bool dz_over_kept = false);

}  // namespace dora::adapters
