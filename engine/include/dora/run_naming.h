// The name a run gets when nobody gives it one, the same from every place that starts runs (the
// Start button, "LoRA vs DoRA"): what was trained, how, and at which rank ("demo-gpt DoRA r8").
#pragma once

#include "dora/run_config.h"

#include <string>

namespace dora {

// "<model> <method> r<rank>", or "<model> Full" (full fine-tuning has no rank). The model is the
// built-in's name or the last part of the folder's path.
std::string default_run_name(const ModelSource& model, const std::string& method, int rank);

}  // namespace dora
