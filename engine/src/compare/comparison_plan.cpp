#include "dora/comparison.h"

#include <algorithm>
#include <filesystem>

namespace dora {

std::vector<RunConfig> lora_vs_dora_configs(const RunConfig& base, bool with_half_rank)
{
    // "demo-gpt DoRA r4 · LoRA vs DoRA": the model, what this run is, and which experiment it belongs to.
    std::filesystem::path folder(base.model.path);
    if (folder.filename().empty())  // "models/gpt2/"
        folder = folder.parent_path();
    const std::string model = !base.model.builtin.empty() ? base.model.builtin : folder.filename().string();
    auto variant = [&](const char* method, int rank) {
        RunConfig config = base;
        config.adapter.method = method;
        config.adapter.rank = rank;
        config.name = model + " " + (std::string(method) == "lora" ? "LoRA" : "DoRA") + " r" + std::to_string(rank) +
                      " · LoRA vs DoRA";
        return config;
    };
    std::vector<RunConfig> configs{variant("lora", base.adapter.rank), variant("dora", base.adapter.rank)};
    if (with_half_rank)
        configs.push_back(variant("dora", std::max(1, base.adapter.rank / 2)));
    return configs;
}

}  // namespace dora
