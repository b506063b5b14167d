#include "ops/gelu.h"

#include "ops/avx2_math.h"
#include "ops/avx512_math.h"

#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>

#include <cmath>

namespace dora::ops {
namespace {

constexpr double kSqrt2OverPi = 0.7978845608028654;
constexpr double kCubic = 0.044715;
constexpr int64_t kGrain = 1 << 16;  // elements per thread before a second one is worth waking

template <typename T>
void gelu_forward_scalar(const T* x, T* y, int64_t first, int64_t last)
{
    for (int64_t i = first; i < last; ++i) {
        const T v = x[i];
        y[i] = T(0.5) * v * (T(1) + std::tanh(T(kSqrt2OverPi) * (v + T(kCubic) * v * v * v)));
    }
}

template <typename T>
void gelu_backward_scalar(const T* x, const T* dy, T* dx, int64_t first, int64_t last)
{
    for (int64_t i = first; i < last; ++i) {
        const T v = x[i], v2 = v * v;
        const T t = std::tanh(T(kSqrt2OverPi) * (v + T(kCubic) * v2 * v));
        const T du = T(kSqrt2OverPi) * (T(1) + T(3 * kCubic) * v2);
        dx[i] = dy[i] * (T(0.5) * (T(1) + t) + T(0.5) * v * (T(1) - t * t) * du);
    }
}

#ifdef DORA_HAS_AVX2_PATH
// tanh(u) = 1 − 2 / (e^{2u} + 1): exact at both ends (e^{2u} → ∞ or 0), an absolute error of a few
// 1e-8 in between, which is what GELU's 1 + tanh needs.
DORA_AVX2 inline __m256 tanh8(__m256 u)
{
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256 e = exp8(_mm256_add_ps(u, u));
    return _mm256_sub_ps(one, _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, one)));
}

DORA_AVX2 inline __m256 inner8(__m256 v)  // √(2/π)·(v + 0.044715·v³)
{
    const __m256 v2 = _mm256_mul_ps(v, v);
    return _mm256_mul_ps(_mm256_set1_ps(static_cast<float>(kSqrt2OverPi)),
                         _mm256_fmadd_ps(_mm256_mul_ps(v2, v), _mm256_set1_ps(static_cast<float>(kCubic)), v));
}

DORA_AVX2 void gelu_forward_avx2(const float* x, float* y, int64_t first, int64_t last)
{
    int64_t i = first;
    for (; i + 8 <= last; i += 8) {
        const __m256 v = _mm256_loadu_ps(x + i);
        const __m256 t = tanh8(inner8(v));
        _mm256_storeu_ps(y + i, _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(0.5f), v), _mm256_add_ps(_mm256_set1_ps(1.0f), t)));
    }
    gelu_forward_scalar(x, y, i, last);
}

DORA_AVX2 void gelu_backward_avx2(const float* x, const float* dy, float* dx, int64_t first, int64_t last)
{
    const __m256 half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.0f);
    int64_t i = first;
    for (; i + 8 <= last; i += 8) {
        const __m256 v = _mm256_loadu_ps(x + i);
        const __m256 t = tanh8(inner8(v));
        const __m256 du = _mm256_mul_ps(_mm256_set1_ps(static_cast<float>(kSqrt2OverPi)),
                                        _mm256_fmadd_ps(_mm256_mul_ps(v, v), _mm256_set1_ps(static_cast<float>(3 * kCubic)), one));
        const __m256 slope = _mm256_fmadd_ps(_mm256_mul_ps(_mm256_mul_ps(half, v), _mm256_fnmadd_ps(t, t, one)), du,
                                             _mm256_mul_ps(half, _mm256_add_ps(one, t)));
        _mm256_storeu_ps(dx + i, _mm256_mul_ps(_mm256_loadu_ps(dy + i), slope));
    }
    gelu_backward_scalar(x, dy, dx, i, last);
}

// The same sixteen at a time, the last partial vector masked.
DORA_AVX512 inline __m512 tanh16(__m512 u)
{
    const __m512 one = _mm512_set1_ps(1.0f);
    const __m512 e = exp16(_mm512_add_ps(u, u));
    return _mm512_sub_ps(one, _mm512_div_ps(_mm512_set1_ps(2.0f), _mm512_add_ps(e, one)));
}

DORA_AVX512 inline __m512 inner16(__m512 v)
{
    const __m512 v2 = _mm512_mul_ps(v, v);
    return _mm512_mul_ps(_mm512_set1_ps(static_cast<float>(kSqrt2OverPi)),
                         _mm512_fmadd_ps(_mm512_mul_ps(v2, v), _mm512_set1_ps(static_cast<float>(kCubic)), v));
}

