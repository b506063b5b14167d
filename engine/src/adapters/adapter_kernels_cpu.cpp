#include "adapters/adapter_kernels_cpu.h"

#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>

#include "ops/avx2_math.h"
#include "ops/avx512_math.h"

#ifdef DORA_HAS_AVX2_PATH
#define DORA_INLINE inline __attribute__((always_inline))
#else
#define DORA_INLINE inline
#endif

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <optional>
#include <type_traits>
#include <vector>

namespace dora::adapters {
namespace {

using ops::cpu_has_avx2_fma;

// ---- rows · smallᵀ -------------------------------------------------------------------------------

template <typename T>
void project_rows_generic(const T* rows, const T* small, int64_t first, int64_t last, int64_t k, int64_t r, T* out)
{
    for (int64_t n = first; n < last; ++n)
        for (int64_t q = 0; q < r; ++q) {
            T sum = 0;
            for (int64_t i = 0; i < k; ++i)
                sum += rows[n * k + i] * small[q * k + i];
            out[n * r + q] = sum;
        }
}

#ifdef DORA_HAS_AVX2_PATH
// Two rows against four of small's rows at a time: eight independent FMA chains (enough to hide the
// FMA latency) fed by six loads, and small (r·k floats, a few tens of kB) stays in L1/L2 across rows.
DORA_AVX2 void project_two_rows_avx2(const float* row0, const float* row1, const float* small, int64_t k, int64_t r,
                                     float* out0, float* out1)
{
    int64_t q = 0;
    for (; q + 4 <= r; q += 4) {
        const float *s0 = small + q * k, *s1 = s0 + k, *s2 = s1 + k, *s3 = s2 + k;
        __m256 a00 = _mm256_setzero_ps(), a01 = _mm256_setzero_ps(), a02 = _mm256_setzero_ps(), a03 = _mm256_setzero_ps();
        __m256 a10 = _mm256_setzero_ps(), a11 = _mm256_setzero_ps(), a12 = _mm256_setzero_ps(), a13 = _mm256_setzero_ps();
        int64_t i = 0;
        for (; i + 8 <= k; i += 8) {
            const __m256 v0 = _mm256_loadu_ps(row0 + i), v1 = _mm256_loadu_ps(row1 + i);
            const __m256 w0 = _mm256_loadu_ps(s0 + i), w1 = _mm256_loadu_ps(s1 + i);
            const __m256 w2 = _mm256_loadu_ps(s2 + i), w3 = _mm256_loadu_ps(s3 + i);
            a00 = _mm256_fmadd_ps(v0, w0, a00), a01 = _mm256_fmadd_ps(v0, w1, a01);
            a02 = _mm256_fmadd_ps(v0, w2, a02), a03 = _mm256_fmadd_ps(v0, w3, a03);
            a10 = _mm256_fmadd_ps(v1, w0, a10), a11 = _mm256_fmadd_ps(v1, w1, a11);
            a12 = _mm256_fmadd_ps(v1, w2, a12), a13 = _mm256_fmadd_ps(v1, w3, a13);
        }
        float t[2][4] = {{ops::hsum8(a00), ops::hsum8(a01), ops::hsum8(a02), ops::hsum8(a03)},
                         {ops::hsum8(a10), ops::hsum8(a11), ops::hsum8(a12), ops::hsum8(a13)}};
        for (; i < k; ++i)
            for (int j = 0; j < 4; ++j) {
                t[0][j] += row0[i] * small[(q + j) * k + i];
                t[1][j] += row1[i] * small[(q + j) * k + i];
            }
        for (int j = 0; j < 4; ++j)
            out0[q + j] = t[0][j], out1[q + j] = t[1][j];
    }
    for (; q < r; ++q) {
        const float* s = small + q * k;
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
        int64_t i = 0;
        for (; i + 8 <= k; i += 8) {
            const __m256 w = _mm256_loadu_ps(s + i);
            a0 = _mm256_fmadd_ps(_mm256_loadu_ps(row0 + i), w, a0);
            a1 = _mm256_fmadd_ps(_mm256_loadu_ps(row1 + i), w, a1);
        }
        float t0 = ops::hsum8(a0), t1 = ops::hsum8(a1);
        for (; i < k; ++i)
            t0 += row0[i] * s[i], t1 += row1[i] * s[i];
        out0[q] = t0, out1[q] = t1;
    }
}

DORA_AVX2 void project_rows_avx2(const float* rows, const float* small, int64_t first, int64_t last, int64_t k,
                                 int64_t r, float* out)
{
    int64_t n = first;
    for (; n + 2 <= last; n += 2)
        project_two_rows_avx2(rows + n * k, rows + (n + 1) * k, small, k, r, out + n * r, out + (n + 1) * r);
    if (n < last)  // an odd last row: paired with itself, its second result discarded
        project_two_rows_avx2(rows + n * k, rows + n * k, small, k, r, out + n * r, out + n * r);
}
#endif

void project_rows(const float* rows, const float* small, int64_t first, int64_t last, int64_t k, int64_t r, float* out)
{
#ifdef DORA_HAS_AVX2_PATH
    if (cpu_has_avx2_fma())
        return project_rows_avx2(rows, small, first, last, k, r, out);
#endif
    project_rows_generic(rows, small, first, last, k, r, out);
}

void project_rows(const double* rows, const double* small, int64_t first, int64_t last, int64_t k, int64_t r,
                  double* out)
{
    project_rows_generic(rows, small, first, last, k, r, out);
}

// ---- W0·Aᵀ for DoRA's norm, W0 from memory -------------------------------------------------------

#ifdef DORA_HAS_AVX2_PATH
// Reads n floats straight through. The norm's kernel reads each weight once a step, and its loads,
// spaced out by eight ranks' FMAs, keep few cache misses in flight: it took W0 from memory at 13–15
// GB/s on the bench model's 24 matrices, where a plain pass reads 35–50. A block read this way
// first, then by the kernel from L2, went at 16–21 GB/s (scratch program, one thread, 128 kB blocks).
DORA_AVX512 void pull_into_cache(const float* p, int64_t n)
{
    __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    for (int64_t i = 0; i + 64 <= n; i += 64) {
        s0 = _mm512_add_ps(s0, _mm512_loadu_ps(p + i)), s1 = _mm512_add_ps(s1, _mm512_loadu_ps(p + i + 16));
        s2 = _mm512_add_ps(s2, _mm512_loadu_ps(p + i + 32)), s3 = _mm512_add_ps(s3, _mm512_loadu_ps(p + i + 48));
    }
    volatile float kept = ops::hsum16(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
    (void)kept;
}

// Two rows against eight of `small`'s rows: sixteen 16-wide FMA chains fed by ten loads, the last
// partial vector masked. Twice the AVX2 kernel's speed on rows in cache (42 against 20 GB/s).
DORA_AVX512 void project_two_rows_eight_avx512(const float* row0, const float* row1, const float* small, int64_t k,
                                               float* out0, float* out1)
{
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    __m512 b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0;
    for (int64_t i = 0; i < k; i += 16) {
        const __mmask16 lanes = ops::first_lanes(k - i);
        const __m512 v0 = _mm512_maskz_loadu_ps(lanes, row0 + i), v1 = _mm512_maskz_loadu_ps(lanes, row1 + i);
#define DORA_RANK(q)                                                          \
    {                                                                         \
        const __m512 s = _mm512_maskz_loadu_ps(lanes, small + (q) * k + i);   \
        a##q = _mm512_fmadd_ps(v0, s, a##q), b##q = _mm512_fmadd_ps(v1, s, b##q); \
    }
        DORA_RANK(0) DORA_RANK(1) DORA_RANK(2) DORA_RANK(3) DORA_RANK(4) DORA_RANK(5) DORA_RANK(6) DORA_RANK(7)
#undef DORA_RANK
    }
    const __m512 first[8] = {a0, a1, a2, a3, a4, a5, a6, a7}, second[8] = {b0, b1, b2, b3, b4, b5, b6, b7};
    for (int q = 0; q < 8; ++q)
        out0[q] = ops::hsum16(first[q]), out1[q] = ops::hsum16(second[q]);
}

// Rows [first, last) of W0·Aᵀ, r a multiple of 8, in blocks of about 128 kB of W0.
DORA_AVX512 void project_weight_rows_avx512(const float* w, const float* a, int64_t first, int64_t last, int64_t k,
                                            int64_t r, float* out)
{
    const int64_t block = std::max<int64_t>(2, ((int64_t(128) << 10) / (4 * k)) & ~int64_t(1));
    float spare[8];  // the second result of an odd last row, paired with itself
    for (int64_t start = first; start < last; start += block) {
        const int64_t end = std::min(last, start + block);
        pull_into_cache(w + start * k, (end - start) * k);
        for (int64_t o = start; o < end; o += 2) {
            const bool pair = o + 1 < end;
            for (int64_t q = 0; q < r; q += 8)
                project_two_rows_eight_avx512(w + o * k, w + (pair ? o + 1 : o) * k, a + q * k, k, out + o * r + q,
                                              pair ? out + (o + 1) * r + q : spare);
        }
    }
}
#endif

void project_weight_rows(const float* w, const float* a, int64_t first, int64_t last, int64_t k, int64_t r, float* out)
{
#ifdef DORA_HAS_AVX2_PATH
    if (r % 8 == 0 && ops::cpu_has_avx512())
        return project_weight_rows_avx512(w, a, first, last, k, r, out);
#endif
    project_rows(w, a, first, last, k, r, out);
}

void project_weight_rows(const double* w, const double* a, int64_t first, int64_t last, int64_t k, int64_t r,
                         double* out)
{
    project_rows(w, a, first, last, k, r, out);
}

// ---- ‖W0 + s·B·A‖ per row from P = W0·Aᵀ --------------------------------------------------------
// n²[o] = ‖W0_o‖² + 2s·B_o·P_o + s²·B_o·(A·Aᵀ)·B_oᵀ, floored at min_norm².

template <typename T>
void row_norms_generic(const T* p, const T* b, const T* a_at, const T* w0_sq, double scale, double min_norm,
                       int64_t first, int64_t last, int64_t r, T* n)
{
    std::vector<T> bg(static_cast<size_t>(r));  // row o of B·A·Aᵀ
    for (int64_t o = first; o < last; ++o) {
        const T* row = b + o * r;
        std::fill(bg.begin(), bg.end(), T(0));
        for (int64_t l = 0; l < r; ++l)  // independent sums over k: vectorises
            for (int64_t k = 0; k < r; ++k)
                bg[k] += row[l] * a_at[l * r + k];
        double cross = 0, square = 0;
        for (int64_t k = 0; k < r; ++k) {
            cross += static_cast<double>(p[o * r + k]) * row[k];
            square += static_cast<double>(bg[k]) * row[k];
        }
        const double n_sq = w0_sq[o] + 2.0 * scale * cross + scale * scale * square;
        n[o] = static_cast<T>(std::sqrt(std::max(n_sq, min_norm * min_norm)));
    }
}

#ifdef DORA_HAS_AVX2_PATH
// r a multiple of 8: per row, B_o·(A·Aᵀ) as r broadcast FMAs per block of eight, then one dot
// product with B_o. In scalar code these r² products took up to a third of the norm's time.
DORA_AVX2 void row_norms_avx2(const float* p, const float* b, const float* a_at, const float* w0_sq, double scale,
                              double min_norm, int64_t first, int64_t last, int64_t r, float* n)
{
    const __m256 two_s = _mm256_set1_ps(static_cast<float>(2.0 * scale));
    const __m256 s_sq = _mm256_set1_ps(static_cast<float>(scale * scale));
    for (int64_t o = first; o < last; ++o) {
        const float *row = b + o * r, *po = p + o * r;
        __m256 sum = _mm256_setzero_ps();
        for (int64_t j = 0; j < r; j += 8) {
            __m256 bg = _mm256_setzero_ps();
            for (int64_t l = 0; l < r; ++l)
                bg = _mm256_fmadd_ps(_mm256_set1_ps(row[l]), _mm256_loadu_ps(a_at + l * r + j), bg);
            const __m256 t = _mm256_fmadd_ps(two_s, _mm256_loadu_ps(po + j), _mm256_mul_ps(s_sq, bg));
            sum = _mm256_fmadd_ps(_mm256_loadu_ps(row + j), t, sum);
        }
        const double n_sq = static_cast<double>(w0_sq[o]) + ops::hsum8(sum);
        n[o] = static_cast<float>(std::sqrt(std::max(n_sq, min_norm * min_norm)));
    }
}
#endif

void row_norms(const float* p, const float* b, const float* a_at, const float* w0_sq, double scale, double min_norm,
               int64_t first, int64_t last, int64_t r, float* n)
{
#ifdef DORA_HAS_AVX2_PATH
    if (r % 8 == 0 && cpu_has_avx2_fma())
        return row_norms_avx2(p, b, a_at, w0_sq, scale, min_norm, first, last, r, n);
#endif
    row_norms_generic(p, b, a_at, w0_sq, scale, min_norm, first, last, r, n);
}

void row_norms(const double* p, const double* b, const double* a_at, const double* w0_sq, double scale,
               double min_norm, int64_t first, int64_t last, int64_t r, double* n)
{
    row_norms_generic(p, b, a_at, w0_sq, scale, min_norm, first, last, r, n);
}

// ---- y = g ⊙ (y + down·up_t) + b, or with y's old contents ignored (`fresh`) ----------------------

template <typename T>
DORA_INLINE void epilogue_rows_body(T* y, const T* down, const T* up_t, const T* gain, const T* bias, bool fresh,
                                    int64_t first, int64_t last, int64_t out, int64_t r)
{
    for (int64_t n = first; n < last; ++n) {
        T* row = y + n * out;
        if (fresh)
            std::fill(row, row + out, T(0));
        for (int64_t q = 0; q < r; ++q) {  // r passes over a row that stays in L1
            const T c = down[n * r + q];
            const T* u = up_t + q * out;
            for (int64_t o = 0; o < out; ++o)
                row[o] += c * u[o];
        }
        if (gain && bias)
            for (int64_t o = 0; o < out; ++o)
                row[o] = gain[o] * row[o] + bias[o];
        else if (gain)
            for (int64_t o = 0; o < out; ++o)
                row[o] *= gain[o];
        else if (bias)
            for (int64_t o = 0; o < out; ++o)
                row[o] += bias[o];
    }
}

#ifdef DORA_HAS_AVX2_PATH
// g ⊙ v + b on eight outputs, and the store.
DORA_AVX2 inline void epilogue_store8(float* y, __m256 v, const float* gain, const float* bias)
{
    if (gain)
        v = _mm256_mul_ps(v, _mm256_loadu_ps(gain));
    if (bias)
        v = _mm256_add_ps(v, _mm256_loadu_ps(bias));
    _mm256_storeu_ps(y, v);
}

// `Rows` consecutive rows (1 or 2), 32 outputs at a time: each y vector is loaded and stored once for
// all r ranks, and each Bᵀ vector loaded once serves both rows (eight accumulators, six loads per
// eight FMAs). The row-by-row loop above loads and stores y once per rank, which bounds it by the
// load and store ports, not the FMAs.
template <int Rows>
DORA_AVX2 void epilogue_block_avx2(float* y, const float* down, const float* up_t, const float* gain,
                                   const float* bias, bool fresh, int64_t out, int64_t r)
{
    int64_t o = 0;
    for (; o + 32 <= out; o += 32) {
        __m256 acc[Rows][4];
        for (int i = 0; i < Rows; ++i)
            for (int v = 0; v < 4; ++v)
                acc[i][v] = fresh ? _mm256_setzero_ps() : _mm256_loadu_ps(y + i * out + o + 8 * v);
        for (int64_t q = 0; q < r; ++q) {
            const float* u = up_t + q * out + o;
            const __m256 u0 = _mm256_loadu_ps(u), u1 = _mm256_loadu_ps(u + 8);
            const __m256 u2 = _mm256_loadu_ps(u + 16), u3 = _mm256_loadu_ps(u + 24);
            for (int i = 0; i < Rows; ++i) {
                const __m256 c = _mm256_set1_ps(down[i * r + q]);
                acc[i][0] = _mm256_fmadd_ps(c, u0, acc[i][0]);
                acc[i][1] = _mm256_fmadd_ps(c, u1, acc[i][1]);
                acc[i][2] = _mm256_fmadd_ps(c, u2, acc[i][2]);
                acc[i][3] = _mm256_fmadd_ps(c, u3, acc[i][3]);
            }
        }
        for (int i = 0; i < Rows; ++i)
            for (int v = 0; v < 4; ++v)
                epilogue_store8(y + i * out + o + 8 * v, acc[i][v], gain ? gain + o + 8 * v : nullptr,
                                bias ? bias + o + 8 * v : nullptr);
    }
    for (; o + 8 <= out; o += 8)
        for (int i = 0; i < Rows; ++i) {
            __m256 acc = fresh ? _mm256_setzero_ps() : _mm256_loadu_ps(y + i * out + o);
            for (int64_t q = 0; q < r; ++q)
                acc = _mm256_fmadd_ps(_mm256_set1_ps(down[i * r + q]), _mm256_loadu_ps(up_t + q * out + o), acc);
            epilogue_store8(y + i * out + o, acc, gain ? gain + o : nullptr, bias ? bias + o : nullptr);
        }
    for (; o < out; ++o)
        for (int i = 0; i < Rows; ++i) {
            float v = fresh ? 0.0f : y[i * out + o];
            for (int64_t q = 0; q < r; ++q)
                v += down[i * r + q] * up_t[q * out + o];
            if (gain)
                v *= gain[o];
            if (bias)
                v += bias[o];
            y[i * out + o] = v;
        }
}

DORA_AVX2 void epilogue_rows_avx2(float* y, const float* down, const float* up_t, const float* gain,
                                  const float* bias, bool fresh, int64_t first, int64_t last, int64_t out, int64_t r)
{
    int64_t n = first;
    for (; n + 2 <= last; n += 2)
        epilogue_block_avx2<2>(y + n * out, down + n * r, up_t, gain, bias, fresh, out, r);
    if (n < last)
        epilogue_block_avx2<1>(y + n * out, down + n * r, up_t, gain, bias, fresh, out, r);
}
#endif

template <typename T>
void epilogue_rows(T* y, const T* down, const T* up_t, const T* gain, const T* bias, bool fresh, int64_t first,
                   int64_t last, int64_t out, int64_t r)
{
#ifdef DORA_HAS_AVX2_PATH
    if constexpr (std::is_same_v<T, float>)
        if (cpu_has_avx2_fma())
            return epilogue_rows_avx2(y, down, up_t, gain, bias, fresh, first, last, out, r);
#endif
    epilogue_rows_body(y, down, up_t, gain, bias, fresh, first, last, out, r);
}

// ---- DoRA scale backward -----------------------------------------------------------------------

// Rows summed in the input's precision before the partial sums are added in double: vector-friendly
// and still accurate (a block's rounding error stays that of 64 terms).
constexpr int64_t kRowBlock = 64;

template <typename T>
DORA_INLINE void scale_backward_block_body(const T* dy, const T* kept, const T* g, T* dz, T* block_kept, T* block_dy,
                                           int64_t rows, int64_t out)
{
    std::fill(block_kept, block_kept + out, T(0));
    std::fill(block_dy, block_dy + out, T(0));
    for (int64_t n = 0; n < rows; ++n) {
        const T* dy_row = dy + n * out;
        const T* kept_row = kept + n * out;
        for (int64_t c = 0; c < out; ++c) {
            block_kept[c] += dy_row[c] * kept_row[c];
            block_dy[c] += dy_row[c];
        }
        if (dz)
            for (int64_t c = 0; c < out; ++c)
                dz[n * out + c] = dy_row[c] * g[c];
    }
}

#ifdef DORA_HAS_AVX2_PATH
DORA_AVX2 void scale_backward_block_avx2(const float* dy, const float* kept, const float* g, float* dz,
                                         float* block_kept, float* block_dy, int64_t rows, int64_t out)
{
    scale_backward_block_body(dy, kept, g, dz, block_kept, block_dy, rows, out);
}
#endif

template <typename T>
void scale_backward_block(const T* dy, const T* kept, const T* g, T* dz, T* block_kept, T* block_dy, int64_t rows,
                          int64_t out)
{
#ifdef DORA_HAS_AVX2_PATH
    if constexpr (std::is_same_v<T, float>)
        if (cpu_has_avx2_fma())
            return scale_backward_block_avx2(dy, kept, g, dz, block_kept, block_dy, rows, out);
#endif
    scale_backward_block_body(dy, kept, g, dz, block_kept, block_dy, rows, out);
}

// Each task takes a contiguous run of row blocks and sums them into its own partial sums, which are
// added afterwards: every thread then reads its rows front to back. With up_t, each block's dz rows
// are also projected on Bᵀ while they are still in cache (d_down = s·dz·B).
template <typename T>
void scale_backward_loop(const T* dy, const T* kept, const T* g, T* dz, double* dy_kept, double* dy_total,
                         const T* up_t, T down_scale, T* d_down, int64_t r, int64_t rows, int64_t out)
{
    const int64_t blocks = (rows + kRowBlock - 1) / kRowBlock;
    // One task per thread, or fewer for small layers: a task should be worth waking a thread for.
    const int64_t worth = std::max<int64_t>(1, rows * out / (1 << 16));
    const int64_t tasks = std::max<int64_t>(1, std::min({blocks, static_cast<int64_t>(at::get_num_threads()), worth}));
    std::vector<double> partial(static_cast<size_t>(2 * tasks * out), 0.0);
    at::parallel_for(0, tasks, 1, [&](int64_t first_task, int64_t last_task) {
        std::vector<T> block_kept(out), block_dy(out);
        for (int64_t task = first_task; task < last_task; ++task) {
            double* sum_kept = partial.data() + 2 * task * out;
            double* sum_dy = sum_kept + out;
            for (int64_t b = blocks * task / tasks; b < blocks * (task + 1) / tasks; ++b) {
                const int64_t n = b * kRowBlock, block_rows = std::min(kRowBlock, rows - n);
                scale_backward_block(dy + n * out, kept + n * out, g, dz ? dz + n * out : nullptr, block_kept.data(),
                                     block_dy.data(), block_rows, out);
                for (int64_t c = 0; c < out; ++c) {
                    sum_kept[c] += static_cast<double>(block_kept[c]);
                    sum_dy[c] += static_cast<double>(block_dy[c]);
                }
                if (up_t) {
                    project_rows(dz + n * out, up_t, 0, block_rows, out, r, d_down + n * r);
                    for (int64_t i = n * r; i < (n + block_rows) * r; ++i)
                        d_down[i] *= down_scale;
                }
            }
        }
    });
    std::fill(dy_kept, dy_kept + out, 0.0);
    std::fill(dy_total, dy_total + out, 0.0);
    for (int64_t task = 0; task < tasks; ++task)
        for (int64_t c = 0; c < out; ++c) {
            dy_kept[c] += partial[2 * task * out + c];
            dy_total[c] += partial[(2 * task + 1) * out + c];
        }
}

// Rows per parallel task for the row-wise loops, given each row's multiply-adds: about 2^18 per task,
// so that waking a sleeping thread (tens of µs with the passive wait policy) pays off; small models
// then run these loops on one thread.
int64_t row_grain(int64_t work_per_row) { return std::max<int64_t>(1, (int64_t(1) << 18) / std::max<int64_t>(work_per_row, 1)); }

}  // namespace

bool adapter_kernels_support(std::initializer_list<torch::Tensor> tensors)
{
    std::optional<torch::ScalarType> type;
    for (const torch::Tensor& t : tensors) {
        if (!t.defined() || !t.device().is_cpu() || t.is_sparse())
            return false;
        if (!type)
            type = t.scalar_type();
        if (t.scalar_type() != *type)
            return false;
    }
    return type && (*type == torch::kFloat32 || *type == torch::kFloat64);
}

torch::Tensor rank_project(const torch::Tensor& rows, const torch::Tensor& small, double scale)
{
    const torch::Tensor rows_c = rows.contiguous(), small_c = small.contiguous();
    const int64_t k = small_c.size(1), r = small_c.size(0), n = rows_c.numel() / std::max<int64_t>(k, 1);
    torch::Tensor out = torch::empty({n, r}, rows_c.options());
    AT_DISPATCH_FLOATING_TYPES(rows_c.scalar_type(), "rank_project", [&] {
        const scalar_t* rows_p = rows_c.data_ptr<scalar_t>();
        const scalar_t* small_p = small_c.data_ptr<scalar_t>();
        scalar_t* out_p = out.data_ptr<scalar_t>();
        const scalar_t factor = static_cast<scalar_t>(scale);
        at::parallel_for(0, n, row_grain(k * r), [&](int64_t first, int64_t last) {
            project_rows(rows_p, small_p, first, last, k, r, out_p);
            if (scale != 1.0)
                for (int64_t i = first * r; i < last * r; ++i)
                    out_p[i] *= factor;
        });
    });
    return out;
}

torch::Tensor dora_row_norm_cpu(const torch::Tensor& w0, const torch::Tensor& w0_sq, const torch::Tensor& lora_a,
                                const torch::Tensor& lora_b, double scale, double min_norm)
{
    const torch::Tensor w = w0.contiguous(), a = lora_a.contiguous(), b = lora_b.contiguous(), sq = w0_sq.contiguous();
    const int64_t out = b.size(0), r = b.size(1), in = w.size(1);
    torch::Tensor norm = torch::empty({out}, w0_sq.options());
    AT_DISPATCH_FLOATING_TYPES(b.scalar_type(), "dora_row_norm_cpu", [&] {
        const scalar_t *wp = w.data_ptr<scalar_t>(), *ap = a.data_ptr<scalar_t>();
        // A·Aᵀ, (r, r), on this thread: r²·in multiply-adds do not pay for waking BLAS's threads.
        std::vector<scalar_t> a_at(static_cast<size_t>(r * r));
        project_rows(ap, ap, 0, r, in, r, a_at.data());
        const scalar_t *bp = b.data_ptr<scalar_t>(), *w0_sq_p = sq.data_ptr<scalar_t>();
        scalar_t* n = norm.data_ptr<scalar_t>();
        // One pass over W0's rows: each block's r products with A, then its rows' norms from them, B
        // and A·Aᵀ.
        std::vector<scalar_t> projections(static_cast<size_t>(out * r));  // W0·Aᵀ
        scalar_t* p_all = projections.data();
        at::parallel_for(0, out, row_grain(in * r), [&](int64_t first, int64_t last) {
            project_weight_rows(wp, ap, first, last, in, r, p_all);
            row_norms(p_all, bp, a_at.data(), w0_sq_p, scale, min_norm, first, last, r, n);
        });
    });
    return norm;
}

namespace {

// y = g ⊙ (y + down·up_t) + b over y's rows; with `fresh`, y's old contents count as 0 and are never
// read. Undefined down and up_t: no rank term (r = 0).
void run_epilogue(torch::Tensor& y, const torch::Tensor& down, const torch::Tensor& up_t, const torch::Tensor& gain,
                  const torch::Tensor& bias, bool fresh)
{
    const int64_t out = y.size(-1), r = up_t.defined() ? up_t.size(0) : 0, n = y.numel() / std::max<int64_t>(out, 1);
    TORCH_CHECK(y.is_contiguous() && (r == 0 || (down.is_contiguous() && up_t.is_contiguous())),
                "adapter epilogue: contiguous operands");
    const torch::Tensor gain_c = gain.defined() ? gain.contiguous() : gain;
    const torch::Tensor bias_c = bias.defined() && bias.numel() > 0 ? bias.contiguous() : torch::Tensor();
    AT_DISPATCH_FLOATING_TYPES(y.scalar_type(), "adapter_epilogue", [&] {
        scalar_t* y_p = y.data_ptr<scalar_t>();
        const scalar_t* down_p = r > 0 ? down.data_ptr<scalar_t>() : nullptr;
        const scalar_t* up_p = r > 0 ? up_t.data_ptr<scalar_t>() : nullptr;
        const scalar_t* gain_p = gain_c.defined() ? gain_c.data_ptr<scalar_t>() : nullptr;
        const scalar_t* bias_p = bias_c.defined() ? bias_c.data_ptr<scalar_t>() : nullptr;
        at::parallel_for(0, n, row_grain(out * (r + 1)), [&](int64_t first, int64_t last) {
            epilogue_rows<scalar_t>(y_p, down_p, up_p, gain_p, bias_p, fresh, first, last, out, r);
        });
    });
}

}  // namespace

void adapter_prefill_(torch::Tensor& y, const torch::Tensor& down, const torch::Tensor& up_t, const torch::Tensor& bias)
{
    run_epilogue(y, down, up_t, torch::Tensor(), bias, true);
}

void adapter_gain_(torch::Tensor& y, const torch::Tensor& gain, const torch::Tensor& bias)
{
    run_epilogue(y, torch::Tensor(), torch::Tensor(), gain, bias, false);
}

ScaleBackwardSums scale_backward_cpu(const torch::Tensor& dy, const torch::Tensor& kept, const torch::Tensor& g,
                                     bool want_dz, const torch::Tensor& up_t, double down_scale, bool dz_over_kept)
{
    TORCH_CHECK(!dz_over_kept || (want_dz && kept.is_contiguous()), "scale_backward_cpu: dz over a contiguous kept");
    const torch::Tensor dy_c = dy.contiguous(), kept_c = kept.contiguous(), g_c = g.contiguous();
    const int64_t out = kept_c.size(-1);
    const int64_t rows = out > 0 ? kept_c.numel() / out : 0;
    const bool project = up_t.defined();
    TORCH_CHECK(!project || (want_dz && up_t.size(1) == out), "scale_backward_cpu: Bᵀ needs dz and out columns");
    const torch::Tensor up_c = project ? up_t.contiguous() : up_t;
    const int64_t r = project ? up_c.size(0) : 0;
    ScaleBackwardSums sums;
    if (want_dz)
        sums.dz = dz_over_kept ? kept : torch::empty_like(kept_c);
    if (project)
        sums.d_down = torch::empty({rows, r}, dy_c.options());
    const auto doubles = torch::TensorOptions().dtype(torch::kFloat64);
    sums.dy_kept = torch::empty({out}, doubles);
    sums.dy_total = torch::empty({out}, doubles);
    AT_DISPATCH_FLOATING_TYPES(kept_c.scalar_type(), "dora_scale_backward", [&] {
        scale_backward_loop<scalar_t>(dy_c.data_ptr<scalar_t>(), kept_c.data_ptr<scalar_t>(), g_c.data_ptr<scalar_t>(),
                                      want_dz ? sums.dz.data_ptr<scalar_t>() : nullptr, sums.dy_kept.data_ptr<double>(),
                                      sums.dy_total.data_ptr<double>(), project ? up_c.data_ptr<scalar_t>() : nullptr,
                                      static_cast<scalar_t>(down_scale),
                                      project ? sums.d_down.data_ptr<scalar_t>() : nullptr, r, rows, out);
    });
    return sums;
}

}  // namespace dora::adapters
