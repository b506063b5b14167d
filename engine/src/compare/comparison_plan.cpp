#include "dora/comparison.h"
#include "dora/run_naming.h"

#include <algorithm>

namespace dora {

std::vector<RunConfig> lora_vs_dora_configs(const RunConfig& base, bool with_half_rank)
{
    // "demo-gpt DoRA r4 · LoRA vs DoRA": the model, what this run is, and which experiment it belongs to.
    auto variant = [&](const char* method, int rank) {
        RunConfig config = base;
        config.adapter.method = method;
        config.adapter.rank = rank;
        config.name = default_run_name(base.model, method, rank) + " · LoRA vs DoRA";
        return config;
    };
    std::vector<RunConfig> configs{variant("lora", base.adapter.rank), variant("dora", base.adapter.rank)};
    if (with_half_rank)
        configs.push_back(variant("dora", std::max(1, base.adapter.rank / 2)));
    return configs;
}

}  // namespace dora
