// The demo MLP: inputs -> hidden -> hidden -> classes, tanh between layers.
#include "models/mlp.h"

namespace dora::models {

MlpImpl::MlpImpl(const MlpConfig& config) : m_config(config)
{
    fc1 = register_module("fc1", adapters::AdaptableLinear(config.inputs, config.hidden, true));
    fc2 = register_module("fc2", adapters::AdaptableLinear(config.hidden, config.hidden, true));
    fc3 = register_module("fc3", adapters::AdaptableLinear(config.hidden, config.classes, true));
}

torch::Tensor MlpImpl::forward(const torch::Tensor& x)
{
    return fc3(torch::tanh(fc2(torch::tanh(fc1(x)))));
}

torch::Tensor MlpImpl::loss(const Batch& batch)
{
    return cross_entropy(forward(batch.input), batch.target);
}

}  // namespace dora::models
