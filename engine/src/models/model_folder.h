// Model folders in the Hugging Face layout: config.json + model.safetensors. Supported here:
// `model_type: gpt2` (GPT-2 / DistilGPT-2: Conv1D weights stored (in, out), names with or without the
// `transformer.` prefix, tied output head) and `model_type: dora-demo-mlp` (the demo MLP, as DoRA
// Studio exports it). Also the writer used by the merged-model export, so a folder written here loads
// with the same code (and a gpt2 folder with Hugging Face transformers).
#pragma once

#include "models/model.h"

#include <memory>
#include <string>

namespace dora::models {

// Throws dora::Error naming the file and what is wrong or missing.
std::shared_ptr<Model> load_model_folder(const std::string& dir);

// Writes config.json and model.safetensors for `model` (a Gpt2Impl or MlpImpl) into `dir`, using the
// model's current weights (merge adapters first to export an adapted model).
void save_model_folder(Model& model, const std::string& dir);

}  // namespace dora::models
