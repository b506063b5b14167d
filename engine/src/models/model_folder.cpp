// Reading and writing model folders. GPT-2's Hugging Face checkpoints store the four block linear
// layers as Conv1D, weight (in, out); the engine holds every linear weight (out, in), so those four
// are transposed on the way in and on the way out.
#include "models/model_folder.h"

#include "dora/error.h"
#include "io/safetensors.h"
#include "io/tensor_io.h"
#include "models/builtin_models.h"
#include "models/gpt2.h"
#include "models/mlp.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace dora::models {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kMlpType = "dora-demo-mlp";

json read_config(const fs::path& dir)
{
    const fs::path path = dir / "config.json";
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(path.string() + ": cannot open (is this a model folder?)");
    std::ostringstream text;
    text << in.rdbuf();
    if (text.str().size() > (4u << 20))
        throw Error(path.string() + ": larger than 4 MiB, not a model config");
    json config = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
    if (!config.is_object())
        throw Error(path.string() + ": not a JSON object");
    return config;
}

int64_t config_int(const json& config, const char* key, int64_t fallback, const fs::path& dir, int64_t max)
{
    auto it = config.find(key);
    if (it == config.end()) {
        if (fallback >= 0)
            return fallback;
        throw Error((dir / "config.json").string() + ": missing '" + key + "'");
    }
    if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > max)
        throw Error((dir / "config.json").string() + ": '" + key + "' must be a whole number from 1 to " +
                    std::to_string(max) + ", got " + it->dump());
    return it->get<int64_t>();
}

bool is_conv1d(const std::string& name)
{
    auto ends = [&](const std::string& s) { return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0; };
    return ends("attn.c_attn.weight") || ends("attn.c_proj.weight") || ends("mlp.c_fc.weight") ||
           ends("mlp.c_proj.weight");
}

void load_gpt2_tensors(Gpt2Impl& model, const io::SafetensorsFile& file)
{
    const io::SafetensorsHeader& header = file.header();
    std::string missing, wrong;
    torch::NoGradGuard no_grad;
    for (const std::string& name : base_tensor_names(model)) {
        const io::TensorEntry* entry = header.find(name);
        if (!entry && name.rfind("transformer.", 0) == 0)
            entry = header.find(name.substr(12));  // checkpoints saved from GPT2Model have no prefix
        if (!entry) {
            missing += (missing.empty() ? "" : ", ") + name;
            continue;
        }
        torch::Tensor target = model.named_parameters(true)[name];
        torch::Tensor value = io::tensor_from_bytes(*entry, file.tensor_data(*entry));
        if (is_conv1d(name) && value.dim() == 2)
            value = value.t();
        if (value.sizes() != target.sizes()) {
            wrong += (wrong.empty() ? "" : ", ") + entry->name + " is " + c10::str(c10::IntArrayRef(entry->shape)) +
                     " but the config needs " + c10::str(is_conv1d(name) ? target.t().sizes() : target.sizes());
            continue;
        }
        target.copy_(value);
    }
    if (!missing.empty() || !wrong.empty())
        throw Error(file.path() + ":" + (missing.empty() ? "" : " missing tensors: " + missing + ".") +
                    (wrong.empty() ? "" : " wrong shapes: " + wrong + "."));
}

}  // namespace

std::shared_ptr<Model> load_model_folder(const std::string& dir_text)
{
    const fs::path dir(dir_text);
    if (!fs::is_directory(dir))
        throw Error(dir_text + ": not a folder");
    const json config = read_config(dir);
    const std::string type = config.value("model_type", "");
    const fs::path weights = dir / "model.safetensors";
    if (type == "gpt2") {
        Gpt2Config c;
        c.vocab_size = config_int(config, "vocab_size", -1, dir, 1 << 22);
        c.n_positions = config_int(config, "n_positions", 1024, dir, 1 << 20);
        c.n_embd = config_int(config, "n_embd", -1, dir, 1 << 16);
        c.n_layer = config_int(config, "n_layer", -1, dir, 1024);
        c.n_head = config_int(config, "n_head", -1, dir, 1024);
        if (config.contains("layer_norm_epsilon") && config["layer_norm_epsilon"].is_number())
            c.layer_norm_epsilon = config["layer_norm_epsilon"].get<double>();
        auto model = std::make_shared<Gpt2Impl>(c);
        load_gpt2_tensors(*model, io::SafetensorsFile::open(weights.string()));
        return model;
    }
    if (type == kMlpType) {
        MlpConfig c;
        c.inputs = config_int(config, "inputs", -1, dir, 1 << 16);
        c.hidden = config_int(config, "hidden", -1, dir, 1 << 16);
        c.classes = config_int(config, "classes", -1, dir, 1 << 16);
        auto model = std::make_shared<MlpImpl>(c);
        const io::SafetensorsFile file = io::SafetensorsFile::open(weights.string());
        io::load_module_tensors(*model, base_tensor_names(*model), {file.header(), file.image(), file.path()});
        return model;
    }
    throw Error((dir / "config.json").string() + ": model_type '" + type + "' is not supported (supported: gpt2, " +
                kMlpType + ")");
}

void save_model_folder(Model& model, const std::string& dir_text)
{
    const fs::path dir(dir_text);
    fs::create_directories(dir);
    json config;
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    auto params = model.named_parameters(true);
    if (auto* gpt2 = dynamic_cast<Gpt2Impl*>(&model)) {
        const Gpt2Config& c = gpt2->config();
        config = {{"model_type", "gpt2"},
                  {"architectures", {"GPT2LMHeadModel"}},
                  {"vocab_size", c.vocab_size},
                  {"n_positions", c.n_positions},
                  {"n_ctx", c.n_positions},
                  {"n_embd", c.n_embd},
                  {"n_layer", c.n_layer},
                  {"n_head", c.n_head},
                  {"layer_norm_epsilon", c.layer_norm_epsilon},
                  {"activation_function", "gelu_new"},
                  {"tie_word_embeddings", true}};
        for (const std::string& name : base_tensor_names(model))
            tensors.emplace_back(name, is_conv1d(name) ? params[name].t() : params[name]);
    } else if (auto* mlp = dynamic_cast<MlpImpl*>(&model)) {
        config = {{"model_type", kMlpType},
                  {"inputs", mlp->config().inputs},
                  {"hidden", mlp->config().hidden},
                  {"classes", mlp->config().classes}};
        for (const std::string& name : base_tensor_names(model))
            tensors.emplace_back(name, params[name]);
    } else {
        throw Error("this model cannot be saved as a folder");
    }
    io::save_tensors((dir / "model.safetensors").string(), tensors, {{"format", "pt"}});
    const std::string text = config.dump(2) + "\n";
    const fs::path tmp = dir / "config.json.tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << text;
        out.flush();
        if (!out)
            throw Error((dir / "config.json").string() + ": cannot write (is the disk full?)");
    }
    fs::rename(tmp, dir / "config.json");
}

}  // namespace dora::models
