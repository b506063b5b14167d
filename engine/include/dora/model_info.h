// What the GUI and `dora-cli inspect` show about a model before training it: its modules with kind,
// shape and parameter count, and an estimate of the memory a run with given settings will need.
#pragma once

#include "dora/run_config.h"

#include <string>
#include <vector>

namespace dora {

struct ModuleInfo {
    std::string name;               // Hugging Face module name, e.g. model.layers.0.self_attn.q_proj
    std::string kind;               // linear | embedding | layernorm | rmsnorm
    std::vector<long long> shape;   // weight shape; linear: (out, in)
    long long parameters = 0;
};

struct ModelInfo {
    std::string name;               // built-in name or folder
    std::string architecture;       // gpt2 | llama | mistral | qwen2 | mlp
    long long parameters = 0;
    long long vocab_size = 0;       // 0 for the MLP
    long long context_length = 0;
    std::vector<ModuleInfo> modules;  // leaf modules that hold weights, in model order
};

// Throws dora::Error for a missing or unreadable model.
ModelInfo inspect_model(const std::string& builtin_or_folder);

struct MemoryEstimate {
    double weights_mb = 0;       // the base model in float32
    double trainable_mb = 0;     // adapter (or fully trained) tensors, their gradients and AdamW moments
    double activations_mb = 0;   // what one micro-batch keeps for the backward pass
    double total_mb = 0;
    double available_mb = 0;     // memory the system reports free now (0 when unknown)
    bool fits() const { return available_mb <= 0 || total_mb <= available_mb; }
};

// From the model's config alone (no weights are loaded), for the config's batch size and seq_len.
// An upper-side estimate: the adapter is counted as if every linear layer were targeted.
MemoryEstimate estimate_memory(const RunConfig& config);

}  // namespace dora
