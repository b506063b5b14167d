#include "adapters/dora_scale_cpu.h"

#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <vector>

namespace dora::adapters {
namespace {

// Columns per task: enough that a task's slice of a row is a long contiguous run.
constexpr int64_t kColumnGrain = 128;
// Rows summed in the input's precision before the partial sums are added in double: vector-friendly
// and still accurate (a block's rounding error stays that of 64 terms).
constexpr int64_t kRowBlock = 64;

// One block of rows over the columns [first, last): dz = dy ⊙ g, and the partial sums of dy ⊙ kept
// and of dy. Compiled for AVX2 as well, picked at run time (GCC function multiversioning): the
// library is otherwise built for the baseline x86-64 instruction set.
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
void scale_backward_block(const float* dy, const float* kept, const float* g, float* dz, float* sum_kept,
                          float* sum_dy, int64_t rows, int64_t out, int64_t first, int64_t last)
{
    for (int64_t n = 0; n < rows; ++n) {
        const float* dy_row = dy + n * out;
        const float* kept_row = kept + n * out;
        float* dz_row = dz ? dz + n * out : nullptr;
        for (int64_t c = first; c < last; ++c) {
            const float d = dy_row[c];
            sum_kept[c - first] += d * kept_row[c];
            sum_dy[c - first] += d;
        }
        if (dz_row)
            for (int64_t c = first; c < last; ++c)
                dz_row[c] = dy_row[c] * g[c];
    }
}

void scale_backward_block(const double* dy, const double* kept, const double* g, double* dz, double* sum_kept,
                          double* sum_dy, int64_t rows, int64_t out, int64_t first, int64_t last)
{
    for (int64_t n = 0; n < rows; ++n)
        for (int64_t c = first; c < last; ++c) {
            const double d = dy[n * out + c];
            sum_kept[c - first] += d * kept[n * out + c];
            sum_dy[c - first] += d;
            if (dz)
                dz[n * out + c] = d * g[c];
        }
}

template <typename scalar_t>
void scale_backward_loop(const scalar_t* dy, const scalar_t* kept, const scalar_t* g, scalar_t* dz, double* dy_kept,
                         double* dy_total, int64_t rows, int64_t out)
{
    at::parallel_for(0, out, kColumnGrain, [&](int64_t first, int64_t last) {
        std::fill(dy_kept + first, dy_kept + last, 0.0);
        std::fill(dy_total + first, dy_total + last, 0.0);
        std::vector<scalar_t> block_kept(last - first), block_dy(last - first);
        for (int64_t n = 0; n < rows; n += kRowBlock) {
            const int64_t block_rows = std::min(kRowBlock, rows - n);
            std::fill(block_kept.begin(), block_kept.end(), scalar_t(0));
            std::fill(block_dy.begin(), block_dy.end(), scalar_t(0));
            scale_backward_block(dy + n * out, kept + n * out, g, dz ? dz + n * out : nullptr, block_kept.data(),
                                 block_dy.data(), block_rows, out, first, last);
            for (int64_t c = first; c < last; ++c) {
                dy_kept[c] += static_cast<double>(block_kept[c - first]);
                dy_total[c] += static_cast<double>(block_dy[c - first]);
            }
        }
    });
}

}  // namespace

bool scale_backward_cpu_supported(const torch::Tensor& dy, const torch::Tensor& kept, const torch::Tensor& g)
{
    const auto type = kept.scalar_type();
    return dy.device().is_cpu() && kept.device().is_cpu() && g.device().is_cpu() &&
           (type == torch::kFloat32 || type == torch::kFloat64) && dy.scalar_type() == type &&
           g.scalar_type() == type && g.dim() == 1 && kept.size(-1) == g.size(0) && dy.sizes() == kept.sizes();
}

ScaleBackwardSums scale_backward_cpu(const torch::Tensor& dy, const torch::Tensor& kept, const torch::Tensor& g,
                                     bool want_dz)
{
    const torch::Tensor dy_c = dy.contiguous(), kept_c = kept.contiguous(), g_c = g.contiguous();
    const int64_t out = kept_c.size(-1);
    const int64_t rows = out > 0 ? kept_c.numel() / out : 0;
    ScaleBackwardSums sums;
    if (want_dz)
        sums.dz = torch::empty_like(dy_c);
    const auto doubles = torch::TensorOptions().dtype(torch::kFloat64);
    torch::Tensor dy_kept = torch::empty({out}, doubles), dy_total = torch::empty({out}, doubles);
    AT_DISPATCH_FLOATING_TYPES(kept_c.scalar_type(), "dora_scale_backward", [&] {
        scale_backward_loop<scalar_t>(dy_c.data_ptr<scalar_t>(), kept_c.data_ptr<scalar_t>(), g_c.data_ptr<scalar_t>(),
                                      want_dz ? sums.dz.data_ptr<scalar_t>() : nullptr, dy_kept.data_ptr<double>(),
                                      dy_total.data_ptr<double>(), rows, out);
    });
    sums.dy_kept = dy_kept.to(g.scalar_type());
    sums.dy_total = dy_total.to(g.scalar_type());
    return sums;
}

}  // namespace dora::adapters
