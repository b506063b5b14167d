// Splitting and batching of in-memory datasets.
#include "data/tensor_dataset.h"

#include "dora/error.h"

#include <cmath>

namespace dora::data {

models::Batch TensorDataset::gather(const torch::Tensor& indices) const
{
    return {inputs.index_select(0, indices), targets.index_select(0, indices)};
}

SplitDataset split_dataset(const torch::Tensor& inputs, const torch::Tensor& targets, double eval_fraction,
                           uint64_t split_seed, const std::string& origin)
{
    const int64_t n = inputs.size(0);
    if (n < 2)
        throw Error(origin + ": needs at least 2 samples to hold one out for evaluation, found " + std::to_string(n));
    int64_t held_out = std::llround(static_cast<double>(n) * eval_fraction);
    held_out = std::min<int64_t>(std::max<int64_t>(held_out, 1), n - 1);

    torch::Generator generator = at::detail::createCPUGenerator(split_seed);
    const torch::Tensor order = torch::randperm(n, generator, torch::TensorOptions().dtype(torch::kLong));
    const torch::Tensor eval_idx = order.slice(0, 0, held_out);
    const torch::Tensor train_idx = order.slice(0, held_out, n);

    SplitDataset split;
    split.train = {inputs.index_select(0, train_idx), targets.index_select(0, train_idx)};
    split.eval = {inputs.index_select(0, eval_idx), targets.index_select(0, eval_idx)};
    return split;
}

}  // namespace dora::data
