#include "ops/cross_entropy.h"

#include "dora/error.h"
#include "ops/avx2_math.h"

#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>

#include <cmath>
#include <limits>
#include <string>

namespace dora::ops {
namespace {

constexpr int64_t kIgnored = -100;

// log Σ_j exp(row_j), by the largest entry.
template <typename T>
T log_sum_exp_scalar(const T* row, int64_t n)
{
    T top = row[0];
    for (int64_t j = 1; j < n; ++j)
        top = std::max(top, row[j]);
    T sum = 0;
    for (int64_t j = 0; j < n; ++j)
        sum += std::exp(row[j] - top);
    return top + std::log(sum);
}

// d_j = (exp(row_j − lse) − [j = target]) · scale
template <typename T>
void softmax_minus_one_hot_scalar(const T* row, T lse, int64_t target, T scale, T* d, int64_t n)
{
    for (int64_t j = 0; j < n; ++j)
        d[j] = std::exp(row[j] - lse) * scale;
    d[target] -= scale;
}

#ifdef DORA_HAS_AVX2_PATH
DORA_AVX2 float log_sum_exp_avx2(const float* row, int64_t n)
{
    const float top = max_of(row, n);
    int64_t j;
    const __m256 shift = _mm256_set1_ps(top);
    __m256 sum8 = _mm256_setzero_ps();
    for (j = 0; j + 8 <= n; j += 8)
        sum8 = _mm256_add_ps(sum8, exp8(_mm256_sub_ps(_mm256_loadu_ps(row + j), shift)));
    float sum = hsum8(sum8);
    for (; j < n; ++j)
        sum += std::exp(row[j] - top);
    return top + std::log(sum);
}

DORA_AVX2 void softmax_minus_one_hot_avx2(const float* row, float lse, int64_t target, float scale, float* d, int64_t n)
{
    const __m256 shift = _mm256_set1_ps(lse), factor = _mm256_set1_ps(scale);
    int64_t j = 0;
    for (; j + 8 <= n; j += 8)
        _mm256_storeu_ps(d + j, _mm256_mul_ps(exp8(_mm256_sub_ps(_mm256_loadu_ps(row + j), shift)), factor));
    for (; j < n; ++j)
        d[j] = std::exp(row[j] - lse) * scale;
    d[target] -= scale;
}
#endif

float log_sum_exp(const float* row, int64_t n)
{
#ifdef DORA_HAS_AVX2_PATH
    if (cpu_has_avx2_fma())
        return log_sum_exp_avx2(row, n);
#endif
    return log_sum_exp_scalar(row, n);
}
double log_sum_exp(const double* row, int64_t n) { return log_sum_exp_scalar(row, n); }

void softmax_minus_one_hot(const float* row, float lse, int64_t target, float scale, float* d, int64_t n)
{
#ifdef DORA_HAS_AVX2_PATH
    if (cpu_has_avx2_fma())
        return softmax_minus_one_hot_avx2(row, lse, target, scale, d, n);
#endif
    softmax_minus_one_hot_scalar(row, lse, target, scale, d, n);
}
void softmax_minus_one_hot(const double* row, double lse, int64_t target, double scale, double* d, int64_t n)
{
    softmax_minus_one_hot_scalar(row, lse, target, scale, d, n);
}

// Rows per parallel task: a few hundred thousand logits each.
int64_t rows_per_task(int64_t classes) { return std::max<int64_t>(1, (int64_t(1) << 18) / std::max<int64_t>(classes, 1)); }

struct CrossEntropyFunction : public torch::autograd::Function<CrossEntropyFunction> {
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& logits_in,
                                 const torch::Tensor& targets_in)
    {
        const torch::Tensor logits = logits_in.contiguous(), targets = targets_in.contiguous();
        const int64_t rows = logits.size(0), classes = logits.size(1);
        const int64_t* t = targets.data_ptr<int64_t>();
        int64_t counted = 0;
        for (int64_t n = 0; n < rows; ++n) {
            if (t[n] == kIgnored)
                continue;
            if (t[n] < 0 || t[n] >= classes)
                throw Error("cross-entropy: target " + std::to_string(t[n]) + " is outside the " +
                            std::to_string(classes) + " classes");
            ++counted;
        }
        torch::Tensor lse = torch::empty({rows}, logits.options());
        double total = 0;
        AT_DISPATCH_FLOATING_TYPES(logits.scalar_type(), "cross_entropy", [&] {
            const scalar_t* x = logits.data_ptr<scalar_t>();
            scalar_t* l = lse.data_ptr<scalar_t>();
            at::parallel_for(0, rows, rows_per_task(classes), [&](int64_t first, int64_t last) {
                for (int64_t n = first; n < last; ++n)
                    l[n] = t[n] == kIgnored ? scalar_t(0) : log_sum_exp(x + n * classes, classes);
            });
            for (int64_t n = 0; n < rows; ++n)
                if (t[n] != kIgnored)
                    total += static_cast<double>(l[n]) - static_cast<double>(x[n * classes + t[n]]);
        });
        ctx->save_for_backward({logits, targets, lse});
        ctx->saved_data["counted"] = counted;
        const double mean = counted > 0 ? total / static_cast<double>(counted) : std::numeric_limits<double>::quiet_NaN();
        return torch::full({}, mean, logits.options());
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grad_outputs)
    {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor &logits = saved[0], &targets = saved[1], &lse = saved[2];
        const int64_t counted = ctx->saved_data["counted"].toInt();
        const int64_t rows = logits.size(0), classes = logits.size(1);
        torch::Tensor d_logits = torch::empty_like(logits);
        const double upstream = grad_outputs[0].item<double>();
        const int64_t* t = targets.data_ptr<int64_t>();
        AT_DISPATCH_FLOATING_TYPES(logits.scalar_type(), "cross_entropy_backward", [&] {
            const scalar_t scale = static_cast<scalar_t>(counted > 0 ? upstream / static_cast<double>(counted) : 0.0);
            const scalar_t *x = logits.data_ptr<scalar_t>(), *l = lse.data_ptr<scalar_t>();
            scalar_t* d = d_logits.data_ptr<scalar_t>();
            at::parallel_for(0, rows, rows_per_task(classes), [&](int64_t first, int64_t last) {
                for (int64_t n = first; n < last; ++n) {
                    if (t[n] == kIgnored)
                        std::fill(d + n * classes, d + (n + 1) * classes, scalar_t(0));
                    else
                        softmax_minus_one_hot(x + n * classes, l[n], t[n], scale, d + n * classes, classes);
                }
            });
        });
        return {d_logits, torch::Tensor()};
    }
};

}  // namespace

torch::Tensor cross_entropy(const torch::Tensor& logits, const torch::Tensor& targets)
{
    const auto type = logits.scalar_type();
    const bool fused = logits.device().is_cpu() && targets.device().is_cpu() && logits.dim() == 2 &&
                       targets.dim() == 1 && targets.scalar_type() == torch::kLong && targets.size(0) == logits.size(0) &&
                       logits.size(1) > 0 && (type == torch::kFloat32 || type == torch::kFloat64);
    if (!fused)
        return torch::nn::functional::cross_entropy(logits, targets,
                                                    torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kIgnored));
    return CrossEntropyFunction::apply(logits, targets);
}

}  // namespace dora::ops
