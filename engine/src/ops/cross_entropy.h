// Mean cross-entropy of logits against class targets, targets equal to -100 ignored (PyTorch's
// convention). On the CPU one autograd Function: forward is one pass per row (max, then Σ exp), and
// backward writes softmax − one-hot straight into the gradient, where ATen keeps a log-softmax copy
// of the logits, fills a zero gradient and makes two more passes. For a GPT-2 head the logits are the
// largest activation of the step. Elsewhere it is torch::nn::functional::cross_entropy.
#pragma once

#include <torch/torch.h>

namespace dora::ops {

// logits (N, C), targets (N,) int64. The mean over counted targets: NaN when none counts, like
// PyTorch. A target outside [0, C) that is not -100 is an error naming it.
torch::Tensor cross_entropy(const torch::Tensor& logits, const torch::Tensor& targets);

}  // namespace dora::ops
