// Building a model from what config.json describes (model_spec.h reads and checks it without torch).
#pragma once

#include "models/gpt2.h"
#include "models/llama.h"
#include "models/mlp.h"
#include "models/model_spec.h"

#include <memory>

namespace dora::models {

// The architecture with freshly initialised weights.
std::shared_ptr<Model> build_model(const ModelSpec& spec);

}  // namespace dora::models
