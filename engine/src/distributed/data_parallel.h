// The trainer's three hooks for data parallelism. In a single-process run (no DistributedSession)
// each one leaves the computation exactly as it was. Engine-private.
#pragma once

#include "data/tensor_dataset.h"
#include "models/model.h"
#include "train/trainer_impl.h"

#include <torch/torch.h>

#include <vector>

namespace dora::distributed {

// This rank's part of one global micro-batch. Rank r takes the r-th contiguous slice of the global
// batch's indices. Its mean loss is weighted by its share of the global batch's counted targets, so
// that the ranks' weighted losses (and gradients) sum to the global batch's mean exactly, even when
// slices hold different numbers of counted targets (masked prompts, uneven splits).
struct BatchShare {
    models::Batch batch;
    double loss_weight = 1;  // counted targets here / counted targets in the global batch
    bool empty = false;      // nothing to learn from here: skip the forward and backward passes
};
BatchShare take_share(const data::TensorDataset& dataset, const torch::Tensor& global_indices);

// Sums the gradients of `params` and the step's loss over all ranks in one all-reduce, so that every
// rank holds the global batch's gradient and takes the same optimizer step. Returns the global loss.
// The same buffer carries each rank's vote to stop (control.stop). Throws PeerLost when another rank
// is gone.
double all_reduce_gradients(const std::vector<torch::Tensor>& params, double local_loss,
                            const TrainingControl& control);

// Whether to stop before the next step. Alone: control.stop. In a distributed run: whether any rank
// had voted to stop at the last all-reduce, so that all ranks stop after the same step (a rank that
// stopped alone would leave the others waiting in their next all-reduce).
bool stop_requested(const TrainingControl& control);

// Every rank starts from rank 0's state: its trainable tensors, AdamW moments, data-order position
// and random generator (a checkpoint sent through the rendezvous store). Rank 0 may have resumed
// from its checkpoint; the other ranks never read the run store.
void start_from_rank0_state(Trainer::Impl& trainer);

}  // namespace dora::distributed
