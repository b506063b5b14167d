// Splitting each micro-batch by rows across the training threads, on the CPU.
//
// LibTorch parallelises inside each operation: every matrix product and element-wise pass is one
// OpenMP parallel region, and each region wakes the helper threads that slept since the last one.
// On the 2-core test machine a region costs 20–55 µs more than its work, and a step of the small
// bench model (`dora-cli bench --layers 2 --d 64 …`) has 54 regions, most doing less work than that:
// 5.8 ms a step, 3.0 ms split. Split by rows instead, each share runs its whole forward and backward pass on one
// thread, the shares in parallel, and the threads meet once per micro-batch.
//
// The result is the unsplit micro-batch's: each share's mean loss is weighted by its share of the
// counted targets, and its gradients are added to the parameters' in share order, so a run repeats
// itself exactly (the sums differ from the unsplit ones by rounding only). Engine-private.
#pragma once

#include "dora/run_config.h"
#include "models/model.h"
#include "train/shard_workers.h"

#include <torch/torch.h>

#include <vector>

namespace dora::train {

struct ShardPlan {
    int shards = 1;             // shares per micro-batch (1: no splitting)
    int threads_per_shard = 1;  // intra-op threads of each share (of the whole batch when not split)
};

// One share per training thread, at most one per row of the batch, and each with at least
// kMinFlopPerShare of work (`flop_per_row`: an estimate of one row's forward and backward products;
// handing a share to a sleeping thread costs tens of µs, more than a share of the demo MLP's whole
// step). A micro-batch with less work than two shares runs on one thread, in one piece: there, each
// OpenMP region of an operation costs more than it saves. Shares are fewer, or none, where the
// extra gradient copies (one per share beyond the first) would pass kMaxExtraGradientBytes (full
// fine-tuning of a large model). Not split: a GPU run, one thread, adapter dropout (the shares would
// draw their masks from the one generator in whatever order the threads reach it, and a run would
// no longer repeat itself), or a LibTorch without per-thread intra-op thread counts.
constexpr int64_t kMaxExtraGradientBytes = int64_t(64) << 20;
constexpr double kMinFlopPerShare = 2e7;
ShardPlan plan_batch_shards(const RunConfig& config, bool on_cpu, int threads, int64_t trainable_bytes,
                            double flop_per_row);

// One micro-batch's forward and backward passes; gradients are added to the parameters' .grad and the
// weighted loss (mean over counted targets × loss_weight) is returned. Split across `workers` when
// given and the batch has more than one row with counted targets; otherwise on the calling thread.
// Inside, adapter outputs die with the backward pass (adapters::OutputReuseScope).
double forward_backward(models::Model& model, const models::Batch& batch, double loss_weight,
                        const std::vector<torch::Tensor>& params, ShardWorkers* workers);

}  // namespace dora::train
