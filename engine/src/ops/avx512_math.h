// Sixteen-float versions of avx2_math.h's exp and sum, for the loops that gain from a CPU with
// AVX-512 (twice the work of an AVX2 instruction where its units are 512 bits wide, as on the
// project's machine): DoRA's pass over W0 and GELU. (Cross-entropy's loops gained nothing: they wait
// on memory.) Only for functions compiled with DORA_AVX512, called when
// cpu_has_avx512() says so; tests turn the AVX-512 loops off to check the AVX2 ones on such a CPU.
#pragma once

#include "ops/avx2_math.h"

#include <atomic>

#ifdef DORA_HAS_AVX2_PATH
#define DORA_AVX512 __attribute__((target("avx512f,avx2,fma")))

namespace dora::ops {

inline std::atomic<bool>& avx512_allowed()
{
    static std::atomic<bool> allowed{true};
    return allowed;
}

// Whether AVX-512 loops may run where the CPU has them (the default).
inline void allow_avx512_kernels(bool allowed) { avx512_allowed().store(allowed, std::memory_order_relaxed); }

// Whether this CPU runs the AVX-512 loops and they are allowed.
inline bool cpu_has_avx512()
{
    static const bool has = __builtin_cpu_supports("avx512f");
    return has && avx512_allowed().load(std::memory_order_relaxed);
}

// All sixteen lanes. GCC 12 implements several unmasked AVX-512 intrinsics (max, min, roundscale,
// scalef, shuffles, extracts, reductions) with an "undefined" operand that its -Wuninitialized
// reports at every use; their zero-masking forms with every lane selected are the same instructions.
constexpr __mmask16 kAllLanes = 0xFFFF;

// e^x as exp8, sixteen at a time; the power of two by scalef, which needs no integer arithmetic.
DORA_AVX512 inline __m512 exp16(__m512 x)
{
    x = _mm512_maskz_max_ps(kAllLanes, x, _mm512_set1_ps(-87.3f));
    x = _mm512_maskz_min_ps(kAllLanes, x, _mm512_set1_ps(88.3762626647949f));
    const __m512 n = _mm512_maskz_roundscale_ps(kAllLanes, _mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                                _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    return _mm512_maskz_scalef_ps(kAllLanes, p, n);
}

// The sum of sixteen floats.
DORA_AVX512 inline float hsum16(__m512 v)
{
    const __m512 halves = _mm512_add_ps(v, _mm512_maskz_shuffle_f32x4(kAllLanes, v, v, _MM_SHUFFLE(1, 0, 3, 2)));
    const __m512 quarters =
        _mm512_add_ps(halves, _mm512_maskz_shuffle_f32x4(kAllLanes, halves, halves, _MM_SHUFFLE(2, 3, 0, 1)));
    __m128 x = _mm512_maskz_extractf32x4_ps(__mmask8(0xF), quarters, 0);
    x = _mm_add_ps(x, _mm_movehl_ps(x, x));
    return _mm_cvtss_f32(_mm_add_ss(x, _mm_shuffle_ps(x, x, 1)));
}

// The lanes of a 16-float vector that the last n < 16 (or all, n ≥ 16) elements fill.
inline __mmask16 first_lanes(int64_t n) { return n >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << n) - 1); }

}  // namespace dora::ops
#else
namespace dora::ops {
inline void allow_avx512_kernels(bool) {}
inline bool cpu_has_avx512() { return false; }
}  // namespace dora::ops
#endif
