#include "ops/causal_attention.h"

#include "ops/avx2_math.h"
#include "ops/blas.h"

#include <ATen/Parallel.h>

#include <array>
#include <cmath>
#include <limits>
#include <vector>

namespace dora::ops {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Strides of a (B, H, T, D) operand whose rows (the last dimension) are contiguous.
struct HeadLayout {
    int64_t batch, head, row;
};
HeadLayout layout_of(const torch::Tensor& t) { return {t.stride(0), t.stride(1), t.stride(2)}; }

// The first position row i sees.
int64_t first_visible(int64_t i, int64_t window) { return window > 0 ? std::max<int64_t>(0, i - window + 1) : 0; }

// Query rows per block of the products. Causal rows i0..i1 see keys 0..i1 only, so products by
// blocks skip the masked upper triangle: at 128 positions, 62.5% of the full T × T work; at 512, 53%.
constexpr int64_t kQueryBlock = 32;

// Heads per parallel task: each task gets about a million multiply-adds, so that small models do not
// pay for waking threads more than the work they hand out.
int64_t heads_per_task(int64_t time, int64_t dim)
{
    return std::max<int64_t>(1, (int64_t(1) << 20) / std::max<int64_t>(1, 2 * time * time * dim));
}

// ---- one softmax row over the visible positions [lo, hi), zero elsewhere -----------------------

template <typename T>
void softmax_row_scalar(T* row, int64_t lo, int64_t hi, int64_t time)
{
    T top = row[lo];
    for (int64_t j = lo + 1; j < hi; ++j)
        top = std::max(top, row[j]);
    T sum = 0;
    for (int64_t j = lo; j < hi; ++j)
        sum += (row[j] = std::exp(row[j] - top));
    const T inverse = T(1) / sum;
    for (int64_t j = lo; j < hi; ++j)
        row[j] *= inverse;
    std::fill(row, row + lo, T(0));
    std::fill(row + hi, row + time, T(0));
}

// Σ_j p_j dp_j, then dp_j ← p_j (dp_j − Σ): the softmax backward of one row, in place.
template <typename T>
void softmax_backward_row_scalar(const T* p, T* dp, int64_t time)
{
    T dot = 0;
    for (int64_t j = 0; j < time; ++j)
        dot += p[j] * dp[j];
    for (int64_t j = 0; j < time; ++j)
        dp[j] = p[j] * (dp[j] - dot);
}

#ifdef DORA_HAS_AVX2_PATH
DORA_AVX2 void softmax_row_avx2(float* row, int64_t lo, int64_t hi, int64_t time)
{
    const float top = max_of(row + lo, hi - lo);
    int64_t j;
    const __m256 shift = _mm256_set1_ps(top);
    __m256 sum8 = _mm256_setzero_ps();
    for (j = lo; j + 8 <= hi; j += 8) {
        const __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(row + j), shift));
        _mm256_storeu_ps(row + j, e);
        sum8 = _mm256_add_ps(sum8, e);
    }
    float sum = hsum8(sum8);
    for (; j < hi; ++j)
        sum += (row[j] = std::exp(row[j] - top));
    const __m256 inverse = _mm256_set1_ps(1.0f / sum);
    for (j = lo; j + 8 <= hi; j += 8)
        _mm256_storeu_ps(row + j, _mm256_mul_ps(_mm256_loadu_ps(row + j), inverse));
    for (; j < hi; ++j)
        row[j] *= 1.0f / sum;
    std::fill(row, row + lo, 0.0f);
    std::fill(row + hi, row + time, 0.0f);
}

