#include "dora/comparison.h"

#include <algorithm>

namespace dora {

std::vector<RunConfig> lora_vs_dora_configs(const RunConfig& base, bool with_half_rank)
{
    auto variant = [&base](const char* method, int rank) {
        RunConfig config = base;
        config.adapter.method = method;
        config.adapter.rank = rank;
        config.name = base.name + " · " + (std::string(method) == "lora" ? "LoRA" : "DoRA") + " r" + std::to_string(rank);
        return config;
    };
    std::vector<RunConfig> configs{variant("lora", base.adapter.rank), variant("dora", base.adapter.rank)};
    if (with_half_rank)
        configs.push_back(variant("dora", std::max(1, base.adapter.rank / 2)));
    return configs;
}

}  // namespace dora
