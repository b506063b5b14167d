// Model folders in the Hugging Face layout: config.json + model.safetensors, or shards with
// model.safetensors.index.json; F32, F16 or BF16 tensors, computed in F32. Architectures by
// `model_type`: gpt2 (GPT-2 / DistilGPT-2: Conv1D weights stored (in, out), names with or without the
// `transformer.` prefix, tied output head), llama / mistral / qwen2 (the Llama family), and
// dora-demo-mlp (the demo MLP as DoRA Studio exports it). Also the writer used by the merged-model
// export, so a folder written here loads with the same code (and a gpt2 folder with transformers).
#pragma once

#include "models/model.h"

#include <memory>
#include <string>

namespace dora::models {

// Throws dora::Error naming the file and what is wrong or missing.
std::shared_ptr<Model> load_model_folder(const std::string& dir);

// Writes config.json and model.safetensors for `model` into `dir`, using the model's current weights
// (merge adapters first to export an adapted model). With `source_dir` (the folder the model was
// loaded from) its config.json and tensor names and orientations are kept; built-in models get a
// config of their own. Weights are written as F32, in one file even when the source was sharded.
void save_model_folder(Model& model, const std::string& dir, const std::string& source_dir = "");

}  // namespace dora::models