DORA_AVX2 void softmax_backward_row_avx2(const float* p, float* dp, int64_t time)
{
    __m256 dot8 = _mm256_setzero_ps();
    int64_t j = 0;
    for (; j + 8 <= time; j += 8)
        dot8 = _mm256_fmadd_ps(_mm256_loadu_ps(p + j), _mm256_loadu_ps(dp + j), dot8);
    float dot = hsum8(dot8);
    for (; j < time; ++j)
        dot += p[j] * dp[j];
    const __m256 dot_v = _mm256_set1_ps(dot);
    for (j = 0; j + 8 <= time; j += 8)
        _mm256_storeu_ps(dp + j, _mm256_mul_ps(_mm256_loadu_ps(p + j), _mm256_sub_ps(_mm256_loadu_ps(dp + j), dot_v)));
    for (; j < time; ++j)
        dp[j] = p[j] * (dp[j] - dot);
}
#endif

void softmax_row(float* row, int64_t lo, int64_t hi, int64_t time)
{
#ifdef DORA_HAS_AVX2_PATH
    if (cpu_has_avx2_fma())
        return softmax_row_avx2(row, lo, hi, time);
#endif
    softmax_row_scalar(row, lo, hi, time);
}
void softmax_row(double* row, int64_t lo, int64_t hi, int64_t time) { softmax_row_scalar(row, lo, hi, time); }

void softmax_backward_row(const float* p, float* dp, int64_t time)
{
#ifdef DORA_HAS_AVX2_PATH
    if (cpu_has_avx2_fma())
        return softmax_backward_row_avx2(p, dp, time);
#endif
    softmax_backward_row_scalar(p, dp, time);
}
void softmax_backward_row(const double* p, double* dp, int64_t time) { softmax_backward_row_scalar(p, dp, time); }

// ---- forward: per head, P = softmax(q kᵀ / √D, masked) kept, and out (B, T, H, D) = P v ---------

template <typename T>
void attention_forward(const T* q, HeadLayout lq, const T* k, HeadLayout lk, const T* v, HeadLayout lv, T* probs,
                       T* out, int64_t batch, int64_t heads, int64_t kv_heads, int64_t time, int64_t dim,
                       int64_t window)
{
    const int64_t group = heads / kv_heads;
    const T scale = static_cast<T>(1.0 / std::sqrt(static_cast<double>(dim)));
    at::parallel_for(0, batch * heads, heads_per_task(time, dim), [&](int64_t first, int64_t last) {
        for (int64_t bh = first; bh < last; ++bh) {
            const int64_t b = bh / heads, h = bh % heads, j = h / group;
            T* p = probs + bh * time * time;
            const T* q_bh = q + b * lq.batch + h * lq.head;
            const T* k_bj = k + b * lk.batch + j * lk.head;
            const T* v_bj = v + b * lv.batch + j * lv.head;
            T* out_bh = out + b * time * heads * dim + h * dim;
            for (int64_t i0 = 0; i0 < time; i0 += kQueryBlock) {
                const int64_t i1 = std::min(time, i0 + kQueryBlock), rows = i1 - i0;
                // Scores of rows i0..i1 against keys 0..i1; softmax_row zeroes the rest of each row.
                gemm(false, true, rows, i1, dim, scale, q_bh + i0 * lq.row, lq.row, k_bj, lk.row, T(0), p + i0 * time,
                     time);
                for (int64_t i = i0; i < i1; ++i)
                    softmax_row(p + i * time, first_visible(i, window), i + 1, time);
                gemm(false, false, rows, dim, i1, T(1), p + i0 * time, time, v_bj, lv.row, T(0),
                     out_bh + i0 * heads * dim, heads * dim);
            }
        }
    });
}

// ---- backward, per kv head so that the query heads sharing it add into its dk and dv in turn ------

