#include "export/peft_adapter.h"

#include "export/peft_config.h"

#include "adapters/targets.h"
#include "dora/error.h"
#include "io/folder_files.h"
#include "io/safetensors.h"
#include "io/tensor_io.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

namespace dora::exporting {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kPrefix = kPeftKeyPrefix;

}  // namespace

void write_peft_adapter(const std::string& dir_text, const std::vector<models::NamedLinear>& layers,
                        const AdapterConfig& config, const std::string& base_model)
{
    if (config.method == "full")
        throw Error("a full fine-tuning run has no adapter to export; export the merged model instead");
    const fs::path dir(dir_text);
    io::ensure_folder(dir_text);

    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    json modules = json::array();
    const bool fan_in_fan_out = false;  // the engine holds (out, in); GPT-2 Conv1D is transposed on load
    for (const auto& [name, layer] : layers) {
        modules.push_back(name);
        tensors.emplace_back(kPrefix + name + ".lora_A.weight", layer->lora_A);
        tensors.emplace_back(kPrefix + name + ".lora_B.weight", layer->lora_B);
        if (config.method == "dora")
            tensors.emplace_back(kPrefix + name + ".lora_magnitude_vector", layer->magnitude);
    }
    io::save_tensors((dir / "adapter_model.safetensors").string(), tensors, {{"format", "pt"}});

    // The keys PEFT writes for a LoRA config, so peft loads it without warnings.
    const json adapter_config = {
        {"peft_type", "LORA"},
        {"use_dora", config.method == "dora"},
        {"r", config.rank},
        {"lora_alpha", config.alpha},
        {"lora_dropout", config.dropout},
        {"use_rslora", config.rslora},
        {"target_modules", modules},
        {"fan_in_fan_out", fan_in_fan_out},
        {"bias", "none"},
        {"task_type", layers.empty() || layers.front().first.rfind("transformer.", 0) != 0 ? json(nullptr)
                                                                                           : json("CAUSAL_LM")},
        {"base_model_name_or_path", base_model},
        {"inference_mode", true},
        {"init_lora_weights", true},
        {"modules_to_save", nullptr},
        {"layers_to_transform", nullptr},
        {"layers_pattern", nullptr},
        {"rank_pattern", json::object()},
        {"alpha_pattern", json::object()},
        {"revision", nullptr},
        {"auto_mapping", nullptr},
        {"layer_replication", nullptr},
        {"loftq_config", json::object()},
        {"megatron_config", nullptr},
        {"megatron_core", "megatron.core"},
    };
    io::write_text_atomically((dir / "adapter_config.json").string(), adapter_config.dump(2) + "\n");
}

std::vector<models::NamedLinear> apply_peft_adapter(models::Model& model, const std::string& dir_text,
                                                    const AdapterConfig& training_options)
{
    const fs::path dir(dir_text);
    const fs::path config_path = dir / "adapter_config.json";
    std::ifstream in(config_path, std::ios::binary);
    if (!in)
        throw Error(config_path.string() + ": cannot open (is this an adapter folder?)");
    std::string text(kMaxAdapterConfigBytes + 1, '\0');
    text.resize(static_cast<size_t>(in.read(text.data(), static_cast<std::streamsize>(text.size())).gcount()));
    AdapterConfig options = read_peft_adapter_config(text, config_path.string(), training_options);

    const io::SafetensorsFile file = io::SafetensorsFile::open((dir / "adapter_model.safetensors").string());
    std::map<std::string, const io::TensorEntry*> by_name;
    for (const io::TensorEntry& entry : file.header().tensors)
        by_name[entry.name] = &entry;
    options.targets.clear();
    for (const std::string& module : peft_adapter_modules(file.header(), file.path()))
        options.targets.push_back(std::regex_replace(module, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)"));

    std::vector<models::NamedLinear> layers;
    try {
        layers = adapters::attach_adapters(model, options);
    } catch (const Error& e) {
        rethrow_with_context(file.path(), e);
    }
    if (layers.size() != options.targets.size())
        throw Error(file.path() + ": some adapted modules do not exist in this model");

    size_t used = 0;
    torch::NoGradGuard no_grad;
    auto load = [&](const std::string& key, torch::Tensor& target) {
        auto it = by_name.find(key);
        if (it == by_name.end())
            throw Error(file.path() + ": missing '" + key + "'");
        if (it->second->shape != target.sizes().vec())
            throw Error(file.path() + ": '" + key + "' has shape " + c10::str(c10::IntArrayRef(it->second->shape)) +
                        " but the model needs " + c10::str(target.sizes()));
        target.copy_(io::tensor_from_bytes(*it->second, file.tensor_data(*it->second)));
        ++used;
    };
    for (auto& [name, layer] : layers) {
        load(kPrefix + name + ".lora_A.weight", layer->lora_A);
        load(kPrefix + name + ".lora_B.weight", layer->lora_B);
        if (options.method == "dora")
            load(kPrefix + name + ".lora_magnitude_vector", layer->magnitude);
    }
    if (used != file.header().tensors.size())
        throw Error(file.path() + ": holds tensors this adapter config does not explain (" +
                    std::to_string(file.header().tensors.size() - used) + " unused)");
    return layers;
}

}  // namespace dora::exporting
