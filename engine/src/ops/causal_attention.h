// Causal self-attention, softmax(q kᵀ / √D + mask) v, for the models' attention layers. On the CPU it
// is one autograd Function that works head by head, heads in parallel: each head's two products go
// straight to BLAS, its masked softmax (forward and backward) runs on the rows while they are in
// cache, and the output comes out with the heads already merged. ATen's batched product instead runs
// the heads one after another, each split over threads, at a quarter of the speed, with the mask,
// softmax and head transposes as separate passes.
// Elsewhere (a GPU, half precision) it is the same composite of tensor operations as before.
#pragma once

#include <torch/torch.h>

namespace dora::ops {

// q (B, H, T, D); k and v (B, Hkv, T, D) with Hkv dividing H (grouped-query attention: kv head j
// serves query heads j·H/Hkv … (j+1)·H/Hkv − 1). Position i sees positions j ≤ i, and with
// window > 0 only those with i − j < window. Returns (B, T, H·D), the heads side by side.
torch::Tensor causal_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                               int64_t window = 0);

// The same on one projection's output qkv, (B, T, (H + 2·Hkv)·D): the H query heads, then the Hkv
// key heads, then the Hkv value heads (GPT-2's c_attn). Its gradient comes back as one tensor.
torch::Tensor causal_attention_packed(const torch::Tensor& qkv, int64_t heads, int64_t kv_heads, int64_t window = 0);

// The composite of tensor operations, for any device and dtype; the reference the tests compare with.
torch::Tensor causal_attention_composite(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                         int64_t window = 0);

}  // namespace dora::ops
