#include "models/model_config.h"

namespace dora::models {

std::shared_ptr<Model> build_model(const ModelSpec& spec)
{
    if (spec.model_type == "gpt2")
        return std::make_shared<Gpt2Impl>(spec.gpt2);
    if (spec.is_llama_family())
        return std::make_shared<LlamaImpl>(spec.llama);
    return std::make_shared<MlpImpl>(spec.mlp);
}

}  // namespace dora::models
