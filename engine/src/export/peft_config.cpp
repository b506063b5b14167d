#include "export/peft_config.h"

#include "dora/error.h"
#include "io/json_limits.h"

#include <nlohmann/json.hpp>

namespace dora::exporting {

const char* const kPeftKeyPrefix = "base_model.model.";

namespace {

using nlohmann::json;

// The member `key` when it is present and not null, checked with `is_type`; nullptr when absent.
const json* optional_member(const json& config, const char* key, bool (json::*is_type)() const noexcept,
                            const std::string& where, const char* expected)
{
    const auto it = config.find(key);
    if (it == config.end() || it->is_null())
        return nullptr;
    if (!((*it).*is_type)())
        throw Error(where + "'" + key + "' must be " + expected + ", got " + it->type_name());
    return &*it;
}

bool optional_flag(const json& config, const char* key, const std::string& where)
{
    const json* value = optional_member(config, key, &json::is_boolean, where, "true or false");
    return value && value->get<bool>();
}

bool ends_with(const std::string& s, const std::string& suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

AdapterConfig read_peft_adapter_config(const std::string& json_text, const std::string& label,
                                       const AdapterConfig& training_options)
{
    const std::string where = label + ": ";
    if (json_text.size() > kMaxAdapterConfigBytes)
        throw Error(where + "larger than 1 MiB, not an adapter config");
    io::check_json_depth(json_text, label);
    const json config = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
    if (!config.is_object())
        throw Error(where + "not a JSON object");
    const json* type = optional_member(config, "peft_type", &json::is_string, where, "text");
    if (!type || type->get<std::string>() != "LORA")
        throw Error(where + "peft_type must be \"LORA\"");
    const json* rank = optional_member(config, "r", &json::is_number_integer, where, "a whole number");
    if (!rank || rank->get<int64_t>() < 1 || rank->get<int64_t>() > 65536)
        throw Error(where + "'r' must be a whole number from 1 to 65536");
    const json* alpha = optional_member(config, "lora_alpha", &json::is_number, where, "a number");
    if (!alpha || !(alpha->get<double>() > 0) || !(alpha->get<double>() < 1e9))
        throw Error(where + "'lora_alpha' must be a positive number");
    for (const char* per_module : {"rank_pattern", "alpha_pattern"}) {
        const json* pattern = optional_member(config, per_module, &json::is_object, where, "an object");
        if (pattern && !pattern->empty())
            throw Error(where + "per-module " + (per_module[0] == 'r' ? "ranks" : "alphas") + " (" + per_module +
                        ") are not supported");
    }

    AdapterConfig options = training_options;
    options.method = optional_flag(config, "use_dora", where) ? "dora" : "lora";
    options.rank = static_cast<int>(rank->get<int64_t>());
    options.alpha = alpha->get<double>();
    options.rslora = optional_flag(config, "use_rslora", where);
    return options;
}

std::vector<std::string> peft_adapter_modules(const io::SafetensorsHeader& header, const std::string& label)
{
    const std::string prefix = kPeftKeyPrefix, suffix = ".lora_A.weight";
    std::vector<std::string> modules;
    for (const io::TensorEntry& entry : header.tensors)
        if (entry.name.size() > prefix.size() + suffix.size() && entry.name.rfind(prefix, 0) == 0 &&
            ends_with(entry.name, suffix))
            modules.push_back(entry.name.substr(prefix.size(), entry.name.size() - prefix.size() - suffix.size()));
    if (modules.empty())
        throw Error(label + ": holds no lora_A weights");
    return modules;
}

}  // namespace dora::exporting
