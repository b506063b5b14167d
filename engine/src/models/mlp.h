// A small tanh MLP classifier on low-dimensional inputs: the `demo-mlp` model. Its first layer takes
// the two input coordinates, so each of its neurons is an arrow in the plane (teaching views).
#pragma once

#include "models/architecture_configs.h"
#include "models/model.h"

namespace dora::models {

class MlpImpl : public Model {
public:
    explicit MlpImpl(const MlpConfig& config);
    torch::Tensor forward(const torch::Tensor& x);  // (B, inputs) -> (B, classes) logits
    torch::Tensor loss(const Batch& batch) override;
    std::string architecture() const override { return "mlp"; }
    const MlpConfig& config() const { return m_config; }

private:
    MlpConfig m_config;
    adapters::AdaptableLinear fc1{nullptr}, fc2{nullptr}, fc3{nullptr};
};
TORCH_MODULE(Mlp);

}  // namespace dora::models
