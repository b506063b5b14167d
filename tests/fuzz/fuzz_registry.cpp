// The list of fuzz targets by name, with what each one's refusals start with.
#include "fuzz_targets.h"


namespace dora::fuzz {

const std::vector<NamedTarget>& all_targets()
{
    static const std::vector<NamedTarget> targets = {
        {"safetensors", fuzz_safetensors, input_label},
        {"run_config", fuzz_run_config, input_label},
        {"tokenizer_json", fuzz_tokenizer_json, input_label},
        {"peft_adapter_config", fuzz_peft_adapter_config, input_label},
        {"model_config", fuzz_model_config, input_label},
        {"shard_index", fuzz_shard_index, [] { return scratch_folder(); }},
        {"dataset", fuzz_dataset, [] { return scratch_folder(); }},
    };
    return targets;
}

const NamedTarget* find_target(const std::string& name)
{
    for (const NamedTarget& target : all_targets())
        if (name == target.name)
            return &target;
    return nullptr;
}

}  // namespace dora::fuzz
