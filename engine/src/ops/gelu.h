// GPT-2's GELU, the tanh approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). On the CPU it is
// one autograd Function whose forward and backward are each a single vectorised loop (exp-based
// tanh, avx2_math.h); ATen's version spends more time in its tanh than in the matrix products of a
// small model's MLP. Elsewhere it is torch::gelu(x, "tanh").
#pragma once

#include <torch/torch.h>

namespace dora::ops {

torch::Tensor gelu_tanh(const torch::Tensor& x);

}  // namespace dora::ops
