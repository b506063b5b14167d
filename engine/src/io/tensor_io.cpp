#include "io/tensor_io.h"

#include "dora/error.h"

#include <cstring>

namespace dora::io {

torch::Tensor tensor_from_bytes(const TensorEntry& entry, const uint8_t* src)
{
    if (entry.dtype == DType::U8 || entry.dtype == DType::I64) {  // exact copies (RNG state, counters)
        torch::Tensor out = torch::empty(entry.shape, entry.dtype == DType::U8 ? torch::kByte : torch::kLong);
        std::memcpy(out.data_ptr(), src, entry.end - entry.begin);
        return out;
    }
    torch::Tensor out = torch::empty(entry.shape, torch::kFloat);
    switch (entry.dtype) {
    case DType::F32:
    case DType::F16:
    case DType::BF16:
        convert_to_f32(entry.dtype, src, entry.numel(), out.data_ptr<float>());
        return out;
    default:
        throw Error("tensor '" + entry.name + "' has dtype " + dtype_name(entry.dtype) +
                    "; expected F32, F16, BF16 (weights), U8 or I64");
    }
}

void load_module_tensors(torch::nn::Module& module, const std::vector<std::string>& names, const TensorSource& source)
{
    const std::string& label = source.label;
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
        const TensorEntry* entry = source.header.find(name);
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
            target.copy_(tensor_from_bytes(*entry, source.bytes(*entry)));
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
        const auto type = tensor.scalar_type();
        const bool exact = type == torch::kByte || type == torch::kLong;
        keep.push_back(tensor.detach().to(torch::kCPU, exact ? type : torch::kFloat).contiguous());
        const torch::Tensor& t = keep.back();
        const DType dtype = type == torch::kByte ? DType::U8 : type == torch::kLong ? DType::I64 : DType::F32;
        out.push_back({name, dtype, t.sizes().vec(), t.data_ptr(), static_cast<size_t>(t.nbytes())});
    }
    write_safetensors(path, out, metadata);
}

}  // namespace dora::io
