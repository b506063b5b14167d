#include "train/batch_shards.h"

#include "adapters/output_reuse.h"

#include <algorithm>
#include <numeric>

namespace dora::train {
namespace {

double plain_forward_backward(models::Model& model, const models::Batch& batch, double loss_weight)
{
    const adapters::OutputReuseScope outputs_die_with_backward;
    const torch::Tensor loss = model.loss(batch) * loss_weight;
    loss.backward();
    return loss.item<double>();
}

// Contiguous row ranges of near-equal size, and each one's counted targets (-100 marks the others).
struct Shares {
    std::vector<models::Batch> batches;
    std::vector<double> counted;
    double total = 0;
};

Shares split_rows(const models::Batch& batch, int shards)
{
    const int64_t rows = batch.input.size(0);
    const torch::Tensor counted_per_row =
        (batch.target != -100).reshape({rows, -1}).sum(1).to(torch::kCPU, torch::kDouble).contiguous();
    const double* per_row = counted_per_row.data_ptr<double>();
    Shares shares;
    for (int i = 0; i < shards; ++i) {
        const int64_t begin = rows * i / shards, end = rows * (i + 1) / shards;
        shares.batches.push_back({batch.input.slice(0, begin, end), batch.target.slice(0, begin, end)});
        shares.counted.push_back(std::accumulate(per_row + begin, per_row + end, 0.0));
        shares.total += shares.counted.back();
    }
    return shares;
}

}  // namespace

ShardPlan plan_batch_shards(const RunConfig& config, bool on_cpu, int threads, int64_t trainable_bytes,
                            double flop_per_row)
{
    const bool dropout = config.adapter.method != "full" && config.adapter.dropout > 0.0;
    if (!on_cpu || threads < 2)
        return {1, threads};
    const double work = std::max(0.0, flop_per_row) * static_cast<double>(config.train.batch_size);
    if (work < 2 * kMinFlopPerShare)
        return {1, 1};
    if (dropout || !ShardWorkers::supported())
        return {1, threads};
    int64_t shards = std::min<int64_t>(threads, config.train.batch_size);
    if (trainable_bytes > 0)
        shards = std::min<int64_t>(shards, 1 + kMaxExtraGradientBytes / trainable_bytes);
    shards = std::min<int64_t>(shards, static_cast<int64_t>(work / kMinFlopPerShare));
    if (shards < 2)
        return {1, threads};
    return {static_cast<int>(shards), std::max(1, threads / static_cast<int>(shards))};
}

double forward_backward(models::Model& model, const models::Batch& batch, double loss_weight,
                        const std::vector<torch::Tensor>& params, ShardWorkers* workers)
{
    const int64_t rows = batch.input.size(0);
    const int shards = workers ? static_cast<int>(std::min<int64_t>(workers->capacity(), rows)) : 1;
    if (shards < 2)
        return plain_forward_backward(model, batch, loss_weight);
    const Shares shares = split_rows(batch, shards);
    if (shares.total == 0)  // nothing counted: let the unsplit pass report it as it always has
        return plain_forward_backward(model, batch, loss_weight);

    std::vector<std::vector<torch::Tensor>> gradients(static_cast<size_t>(shards));
    std::vector<double> losses(static_cast<size_t>(shards), 0.0);
    workers->run(shards, [&](int i) {
        const size_t s = static_cast<size_t>(i);
        if (shares.counted[s] == 0)
            return;
        const adapters::OutputReuseScope outputs_die_with_backward;
        const torch::Tensor loss = model.loss(shares.batches[s]) * (loss_weight * shares.counted[s] / shares.total);
        // The first share adds to .grad directly; the others hand back theirs, added below in order.
        if (i == 0)
            loss.backward();
        else
            gradients[s] = torch::autograd::grad({loss}, params, {}, false, false, /*allow_unused=*/true);
        losses[s] = loss.item<double>();
    });
    for (size_t s = 1; s < gradients.size(); ++s) {
        for (size_t j = 0; j < gradients[s].size(); ++j) {
            const torch::Tensor& g = gradients[s][j];
            if (!g.defined())
                continue;
            torch::Tensor p = params[j];
            if (p.grad().defined())
                p.mutable_grad().add_(g);
            else
                p.mutable_grad() = g.contiguous();
        }
    }
    double loss = 0;
    for (double l : losses)
        loss += l;
    return loss;
}

}  // namespace dora::train
