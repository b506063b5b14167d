// Data parallelism inside the trainer: which samples a rank trains on, one all-reduce per step, and
// one starting state for all ranks.
#include "distributed/data_parallel.h"

#include "distributed/process_group.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

namespace dora::distributed {
namespace {


// The stop decision all ranks agreed on at the last all-reduce (one training at a time per process).
bool g_stop_agreed = false;

double counted_targets(const torch::Tensor& targets) { return (targets != -100).sum().item<double>(); }

std::string scratch_file(const std::string& what)
{
    return (std::filesystem::temp_directory_path() /
            ("dora-" + what + "-" + std::to_string(::getpid()) + ".safetensors"))
        .string();
}

std::vector<uint8_t> read_bytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out)
        throw Error(path + ": could not write rank 0's starting state");
}

}  // namespace

BatchShare take_share(const data::TensorDataset& dataset, const torch::Tensor& global_indices)
{
    ProcessGroup* group = active_group();
    if (!group || group->world_size() == 1)
        return {dataset.gather(global_indices), 1.0, false};

    const int64_t global_size = global_indices.size(0);
    const int64_t begin = global_size * group->rank() / group->world_size();
    const int64_t end = global_size * (group->rank() + 1) / group->world_size();
    BatchShare share;
    // Every rank knows the whole global batch (same data, same order), so the global count of
    // targets needs no communication.
    const models::Batch global = dataset.gather(global_indices);
    const double global_count = counted_targets(global.target);
    share.batch = {global.input.slice(0, begin, end), global.target.slice(0, begin, end)};
    const double local_count = end > begin ? counted_targets(share.batch.target) : 0.0;
    share.empty = local_count == 0;
    share.loss_weight = global_count > 0 ? local_count / global_count : 0.0;
    return share;
}

double all_reduce_gradients(const std::vector<torch::Tensor>& params, double local_loss,
                            const TrainingControl& control)
{
    ProcessGroup* group = active_group();
    if (!group || group->world_size() == 1)
        return local_loss;

    // One flat buffer, one collective: the adapter's many small tensors would each pay Gloo's latency.
    // After the gradients: the local loss and the stop vote (float32 keeps the loss to ~1e-7 relative).
    // A parameter whose gradient is undefined (no counted target on this rank) contributes zeros.
    std::vector<torch::Tensor> pieces;
    pieces.reserve(params.size() + 2);
    for (const torch::Tensor& p : params)
        pieces.push_back(p.grad().defined() ? p.grad().reshape(-1).to(torch::kCPU, torch::kFloat32)
                                            : torch::zeros({p.numel()}, torch::kFloat32));
    pieces.push_back(torch::full({1}, local_loss, torch::kFloat32));
    pieces.push_back(torch::full({1}, control.stop.load() ? 1.0 : 0.0, torch::kFloat32));
    torch::Tensor buffer = torch::cat(pieces);
    group->all_reduce_sum(buffer);

    // The weights of take_share make the plain sum the global mean: no division by the world size.
    int64_t offset = 0;
    for (const torch::Tensor& p : params) {
        const torch::Tensor summed = buffer.slice(0, offset, offset + p.numel()).view(p.sizes());
        if (p.grad().defined())
            p.mutable_grad().copy_(summed);
        else
            p.mutable_grad() = summed.to(p.device(), p.scalar_type()).clone();
        offset += p.numel();
    }
    g_stop_agreed = buffer[offset + 1].item<double>() > 0;
    return buffer[offset].item<double>();
}

bool stop_requested(const TrainingControl& control)
{
    ProcessGroup* group = active_group();
    return group && group->world_size() > 1 ? g_stop_agreed : control.stop.load();
}

void start_from_rank0_state(Trainer::Impl& t)
{
    ProcessGroup* group = active_group();
    if (!group || group->world_size() == 1)
        return;
    g_stop_agreed = false;
    const std::string key = "dora/start-state/" + std::to_string(group->begin_training());
    if (group->rank() == 0) {
        const std::string path = scratch_file("rank0-state");
        train::save_checkpoint(path, t.trainable_named, *t.optimizer, {t.start_step, t.order->epoch(), t.order->offset()});
        const std::vector<uint8_t> bytes = read_bytes(path);
        std::filesystem::remove(path);
        group->publish(key, bytes);
        return;
    }
    const std::string path = scratch_file("rank" + std::to_string(group->rank()) + "-state");
    write_bytes(path, group->fetch(key));
    const train::TrainingPosition position = train::load_checkpoint(path, t.trainable_named, *t.optimizer);
    std::filesystem::remove(path);
    t.order->seek(position.epoch, position.offset);
    t.start_step = position.step;
}

}  // namespace dora::distributed
