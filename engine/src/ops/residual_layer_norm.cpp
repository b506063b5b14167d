#include "ops/residual_layer_norm.h"

#include "ops/avx2_math.h"

#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>

#include <cmath>

namespace dora::ops {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

constexpr int64_t kGrain = 1 << 16;  // elements per thread before a second one is worth waking

int64_t rows_per_task(int64_t width) { return std::max<int64_t>(1, kGrain / std::max<int64_t>(width, 1)); }

// One row: h = x + a, mean and 1/σ (biased variance, two passes over the row while it is in L1), y.
// `omp simd` lets the reductions be reassociated into vector lanes (the TU is built with OpenMP).
template <typename T>
__attribute__((always_inline)) inline void forward_row(const T* x, const T* a, const T* w, const T* b, T eps,
                                                       int64_t c, T* h, T* y, T* mean_out, T* rstd_out)
{
    T sum = 0;
#pragma omp simd reduction(+ : sum)
    for (int64_t j = 0; j < c; ++j) {
        h[j] = x[j] + a[j];
        sum += h[j];
    }
    const T mean = sum / static_cast<T>(c);
    T squares = 0;
#pragma omp simd reduction(+ : squares)
    for (int64_t j = 0; j < c; ++j)
        squares += (h[j] - mean) * (h[j] - mean);
    const T rstd = T(1) / std::sqrt(squares / static_cast<T>(c) + eps);
#pragma omp simd
    for (int64_t j = 0; j < c; ++j)
        y[j] = (h[j] - mean) * rstd * w[j] + b[j];
    *mean_out = mean;
    *rstd_out = rstd;
}

// One row of the backward: with x̂ = (h − mean)·rstd and g = dy ⊙ w,
// dx = dh + rstd · (g − mean(g) − x̂ · mean(g ⊙ x̂)). dh may be absent (h not used further).
template <typename T>
__attribute__((always_inline)) inline void backward_row(const T* h, const T* dh, const T* dy, const T* w, T mean,
                                                        T rstd, int64_t c, T* dx)
{
    T g_sum = 0, gx_sum = 0;
#pragma omp simd reduction(+ : g_sum, gx_sum)
    for (int64_t j = 0; j < c; ++j) {
        const T g = dy[j] * w[j];
        g_sum += g;
        gx_sum += g * (h[j] - mean) * rstd;
    }
    const T m1 = g_sum / static_cast<T>(c), m2 = gx_sum / static_cast<T>(c);
    if (dh) {
#pragma omp simd
        for (int64_t j = 0; j < c; ++j)
            dx[j] = dh[j] + rstd * (dy[j] * w[j] - m1 - (h[j] - mean) * rstd * m2);
    } else {
#pragma omp simd
        for (int64_t j = 0; j < c; ++j)
            dx[j] = rstd * (dy[j] * w[j] - m1 - (h[j] - mean) * rstd * m2);
    }
}

template <typename T>
void forward_rows(const T* x, const T* a, const T* w, const T* b, T eps, int64_t c, int64_t first, int64_t last,
                  T* h, T* y, T* mean, T* rstd)
{
    for (int64_t n = first; n < last; ++n)
        forward_row(x + n * c, a + n * c, w, b, eps, c, h + n * c, y + n * c, mean + n, rstd + n);
}

template <typename T>
void backward_rows(const T* h, const T* dh, const T* dy, const T* w, const T* mean, const T* rstd, int64_t c,
                   int64_t first, int64_t last, T* dx)
{
    for (int64_t n = first; n < last; ++n)
        backward_row(h + n * c, dh ? dh + n * c : nullptr, dy + n * c, w, mean[n], rstd[n], c, dx + n * c);
}

#ifdef DORA_HAS_AVX2_PATH
DORA_AVX2 void forward_rows_avx2(const float* x, const float* a, const float* w, const float* b, float eps,
                                 int64_t c, int64_t first, int64_t last, float* h, float* y, float* mean, float* rstd)
{
    for (int64_t n = first; n < last; ++n)
        forward_row(x + n * c, a + n * c, w, b, eps, c, h + n * c, y + n * c, mean + n, rstd + n);
}

DORA_AVX2 void backward_rows_avx2(const float* h, const float* dh, const float* dy, const float* w, const float* mean,
                                  const float* rstd, int64_t c, int64_t first, int64_t last, float* dx)
{
    for (int64_t n = first; n < last; ++n)
        backward_row(h + n * c, dh ? dh + n * c : nullptr, dy + n * c, w, mean[n], rstd[n], c, dx + n * c);
}
#endif

void run_forward(const float* x, const float* a, const float* w, const float* b, float eps, int64_t c, int64_t first,
                 int64_t last, float* h, float* y, float* mean, float* rstd)
{
#ifdef DORA_HAS_AVX2_PATH
    if (cpu_has_avx2_fma())
        return forward_rows_avx2(x, a, w, b, eps, c, first, last, h, y, mean, rstd);
#endif
    forward_rows(x, a, w, b, eps, c, first, last, h, y, mean, rstd);
}
void run_forward(const double* x, const double* a, const double* w, const double* b, double eps, int64_t c,
                 int64_t first, int64_t last, double* h, double* y, double* mean, double* rstd)
{
    forward_rows(x, a, w, b, eps, c, first, last, h, y, mean, rstd);
}

void run_backward(const float* h, const float* dh, const float* dy, const float* w, const float* mean,
                  const float* rstd, int64_t c, int64_t first, int64_t last, float* dx)
{
#ifdef DORA_HAS_AVX2_PATH
    if (cpu_has_avx2_fma())
        return backward_rows_avx2(h, dh, dy, w, mean, rstd, c, first, last, dx);
#endif
    backward_rows(h, dh, dy, w, mean, rstd, c, first, last, dx);
}
void run_backward(const double* h, const double* dh, const double* dy, const double* w, const double* mean,
                  const double* rstd, int64_t c, int64_t first, int64_t last, double* dx)
{
    backward_rows(h, dh, dy, w, mean, rstd, c, first, last, dx);
}

struct ResidualLayerNormFunction : public torch::autograd::Function<ResidualLayerNormFunction> {
    static variable_list forward(AutogradContext* ctx, const torch::Tensor& x_in, const torch::Tensor& a_in,
                                 const torch::Tensor& weight_in, const torch::Tensor& bias_in, double eps)
    {
        const torch::Tensor x = x_in.contiguous(), a = a_in.contiguous();
        const torch::Tensor weight = weight_in.contiguous(), bias = bias_in.contiguous();
        const int64_t c = x.size(-1), rows = x.numel() / std::max<int64_t>(c, 1);
        torch::Tensor h = torch::empty_like(x), y = torch::empty_like(x);
        torch::Tensor mean = torch::empty({rows}, x.options()), rstd = torch::empty({rows}, x.options());
        AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "residual_layer_norm", [&] {
            const scalar_t *xp = x.data_ptr<scalar_t>(), *ap = a.data_ptr<scalar_t>();
            const scalar_t *wp = weight.data_ptr<scalar_t>(), *bp = bias.data_ptr<scalar_t>();
            scalar_t *hp = h.data_ptr<scalar_t>(), *yp = y.data_ptr<scalar_t>();
            scalar_t *mp = mean.data_ptr<scalar_t>(), *rp = rstd.data_ptr<scalar_t>();
            at::parallel_for(0, rows, rows_per_task(c), [&](int64_t first, int64_t last) {
                run_forward(xp, ap, wp, bp, static_cast<scalar_t>(eps), c, first, last, hp, yp, mp, rp);
            });
        });
        ctx->save_for_backward({h, weight, mean, rstd});
        return {h, y};
    }