template <typename T>
void attention_backward(const T* q, HeadLayout lq, const T* k, HeadLayout lk, const T* v, HeadLayout lv, const T* probs,
                        const T* d_out, T* dq, HeadLayout ldq, T* dk, HeadLayout ldk, T* dv, HeadLayout ldv,
                        int64_t batch, int64_t heads, int64_t kv_heads, int64_t time, int64_t dim)
{
    const int64_t group = heads / kv_heads, row = heads * dim;
    const T scale = static_cast<T>(1.0 / std::sqrt(static_cast<double>(dim)));
    const int64_t grain = std::max<int64_t>(1, heads_per_task(time, dim) / group);
    at::parallel_for(0, batch * kv_heads, grain, [&](int64_t first, int64_t last) {
        std::vector<T> scratch(static_cast<size_t>(time * time));  // dP, then dS, of one head
        T* ds = scratch.data();
        for (int64_t bj = first; bj < last; ++bj) {
            const int64_t b = bj / kv_heads, j = bj % kv_heads;
            const T* k_bj = k + b * lk.batch + j * lk.head;
            const T* v_bj = v + b * lv.batch + j * lv.head;
            T* dk_bj = dk + b * ldk.batch + j * ldk.head;
            T* dv_bj = dv + b * ldv.batch + j * ldv.head;
            for (int64_t h = j * group; h < (j + 1) * group; ++h) {
                const int64_t bh = b * heads + h;
                const T* p = probs + bh * time * time;
                const T* q_bh = q + b * lq.batch + h * lq.head;
                const T* do_bh = d_out + b * time * row + h * dim;
                T* dq_bh = dq + b * ldq.batch + h * ldq.head;
                // By query blocks, the last first: it reaches every key, so it sets all of dk and dv
                // (for the group's first head) and the earlier blocks add to their leading rows.
                const int64_t last_block = (time - 1) / kQueryBlock * kQueryBlock;
                for (int64_t i0 = last_block; i0 >= 0; i0 -= kQueryBlock) {
                    const int64_t i1 = std::min(time, i0 + kQueryBlock), rows = i1 - i0;
                    const T beta = h == j * group && i0 == last_block ? T(0) : T(1);
                    const T* p_b = p + i0 * time;
                    T* ds_b = ds + i0 * time;
                    const T* do_b = do_bh + i0 * row;
                    // dv += Pᵀ dO, then dP = dO vᵀ
                    gemm(true, false, i1, dim, rows, T(1), p_b, time, do_b, row, beta, dv_bj, ldv.row);
                    gemm(false, true, rows, i1, dim, T(1), do_b, row, v_bj, lv.row, T(0), ds_b, time);
                    for (int64_t i = i0; i < i1; ++i)  // dS; keys past i1 are not computed, and p is 0 beyond i
                        softmax_backward_row(p + i * time, ds + i * time, i1);
                    // dq = dS k / √D, dk += dSᵀ q / √D
                    gemm(false, false, rows, dim, i1, scale, ds_b, time, k_bj, lk.row, T(0), dq_bh + i0 * ldq.row,
                         ldq.row);
                    gemm(true, false, i1, dim, rows, scale, ds_b, time, q_bh + i0 * lq.row, lq.row, beta, dk_bj,
                         ldk.row);
                }
            }
        }
    });
}

// Rows contiguous, as the products need; views of a projection's output already are.
torch::Tensor rows_contiguous(const torch::Tensor& t) { return t.stride(3) == 1 ? t : t.contiguous(); }

// q, k, v (B, H or Hkv, T, D) with contiguous rows: out (B, T, H·D) and the kept probabilities.
std::pair<torch::Tensor, torch::Tensor> forward_heads(const torch::Tensor& q, const torch::Tensor& k,
                                                      const torch::Tensor& v, int64_t window)
{
    const int64_t batch = q.size(0), heads = q.size(1), time = q.size(2), dim = q.size(3), kv_heads = k.size(1);
    torch::Tensor probs = torch::empty({batch, heads, time, time}, q.options());
    torch::Tensor out = torch::empty({batch, time, heads * dim}, q.options());
    AT_DISPATCH_FLOATING_TYPES(q.scalar_type(), "causal_attention", [&] {
        attention_forward(q.data_ptr<scalar_t>(), layout_of(q), k.data_ptr<scalar_t>(), layout_of(k),
                          v.data_ptr<scalar_t>(), layout_of(v), probs.data_ptr<scalar_t>(), out.data_ptr<scalar_t>(),
                          batch, heads, kv_heads, time, dim, window);
    });
    return {out, probs};
}

