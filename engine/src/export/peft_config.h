// The torch-free half of loading a PEFT adapter: reading adapter_config.json and naming the modules that
// adapter_model.safetensors adapts. Both files come from the internet, so this half is fuzzed on its own
// (tests/fuzz); peft_adapter.cpp attaches and fills the adapters with torch.
#pragma once

#include "dora/run_config.h"
#include "io/safetensors.h"

#include <string>
#include <vector>

namespace dora::exporting {

extern const char* const kPeftKeyPrefix;  // "base_model.model."
constexpr size_t kMaxAdapterConfigBytes = 1u << 20;

// Reads the text of adapter_config.json: method (use_dora), rank, alpha and rsLoRA replace those of
// `training_options`, which keeps dropout and the magnitude options. `label` (the file's path) starts
// every dora::Error; options this engine does not implement are refused, not ignored.
AdapterConfig read_peft_adapter_config(const std::string& json_text, const std::string& label,
                                       const AdapterConfig& training_options = {});

// The adapted modules, in file order: one per "<prefix><module>.lora_A.weight" tensor. Throws naming
// `label` when there is none.
std::vector<std::string> peft_adapter_modules(const io::SafetensorsHeader& header, const std::string& label);

}  // namespace dora::exporting
