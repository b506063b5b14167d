// The built-in demo models: their architectures, their shipped pretrained weights, and the command
// that re-creates those weights (`dora-cli pretrain-demo NAME`, scripts/make-demo-weights.sh).
#pragma once

#include "models/model.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace dora::models {

const std::vector<std::string>& builtin_model_names();
bool is_builtin_model(const std::string& name);
std::string builtin_model_description(const std::string& name);

struct ModelSpec;
// The built-in's architecture as a model folder's config.json would describe it.
ModelSpec builtin_model_spec(const std::string& name);

// The architecture with fresh random weights (seeded from the global generator).
std::shared_ptr<Model> make_builtin_model(const std::string& name);

// The architecture with its pretrained weights; throws dora::Error when the weights were not built in.
std::shared_ptr<Model> load_builtin_model(const std::string& name);

// A built-in name or a model folder (model_folder.h).
std::shared_ptr<Model> load_model(const std::string& builtin_or_folder);

// Names of the base model's tensors (what a weights file holds): parameters, no adapter tensors.
std::vector<std::string> base_tensor_names(Model& model);

// Pretrains `name` from scratch on its pretraining task (all weights trainable) and writes the
// weights to `out_path`. Deterministic for a given seed and thread count.
void pretrain_builtin_model(const std::string& name, const std::string& out_path, int steps, uint64_t seed,
                            const std::function<void(int step, double train_loss, double eval_loss)>& progress);

}  // namespace dora::models
