// The optimizer step as a few loops instead of a dozen tensor operations per trainable tensor.
// LibTorch's AdamW and clip_grad_norm_ dispatch about fifteen operations for every tensor they touch;
// a LoRA run has two tensors per adapted layer (three with DoRA's magnitude), each small, so on small
// models that dispatching is a large part of the step. These functions compute the same update with
// the optimizer's own state (checkpoints read and write it as before), and fall back to LibTorch for
// tensors they do not take (not on the CPU, not float32/float64, not contiguous).
#pragma once

#include <torch/torch.h>

#include <vector>

namespace dora::train {

// clip_grad_norm_: the 2-norm of all gradients together (undefined ones skipped) and, when it exceeds
// max_norm, every gradient scaled by max_norm / (norm + 1e-6). Returns the norm before scaling.
double clip_gradients(const std::vector<torch::Tensor>& params, double max_norm);

// One torch::optim::AdamW step over every parameter with a gradient, with the options of its group,
// updating the optimizer's state (created as AdamW creates it). With AMSGrad, or a tensor the loops
// do not take, LibTorch's own step runs instead.
// Gradients are released afterwards (the next backward writes fresh ones instead of adding to
// zeroed ones), which replaces zero_grad.
void adamw_step(torch::optim::AdamW& optimizer);

}  // namespace dora::train
