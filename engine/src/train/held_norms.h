// DoRA's detached norms held for one optimizer step (AdaptableLinear::hold_step_norm): computed once,
// with all the training threads, however many forward passes the step makes, and released when the
// scope ends, before the optimizer changes A and B. Engine-private.
#pragma once

#include "models/model.h"

#include <vector>

namespace dora::train {

class HeldStepNorms {
public:
    explicit HeldStepNorms(std::vector<models::NamedLinear>& layers) : m_layers(layers)
    {
        for (auto& [name, layer] : m_layers)
            layer->hold_step_norm();
    }
    ~HeldStepNorms()
    {
        for (auto& [name, layer] : m_layers)
            layer->release_step_norm();
    }
    HeldStepNorms(const HeldStepNorms&) = delete;
    HeldStepNorms& operator=(const HeldStepNorms&) = delete;

private:
    std::vector<models::NamedLinear>& m_layers;
};

}  // namespace dora::train
