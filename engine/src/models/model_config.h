// What a model folder's config.json describes, read and checked before any weight is loaded: the
// architecture (by `model_type`) and its sizes, which is also what the memory estimate needs.
#pragma once

#include "models/gpt2.h"
#include "models/llama.h"
#include "models/mlp.h"

#include <memory>
#include <string>

namespace dora::models {

struct ModelSpec {
    std::string model_type;  // gpt2 | llama | mistral | qwen2 | dora-demo-mlp
    Gpt2Config gpt2;
    LlamaConfig llama;
    MlpConfig mlp;

    bool is_llama_family() const { return model_type == "llama" || model_type == "mistral" || model_type == "qwen2"; }
    int64_t parameter_count() const;
    int64_t vocab_size() const;
    int64_t context_length() const;
};

// Throws dora::Error naming config.json and the key that is missing or wrong.
ModelSpec read_model_spec(const std::string& dir);

// The architecture with freshly initialised weights.
std::shared_ptr<Model> build_model(const ModelSpec& spec);

}  // namespace dora::models
