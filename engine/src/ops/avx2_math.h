// exp, sum and max of eight floats at a time with AVX2/FMA, for the engine's CPU loops (GELU's tanh,
// softmax, cross-entropy, the adapter kernels). Cephes' single-precision method: e^x = 2^n · e^r with n = round(x / ln 2) and
// |r| ≤ ln(2)/2, e^r by a degree-6 polynomial; about 2 ulp over the float range. Only for functions
// compiled with the avx2,fma target (see DORA_AVX2).
#pragma once

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#include <cstdint>
#define DORA_HAS_AVX2_PATH 1
#define DORA_AVX2 __attribute__((target("avx2,fma")))

namespace dora::ops {

// Whether this CPU runs the AVX2/FMA paths (checked once).
inline bool cpu_has_avx2_fma()
{
    static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return has;
}

DORA_AVX2 inline __m256 exp8(__m256 x)
{
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.3f)), _mm256_set1_ps(88.3762626647949f));
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    // r = x − n·ln2, with ln2 split in two so that n·ln2_hi is exact.
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    const __m256i exponent = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(exponent));
}

DORA_AVX2 inline float hsum8(__m256 v)
{
    __m128 x = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    x = _mm_add_ps(x, _mm_movehl_ps(x, x));
    return _mm_cvtss_f32(_mm_add_ss(x, _mm_shuffle_ps(x, x, 1)));
}

DORA_AVX2 inline float hmax8(__m256 v)
{
    __m128 x = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    x = _mm_max_ps(x, _mm_movehl_ps(x, x));
    return _mm_cvtss_f32(_mm_max_ss(x, _mm_shuffle_ps(x, x, 1)));
}

// The largest of n ≥ 1 floats.
DORA_AVX2 inline float max_of(const float* p, int64_t n)
{
    __m256 top8 = _mm256_set1_ps(p[0]);
    int64_t j = 0;
    for (; j + 8 <= n; j += 8)
        top8 = _mm256_max_ps(top8, _mm256_loadu_ps(p + j));
    float top = hmax8(top8);
    for (; j < n; ++j)
        top = top > p[j] ? top : p[j];
    return top;
}

}  // namespace dora::ops
#else
namespace dora::ops {
inline bool cpu_has_avx2_fma() { return false; }
}  // namespace dora::ops
#endif
