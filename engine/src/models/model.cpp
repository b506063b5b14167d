// Helpers shared by every model.
#include "models/model.h"

#include "ops/cross_entropy.h"

namespace dora::models {

std::vector<NamedLinear> linear_layers(Model& model)
{
    std::vector<NamedLinear> layers;
    for (const auto& item : model.named_modules("", /*include_self=*/false)) {
        if (auto linear = std::dynamic_pointer_cast<adapters::AdaptableLinearImpl>(item.value()))
            layers.emplace_back(item.key(), adapters::AdaptableLinear(linear));
    }
    return layers;
}

torch::Tensor LanguageModel::loss(const Batch& batch)
{
    const torch::Tensor logits = forward(batch.input);
    return cross_entropy(logits.reshape({-1, logits.size(-1)}), batch.target.reshape({-1}));
}

torch::Tensor cross_entropy(const torch::Tensor& logits, const torch::Tensor& targets)
{
    return ops::cross_entropy(logits, targets);
}

}  // namespace dora::models
