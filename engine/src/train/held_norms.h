// DoRA's detached norms held for one optimizer step (AdaptableLinear::hold_step_norm): computed once
// however many forward passes the step makes, and released when the scope ends, before the optimizer
// changes A and B. Engine-private.
#pragma once

#include "models/model.h"
#include "train/shard_workers.h"

#include <vector>

namespace dora::train {

class HeldStepNorms {
public:
    // With workers, the layers are dealt out to the shares, largest first to the least loaded, each
    // computing its layers' norms on one thread: one hand-off for all layers instead of an OpenMP
    // region (and a thread wake-up) per layer. The norms are the same either way.
    explicit HeldStepNorms(std::vector<models::NamedLinear>& layers, ShardWorkers* workers = nullptr);
    ~HeldStepNorms() { release(); }
    HeldStepNorms(const HeldStepNorms&) = delete;
    HeldStepNorms& operator=(const HeldStepNorms&) = delete;

private:
    void release();

    std::vector<models::NamedLinear>& m_layers;
};

}  // namespace dora::train
