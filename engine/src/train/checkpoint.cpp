#include "train/checkpoint.h"

#include "dora/error.h"
#include "io/safetensors.h"
#include "io/tensor_io.h"
#include "train/optimizer_state_key.h"

#include <ATen/CPUGeneratorImpl.h>

#include <mutex>
#include <optional>

namespace dora::train {
namespace {

constexpr const char* kFormat = "dora-studio-checkpoint";

int64_t metadata_int(const io::SafetensorsHeader& header, const std::string& key, const std::string& label)
{
    auto it = header.metadata.find(key);
    if (it == header.metadata.end())
        throw Error(label + ": not a DoRA Studio checkpoint (no '" + key + "')");
    try {
        return std::stoll(it->second);
    } catch (const std::exception&) {
        throw Error(label + ": checkpoint field '" + key + "' is not a number");
    }
}

// The generator that feeds dropout on the device the trainable tensors live on; the CPU's is saved
// anyway (initialisation and the CPU's dropout draw from it). Undefined for a CPU run.
std::optional<at::Generator> device_generator(const NamedTensors& trainable)
{
    if (trainable.empty() || trainable.front().second.device().is_cpu())
        return std::nullopt;
    return at::globalContext().defaultGenerator(trainable.front().second.device());
}

}  // namespace

void save_checkpoint(const std::string& path, const NamedTensors& trainable, torch::optim::AdamW& optimizer,
                     const TrainingPosition& position)
{
    NamedTensors tensors;
    std::map<std::string, std::string> metadata = {{"format", kFormat},
                                                   {"version", "1"},
                                                   {"step", std::to_string(position.step)},
                                                   {"epoch", std::to_string(position.epoch)},
                                                   {"offset", std::to_string(position.offset)}};
    for (const auto& [name, param] : trainable) {
        tensors.emplace_back("param." + name, param);
        auto it = optimizer.state().find(optimizer_state_key(param));
        if (it == optimizer.state().end())
            continue;  // not stepped yet (a checkpoint before the first step)
        auto& state = static_cast<torch::optim::AdamWParamState&>(*it->second);
        tensors.emplace_back("adamw." + name + ".exp_avg", state.exp_avg());
        tensors.emplace_back("adamw." + name + ".exp_avg_sq", state.exp_avg_sq());
        metadata["adamw." + name + ".step"] = std::to_string(state.step());
    }
    auto generator = at::detail::getDefaultCPUGenerator();
    {
        std::lock_guard<std::mutex> lock(generator.mutex());
        tensors.emplace_back("rng.cpu", generator.get_state());
    }
    if (auto device = device_generator(trainable)) {  // a GPU run: its dropout masks come from here
        std::lock_guard<std::mutex> lock(device->mutex());
        tensors.emplace_back("rng.device", device->get_state());
    }
    io::save_tensors(path, tensors, metadata);
}

TrainingPosition load_checkpoint(const std::string& path, const NamedTensors& trainable,
                                 torch::optim::AdamW& optimizer)
{
    const io::SafetensorsFile file = io::SafetensorsFile::open(path);
    const io::SafetensorsHeader& header = file.header();
    auto format = header.metadata.find("format");
    if (format == header.metadata.end() || format->second != kFormat)
        throw Error(path + ": not a DoRA Studio checkpoint");

    auto read = [&](const std::string& name, const torch::Tensor& like) {
        const io::TensorEntry* entry = header.find(name);
        if (!entry)
            throw Error(path + ": the checkpoint has no '" + name + "'; it belongs to a different run setup");
        if (like.defined() && entry->shape != like.sizes().vec())
            throw Error(path + ": '" + name + "' has shape " + c10::str(c10::IntArrayRef(entry->shape)) +
                        " but this run needs " + c10::str(like.sizes()));
        return io::tensor_from_bytes(*entry, file.tensor_data(*entry));
    };

    TrainingPosition position;
    position.step = static_cast<int>(metadata_int(header, "step", path));
    position.epoch = metadata_int(header, "epoch", path);
    position.offset = metadata_int(header, "offset", path);

    torch::NoGradGuard no_grad;
    for (const auto& [name, param] : trainable) {
        const torch::Tensor value = read("param." + name, param);
        param.copy_(value);
        if (!header.find("adamw." + name + ".exp_avg"))
            continue;
        auto state = std::make_unique<torch::optim::AdamWParamState>();
        state->step(metadata_int(header, "adamw." + name + ".step", path));
        state->exp_avg(read("adamw." + name + ".exp_avg", param).to(param.device()));
        state->exp_avg_sq(read("adamw." + name + ".exp_avg_sq", param).to(param.device()));
        optimizer.state()[optimizer_state_key(param)] = std::move(state);
    }
    const torch::Tensor rng = read("rng.cpu", torch::Tensor());
    auto generator = at::detail::getDefaultCPUGenerator();
    {
        std::lock_guard<std::mutex> lock(generator.mutex());
        try {
            generator.set_state(rng);
        } catch (const c10::Error&) {
            throw Error(path + ": the checkpoint's random-generator state is damaged");
        }
    }
    auto device = device_generator(trainable);
    if (device && header.find("rng.device")) {  // absent when the checkpoint was made on the CPU
        const torch::Tensor state = read("rng.device", torch::Tensor());
        std::lock_guard<std::mutex> lock(device->mutex());
        try {
            device->set_state(state);
        } catch (const c10::Error&) {
            throw Error(path + ": the checkpoint's random-generator state is damaged or from another device");
        }
    }
    return position;
}

}  // namespace dora::train
