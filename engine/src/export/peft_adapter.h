// Adapters in the PEFT layout, the format the Python ecosystem loads (peft.PeftModel.from_pretrained):
// adapter_config.json and adapter_model.safetensors with keys
// base_model.model.<module>.lora_A.weight (r, in), .lora_B.weight (out, r), .lora_magnitude_vector (out,).
#pragma once

#include "dora/run_config.h"
#include "models/model.h"

#include <string>
#include <vector>

namespace dora::exporting {

// Writes the adapters of `layers` (all LoRA or all DoRA). `base_model` is what the adapter applies to
// (a built-in name or a folder path).
void write_peft_adapter(const std::string& dir, const std::vector<models::NamedLinear>& layers,
                        const AdapterConfig& config, const std::string& base_model);

// Reads a PEFT adapter folder and attaches it to the matching layers of `model`, with its weights.
// Rank, alpha, rsLoRA, DoRA and the modules come from the file; dropout and the magnitude options
// from `training_options`. Throws dora::Error naming the file for anything that does not fit
// (unknown module, wrong shape, a non-LoRA adapter, options this engine does not implement).
std::vector<models::NamedLinear> apply_peft_adapter(models::Model& model, const std::string& dir,
                                                    const AdapterConfig& training_options = {});

}  // namespace dora::exporting