// Gradients written into dq, dk, dv: (B, heads, T, D) views with contiguous rows, of any layout.
void backward_heads(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, const torch::Tensor& probs,
                    const torch::Tensor& d_out, const torch::Tensor& dq, const torch::Tensor& dk, const torch::Tensor& dv)
{
    const int64_t batch = q.size(0), heads = q.size(1), time = q.size(2), dim = q.size(3), kv_heads = k.size(1);
    AT_DISPATCH_FLOATING_TYPES(q.scalar_type(), "causal_attention_backward", [&] {
        attention_backward<scalar_t>(q.data_ptr<scalar_t>(), layout_of(q), k.data_ptr<scalar_t>(), layout_of(k),
                                     v.data_ptr<scalar_t>(), layout_of(v), probs.data_ptr<scalar_t>(),
                                     d_out.data_ptr<scalar_t>(), dq.data_ptr<scalar_t>(), layout_of(dq),
                                     dk.data_ptr<scalar_t>(), layout_of(dk), dv.data_ptr<scalar_t>(), layout_of(dv),
                                     batch, heads, kv_heads, time, dim);
    });
}

// (B, T, n·D) as (B, n, T, D) heads: a view.
torch::Tensor as_heads(const torch::Tensor& t, int64_t n, int64_t dim)
{
    return t.view({t.size(0), t.size(1), n, dim}).transpose(1, 2);
}

// q, k and v cut from one (B, T, (H + 2·Hkv)·D) projection: views.
std::array<torch::Tensor, 3> split_heads(const torch::Tensor& qkv, int64_t heads, int64_t kv_heads)
{
    const int64_t dim = qkv.size(2) / (heads + 2 * kv_heads);
    return {as_heads(qkv.narrow(2, 0, heads * dim), heads, dim),
            as_heads(qkv.narrow(2, heads * dim, kv_heads * dim), kv_heads, dim),
            as_heads(qkv.narrow(2, (heads + kv_heads) * dim, kv_heads * dim), kv_heads, dim)};
}

struct CausalAttentionFunction : public torch::autograd::Function<CausalAttentionFunction> {
    static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& q_in, const torch::Tensor& k_in,
                                 const torch::Tensor& v_in, int64_t window)
    {
        const torch::Tensor q = rows_contiguous(q_in), k = rows_contiguous(k_in), v = rows_contiguous(v_in);
        auto [out, probs] = forward_heads(q, k, v, window);
        ctx->save_for_backward({q, k, v, probs});
        return out;
    }

    static variable_list backward(AutogradContext* ctx, variable_list grad_outputs)
    {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor &q = saved[0], &k = saved[1], &v = saved[2], &probs = saved[3];
        const int64_t heads = q.size(1), dim = q.size(3), kv_heads = k.size(1);
        // Gradients laid out (B, T, heads, D), handed back as (B, heads, T, D) views: the layout of
        // the projection outputs q, k and v are views of, so their backward copies nothing.
        const auto options = q.options();
        const torch::Tensor dq = as_heads(torch::empty({q.size(0), q.size(2), heads * dim}, options), heads, dim);
        const torch::Tensor dk = as_heads(torch::empty({q.size(0), q.size(2), kv_heads * dim}, options), kv_heads, dim);
        const torch::Tensor dv = as_heads(torch::empty({q.size(0), q.size(2), kv_heads * dim}, options), kv_heads, dim);
        backward_heads(q, k, v, probs, grad_outputs[0].contiguous(), dq, dk, dv);
        return {dq, dk, dv, torch::Tensor()};
    }
};