    static variable_list backward(AutogradContext* ctx, variable_list grad_outputs)
    {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor &h = saved[0], &weight = saved[1], &mean = saved[2], &rstd = saved[3];
        const torch::Tensor dh = grad_outputs[0].defined() ? grad_outputs[0].contiguous() : torch::Tensor();
        const int64_t c = h.size(-1), rows = h.numel() / std::max<int64_t>(c, 1);
        torch::Tensor dx;
        torch::Tensor d_weight, d_bias;
        if (!grad_outputs[1].defined()) {  // y unused: the add's gradient alone
            dx = dh.defined() ? dh : torch::zeros_like(h);
        } else {
            const torch::Tensor dy = grad_outputs[1].contiguous();
            dx = torch::empty_like(h);
            AT_DISPATCH_FLOATING_TYPES(h.scalar_type(), "residual_layer_norm_backward", [&] {
                const scalar_t *hp = h.data_ptr<scalar_t>(), *dyp = dy.data_ptr<scalar_t>();
                const scalar_t* dhp = dh.defined() ? dh.data_ptr<scalar_t>() : nullptr;
                const scalar_t *wp = weight.data_ptr<scalar_t>(), *mp = mean.data_ptr<scalar_t>();
                const scalar_t* rp = rstd.data_ptr<scalar_t>();
                scalar_t* dxp = dx.data_ptr<scalar_t>();
                at::parallel_for(0, rows, rows_per_task(c), [&](int64_t first, int64_t last) {
                    run_backward(hp, dhp, dyp, wp, mp, rp, c, first, last, dxp);
                });
            });
            if (ctx->needs_input_grad(2) || ctx->needs_input_grad(3)) {  // trainable norm parameters
                const torch::Tensor dy_rows = dy.view({rows, c});
                const torch::Tensor normed = (h.view({rows, c}) - mean.unsqueeze(1)) * rstd.unsqueeze(1);
                if (ctx->needs_input_grad(2))
                    d_weight = (dy_rows * normed).sum(0);
                if (ctx->needs_input_grad(3))
                    d_bias = dy_rows.sum(0);
            }
        }
        // The same tensor for x and a, as ATen's add does.
        return {dx, dx, d_weight, d_bias, torch::Tensor()};
    }
};

std::pair<torch::Tensor, torch::Tensor> composite(const torch::Tensor& x, const torch::Tensor& a,
                                                  const torch::Tensor& weight, const torch::Tensor& bias, double eps)
{
    torch::Tensor h = x + a;
    torch::Tensor y = torch::layer_norm(h, {h.size(-1)}, weight, bias, eps);
    return {h, y};
}

}  // namespace

std::pair<torch::Tensor, torch::Tensor> residual_layer_norm(const torch::Tensor& x, const torch::Tensor& a,
                                                            const torch::Tensor& weight, const torch::Tensor& bias,
                                                            double eps)
{
    const auto type = x.scalar_type();
    const bool fused = x.device().is_cpu() && (type == torch::kFloat32 || type == torch::kFloat64) &&
                       a.sizes() == x.sizes() && a.scalar_type() == type && a.device().is_cpu() &&
                       weight.defined() && bias.defined() && weight.dim() == 1 && bias.dim() == 1 &&
                       weight.size(0) == x.size(-1) && bias.size(0) == x.size(-1) && weight.scalar_type() == type &&
                       bias.scalar_type() == type && x.dim() >= 1 && x.size(-1) > 0;
    if (!fused)
        return composite(x, a, weight, bias, eps);
    const variable_list out = ResidualLayerNormFunction::apply(x, a, weight, bias, eps);
    return {out[0], out[1]};
}

}  // namespace dora::ops