DORA_AVX512 void gelu_forward_avx512(const float* x, float* y, int64_t first, int64_t last)
{
    for (int64_t i = first; i < last; i += 16) {
        const __mmask16 lanes = first_lanes(last - i);
        const __m512 v = _mm512_maskz_loadu_ps(lanes, x + i);
        const __m512 t = tanh16(inner16(v));
        const __m512 half_v = _mm512_mul_ps(_mm512_set1_ps(0.5f), v);
        _mm512_mask_storeu_ps(y + i, lanes, _mm512_mul_ps(half_v, _mm512_add_ps(_mm512_set1_ps(1.0f), t)));
    }
}

DORA_AVX512 void gelu_backward_avx512(const float* x, const float* dy, float* dx, int64_t first, int64_t last)
{
    const __m512 half = _mm512_set1_ps(0.5f), one = _mm512_set1_ps(1.0f);
    const __m512 cubic3 = _mm512_set1_ps(static_cast<float>(3 * kCubic));
    for (int64_t i = first; i < last; i += 16) {
        const __mmask16 lanes = first_lanes(last - i);
        const __m512 v = _mm512_maskz_loadu_ps(lanes, x + i);
        const __m512 t = tanh16(inner16(v));
        const __m512 du = _mm512_mul_ps(_mm512_set1_ps(static_cast<float>(kSqrt2OverPi)),
                                        _mm512_fmadd_ps(_mm512_mul_ps(v, v), cubic3, one));
        const __m512 slope = _mm512_fmadd_ps(_mm512_mul_ps(_mm512_mul_ps(half, v), _mm512_fnmadd_ps(t, t, one)), du,
                                             _mm512_mul_ps(half, _mm512_add_ps(one, t)));
        _mm512_mask_storeu_ps(dx + i, lanes, _mm512_mul_ps(_mm512_maskz_loadu_ps(lanes, dy + i), slope));
    }
}
#endif

void gelu_forward(const float* x, float* y, int64_t first, int64_t last)
{
#ifdef DORA_HAS_AVX2_PATH
    if (cpu_has_avx512())
        return gelu_forward_avx512(x, y, first, last);
    if (cpu_has_avx2_fma())
        return gelu_forward_avx2(x, y, first, last);
#endif
    gelu_forward_scalar(x, y, first, last);
}
void gelu_forward(const double* x, double* y, int64_t first, int64_t last) { gelu_forward_scalar(x, y, first, last); }

void gelu_backward(const float* x, const float* dy, float* dx, int64_t first, int64_t last)
{
#ifdef DORA_HAS_AVX2_PATH
    if (cpu_has_avx512())
        return gelu_backward_avx512(x, dy, dx, first, last);
    if (cpu_has_avx2_fma())
        return gelu_backward_avx2(x, dy, dx, first, last);
#endif
    gelu_backward_scalar(x, dy, dx, first, last);
}
void gelu_backward(const double* x, const double* dy, double* dx, int64_t first, int64_t last)
{
    gelu_backward_scalar(x, dy, dx, first, last);
}

struct GeluFunction : public torch::autograd::Function<GeluFunction> {
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x_in)
    {
        const torch::Tensor x = x_in.contiguous();
        torch::Tensor y = torch::empty_like(x);
        AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "gelu_tanh", [&] {
            const scalar_t* xp = x.data_ptr<scalar_t>();
            scalar_t* yp = y.data_ptr<scalar_t>();
            at::parallel_for(0, x.numel(), kGrain, [&](int64_t first, int64_t last) { gelu_forward(xp, yp, first, last); });
        });
        ctx->save_for_backward({x});
        return y;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grad_outputs)
    {
        const torch::Tensor x = ctx->get_saved_variables()[0];
        const torch::Tensor dy = grad_outputs[0].contiguous();
        torch::Tensor dx = torch::empty_like(x);
        AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "gelu_tanh_backward", [&] {
            const scalar_t *xp = x.data_ptr<scalar_t>(), *dyp = dy.data_ptr<scalar_t>();
            scalar_t* dxp = dx.data_ptr<scalar_t>();
            at::parallel_for(0, x.numel(), kGrain,
                             [&](int64_t first, int64_t last) { gelu_backward(xp, dyp, dxp, first, last); });
        });
        return {dx};
    }
};

}  // namespace

torch::Tensor gelu_tanh(const torch::Tensor& x)
{
    const auto type = x.scalar_type();
    if (!x.device().is_cpu() || !(type == torch::kFloat32 || type == torch::kFloat64))
        return torch::gelu(x, "tanh");
    return GeluFunction::apply(x);
}

}  // namespace dora::ops
