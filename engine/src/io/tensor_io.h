// Between safetensors files and torch: named tensors out of a validated file image, and a module's
// parameters into a file. Weights are computed in float32 on the CPU whatever their stored dtype;
// U8 and I64 tensors (RNG states, counters) are kept exactly.
#pragma once

#include "io/safetensors.h"

#include <torch/torch.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace dora::io {

// A copy of one tensor of a parsed file image: float32 for F32/F16/BF16, uint8 for U8, int64 for I64.
// `bytes` points at the tensor's own data (SafetensorsFile::tensor_data, or an image's data section
// plus entry.begin), already validated by the parser to hold entry.end - entry.begin bytes.
torch::Tensor tensor_from_bytes(const TensorEntry& entry, const uint8_t* bytes);

// Where each tensor's bytes are: a validated header and the file image it came from.
struct TensorSource {
    const SafetensorsHeader& header;
    const uint8_t* file;  // the whole file image (mapped file or embedded blob)
    std::string label;    // starts every error message
    const uint8_t* bytes(const TensorEntry& entry) const { return file + header.data_start + entry.begin; }
};

// Copies tensors into the module's parameters and buffers of the same name. Every name in `names`
// must be present with the module's shape; otherwise throws one dora::Error listing everything that
// is missing or has the wrong shape.
void load_module_tensors(torch::nn::Module& module, const std::vector<std::string>& names, const TensorSource& source);

// Writes the named tensors atomically (see write_safetensors): uint8 and int64 as they are, any
// other dtype as F32.
void save_tensors(const std::string& path, const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                  const std::map<std::string, std::string>& metadata = {});

}  // namespace dora::io