// The same on one projection's output: its gradient comes out in one buffer, where three separate
// ones would be joined by the split's backward, a copy of the whole projection gradient.
struct PackedAttentionFunction : public torch::autograd::Function<PackedAttentionFunction> {
    static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& qkv, int64_t heads, int64_t kv_heads,
                                 int64_t window)
    {
        const auto [q, k, v] = split_heads(qkv, heads, kv_heads);
        auto [out, probs] = forward_heads(q, k, v, window);
        ctx->save_for_backward({qkv, probs});
        ctx->saved_data["heads"] = heads;
        ctx->saved_data["kv_heads"] = kv_heads;
        return out;
    }

    static variable_list backward(AutogradContext* ctx, variable_list grad_outputs)
    {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor &qkv = saved[0], &probs = saved[1];
        const int64_t heads = ctx->saved_data["heads"].toInt(), kv_heads = ctx->saved_data["kv_heads"].toInt();
        const auto [q, k, v] = split_heads(qkv, heads, kv_heads);
        const torch::Tensor d_qkv = torch::empty_like(qkv, torch::MemoryFormat::Contiguous);
        const auto [dq, dk, dv] = split_heads(d_qkv, heads, kv_heads);
        backward_heads(q, k, v, probs, grad_outputs[0].contiguous(), dq, dk, dv);
        return {d_qkv, torch::Tensor(), torch::Tensor(), torch::Tensor()};
    }
};

bool fused_attention_applies(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v)
{
    const auto type = q.scalar_type();
    if (!(type == torch::kFloat32 || type == torch::kFloat64) || k.scalar_type() != type || v.scalar_type() != type)
        return false;
    if (!q.device().is_cpu() || !k.device().is_cpu() || !v.device().is_cpu())
        return false;
    if (q.dim() != 4 || k.dim() != 4 || v.dim() != 4 || k.sizes() != v.sizes() || q.size(0) != k.size(0) ||
        q.size(2) != k.size(2) || q.size(3) != k.size(3) || k.size(1) < 1 || q.size(1) % k.size(1) != 0)
        return false;
    return q.size(2) > 0 && q.size(3) > 0;
}

}  // namespace

torch::Tensor causal_attention_composite(const torch::Tensor& q, const torch::Tensor& k_in, const torch::Tensor& v_in,
                                         int64_t window)
{
    const int64_t batch = q.size(0), heads = q.size(1), time = q.size(2), dim = q.size(3);
    torch::Tensor k = k_in, v = v_in;
    if (k.size(1) != heads) {  // grouped-query attention: kv head j serves query heads j*g .. j*g+g-1
        k = k.repeat_interleave(heads / k.size(1), 1);
        v = v.repeat_interleave(heads / v.size(1), 1);
    }
    torch::Tensor scores = torch::matmul(q, k.transpose(-2, -1)) / std::sqrt(static_cast<double>(dim));
    const auto index = torch::TensorOptions().dtype(torch::kLong).device(q.device());
    const torch::Tensor i = torch::arange(time, index).unsqueeze(1), j = torch::arange(time, index).unsqueeze(0);
    torch::Tensor hidden = j > i;  // the future
    if (window > 0)
        hidden = hidden | (i - j >= window);
    scores = scores.masked_fill(hidden, -std::numeric_limits<double>::infinity()).softmax(-1);
    return torch::matmul(scores, v).transpose(1, 2).reshape({batch, time, heads * dim});
}

torch::Tensor causal_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, int64_t window)
{
    if (!fused_attention_applies(q, k, v))
        return causal_attention_composite(q, k, v, window);
    return CausalAttentionFunction::apply(q, k, v, window);
}

torch::Tensor causal_attention_packed(const torch::Tensor& qkv, int64_t heads, int64_t kv_heads, int64_t window)
{
    TORCH_CHECK(qkv.dim() == 3 && heads > 0 && kv_heads > 0 && qkv.size(2) % (heads + 2 * kv_heads) == 0,
                "causal_attention_packed: qkv must be (B, T, (heads + 2·kv_heads)·D)");
    const auto [q, k, v] = split_heads(qkv, heads, kv_heads);
    if (!fused_attention_applies(q, k, v) || qkv.stride(2) != 1)
        return causal_attention_composite(q, k, v, window);
    return PackedAttentionFunction::apply(qkv, heads, kv_heads, window);
}

}  // namespace dora::ops
