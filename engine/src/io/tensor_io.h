// Between safetensors files and torch: named tensors out of a validated file image, and a module's
// parameters into a file. Every tensor is computed in float32 on the CPU whatever its stored dtype.
#pragma once

#include "io/safetensors.h"

#include <torch/torch.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace dora::io {

// A float32 copy of one tensor of a parsed file image.
torch::Tensor tensor_from_safetensors(const SafetensorsHeader& header, const uint8_t* file, const TensorEntry& entry);

// Copies tensors into the module's parameters and buffers of the same name. Every name in `names`
// must be present with the module's shape; otherwise throws one dora::Error listing everything that
// is missing or has the wrong shape.
void load_module_tensors(torch::nn::Module& module, const std::vector<std::string>& names,
                         const SafetensorsHeader& header, const uint8_t* file, const std::string& label);

// Writes the named tensors as F32 (atomically, see write_safetensors).
void save_tensors(const std::string& path, const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                  const std::map<std::string, std::string>& metadata = {});

}  // namespace dora::io
