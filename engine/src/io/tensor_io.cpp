#include "io/tensor_io.h"

#include "dora/error.h"

namespace dora::io {

torch::Tensor tensor_from_safetensors(const SafetensorsHeader& header, const uint8_t* file, const TensorEntry& entry)
{
    torch::Tensor out = torch::empty(entry.shape, torch::kFloat);
    const uint8_t* src = file + header.data_start + entry.begin;
    switch (entry.dtype) {
    case DType::F32:
    case DType::F16:
    case DType::BF16:
        convert_to_f32(entry.dtype, src, entry.numel(), out.data_ptr<float>());
        return out;
    default:
        throw Error("tensor '" + entry.name + "' has dtype " + dtype_name(entry.dtype) +
                    "; model weights must be F32, F16 or BF16");
    }
}

void load_module_tensors(torch::nn::Module& module, const std::vector<std::string>& names,
                         const SafetensorsHeader& header, const uint8_t* file, const std::string& label)
{
    auto params = module.named_parameters(true);
    auto buffers = module.named_buffers(true);
    std::string missing, wrong;
    std::vector<std::pair<torch::Tensor, const TensorEntry*>> copies;
    for (const std::string& name : names) {
        torch::Tensor* target = params.find(name);
        if (!target)
            target = buffers.find(name);
        if (!target)
            throw Error(label + ": the model has no tensor '" + name + "' to load into");
        const TensorEntry* entry = header.find(name);
        if (!entry) {
            missing += (missing.empty() ? "" : ", ") + name;
            continue;
        }
        if (entry->shape != target->sizes().vec()) {
            wrong += (wrong.empty() ? "" : ", ") + name + " is " + c10::str(c10::IntArrayRef(entry->shape)) +
                     " but the model needs " + c10::str(target->sizes());
            continue;
        }
        copies.emplace_back(*target, entry);
    }
    if (!missing.empty() || !wrong.empty())
        throw Error(label + ":" + (missing.empty() ? "" : " missing tensors: " + missing + ".") +
                    (wrong.empty() ? "" : " wrong shapes: " + wrong + "."));
    torch::NoGradGuard no_grad;
    for (auto& [target, entry] : copies) {
        try {
            target.copy_(tensor_from_safetensors(header, file, *entry));
        } catch (const Error& e) {
            rethrow_with_context(label, e);
        }
    }
}

void save_tensors(const std::string& path, const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                  const std::map<std::string, std::string>& metadata)
{
    std::vector<torch::Tensor> keep;  // contiguous float32 CPU copies outlive the write
    std::vector<TensorToWrite> out;
    keep.reserve(tensors.size());
    for (const auto& [name, tensor] : tensors) {
        keep.push_back(tensor.detach().to(torch::kCPU, torch::kFloat).contiguous());
        const torch::Tensor& t = keep.back();
        out.push_back({name, DType::F32, t.sizes().vec(), t.data_ptr(), static_cast<size_t>(t.nbytes())});
    }
    write_safetensors(path, out, metadata);
}

}  // namespace dora::io
