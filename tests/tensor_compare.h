// How the numeric tests compare a tensor with an independent computation of it.
#pragma once

#include <torch/torch.h>

#include <algorithm>

namespace dora::testing {

// ‖got − want‖ / ‖want‖, in float64 whatever the inputs' dtype.
inline double relative_error(const torch::Tensor& got, const torch::Tensor& want)
{
    return (got.to(torch::kFloat64) - want.to(torch::kFloat64)).norm().item<double>() /
           std::max(want.to(torch::kFloat64).norm().item<double>(), 1e-30);
}

}  // namespace dora::testing
