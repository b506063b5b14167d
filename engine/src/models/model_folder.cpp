// Reading and writing model folders. GPT-2's Hugging Face checkpoints store the four block linear
// layers as Conv1D, weight (in, out); the engine holds every linear weight (out, in), so those four
// are transposed on the way in and on the way out.
#include "models/model_folder.h"

#include "dora/error.h"
#include "io/folder_files.h"
#include "io/safetensors.h"
#include "io/tensor_io.h"
#include "models/builtin_models.h"
#include "models/gpt2.h"
#include "models/mlp.h"
#include "models/model_config.h"
#include "models/weight_files.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sys/mman.h>
#include <unistd.h>

namespace dora::models {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kMlpType = "dora-demo-mlp";

bool is_conv1d(const std::string& name)
{
    auto ends = [&](const std::string& s) { return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0; };
    return ends("attn.c_attn.weight") || ends("attn.c_proj.weight") || ends("mlp.c_fc.weight") ||
           ends("mlp.c_proj.weight");
}

// Where the engine's tensor `name` is in the files, and whether it is stored transposed.
WeightFiles::Found locate(const WeightFiles& files, const std::string& type, const std::string& name)
{
    WeightFiles::Found found = files.find(name);
    if (!found && type == "gpt2" && name.rfind("transformer.", 0) == 0)
        found = files.find(name.substr(12));  // checkpoints saved from GPT2Model have no prefix
    return found;
}

// The mapped file pages of a tensor already copied into the model. Handed back at once, a load's
// peak memory stays near the model's own size instead of twice it (the map would otherwise stay
// resident until the file is closed); the kernel keeps the pages in its cache, and reading them again
// faults them back in from the file.
constexpr int64_t kCopySliceElements = int64_t(4) << 20;  // 16 MB of float32 at a time

void release_mapped_pages(const uint8_t* data, uint64_t size)
{
    const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
    const uintptr_t first = (reinterpret_cast<uintptr_t>(data) + page - 1) & ~(page - 1);
    const uintptr_t last = (reinterpret_cast<uintptr_t>(data) + size) & ~(page - 1);
    if (last > first)
        ::madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
}

void load_tensors(Model& model, const std::string& type, const WeightFiles& files)
{
    std::string missing, wrong;
    auto params = model.named_parameters(true);
    torch::NoGradGuard no_grad;
    for (const std::string& name : base_tensor_names(model)) {
        const WeightFiles::Found found = locate(files, type, name);
        if (!found) {
            missing += (missing.empty() ? "" : ", ") + name;
            continue;
        }
        torch::Tensor target = params[name];
        const bool transposed = type == "gpt2" && is_conv1d(name);
        const std::vector<int64_t> want = transposed ? target.t().sizes().vec() : target.sizes().vec();
        if (found.entry->shape != want) {
            wrong += (wrong.empty() ? "" : ", ") + found.entry->name + " is " +
                     c10::str(c10::IntArrayRef(found.entry->shape)) + " but config.json needs " +
                     c10::str(c10::IntArrayRef(want));
            continue;
        }
        try {
            const io::DType dtype = found.entry->dtype;
            const bool direct = !transposed && target.is_contiguous() && target.scalar_type() == torch::kFloat &&
                                (dtype == io::DType::F32 || dtype == io::DType::F16 || dtype == io::DType::BF16);
            if (direct) {  // straight into the parameter, a slice at a time: no temporary as large as the tensor
                const int64_t count = found.entry->numel(), element_bytes = static_cast<int64_t>(io::dtype_size(dtype));
                for (int64_t done = 0; done < count; done += kCopySliceElements) {
                    const int64_t n = std::min(kCopySliceElements, count - done);
                    io::convert_to_f32(dtype, found.bytes() + done * element_bytes, n, target.data_ptr<float>() + done);
                    release_mapped_pages(found.bytes() + done * element_bytes, static_cast<uint64_t>(n * element_bytes));
                }
            } else {
                torch::Tensor value = io::tensor_from_bytes(*found.entry, found.bytes());
                target.copy_(transposed ? value.t() : value);
            }
            release_mapped_pages(found.bytes(), found.entry->end - found.entry->begin);
        } catch (const Error& e) {
            rethrow_with_context(found.file->path(), e);
        }
    }
    if (!missing.empty() || !wrong.empty())
        throw Error(files.describe() + " does not fit config.json:" +
                    (missing.empty() ? "" : " missing tensors: " + missing + ".") +
                    (wrong.empty() ? "" : " wrong shapes: " + wrong + "."));
}

}  // namespace

std::shared_ptr<Model> load_model_folder(const std::string& dir)
{
    if (!fs::is_directory(dir))
        throw Error(dir + ": not a folder");
    const ModelSpec spec = read_model_spec(dir);
    const WeightFiles files = WeightFiles::open(dir);  // validated before the model takes memory
    std::shared_ptr<Model> model = build_model(spec);
    load_tensors(*model, spec.model_type, files);
    return model;
}

void save_model_folder(Model& model, const std::string& dir_text, const std::string& source_dir)
{
    const fs::path dir(dir_text);
    io::ensure_folder(dir_text);
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    auto params = model.named_parameters(true);
    const std::string type = model.architecture();

    std::string config_text;
    if (!source_dir.empty()) {
        // The source folder's own config and tensor names, so the result loads wherever the source did.
        std::ifstream in(fs::path(source_dir) / "config.json", std::ios::binary);
        config_text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        const WeightFiles source = WeightFiles::open(source_dir);
        for (const std::string& name : base_tensor_names(model)) {
            const WeightFiles::Found found = locate(source, type, name);
            const std::string stored = found ? found.entry->name : name;
            tensors.emplace_back(stored, type == "gpt2" && is_conv1d(name) ? params[name].t() : params[name]);
        }
    } else if (auto* gpt2 = dynamic_cast<Gpt2Impl*>(&model)) {
        const Gpt2Config& c = gpt2->config();
        config_text = json{{"model_type", "gpt2"},
                           {"architectures", {"GPT2LMHeadModel"}},
                           {"vocab_size", c.vocab_size},
                           {"n_positions", c.n_positions},
                           {"n_ctx", c.n_positions},
                           {"n_embd", c.n_embd},
                           {"n_layer", c.n_layer},
                           {"n_head", c.n_head},
                           {"layer_norm_epsilon", c.layer_norm_epsilon},
                           {"activation_function", "gelu_new"},
                           {"tie_word_embeddings", true}}
                          .dump(2);
        for (const std::string& name : base_tensor_names(model))
            tensors.emplace_back(name, is_conv1d(name) ? params[name].t() : params[name]);
    } else if (auto* mlp = dynamic_cast<MlpImpl*>(&model)) {
        config_text = json{{"model_type", kMlpType},
                           {"inputs", mlp->config().inputs},
                           {"hidden", mlp->config().hidden},
                           {"classes", mlp->config().classes}}
                          .dump(2);
        for (const std::string& name : base_tensor_names(model))
            tensors.emplace_back(name, params[name]);
    } else {
        throw Error("a " + type + " model can be saved only next to the folder it was loaded from");
    }
    io::save_tensors((dir / "model.safetensors").string(), tensors, {{"format", "pt"}});
    io::write_text_atomically((dir / "config.json").string(),
                              config_text + (config_text.empty() || config_text.back() != '\n' ? "\n" : ""));
}

}  // namespace dora::models
