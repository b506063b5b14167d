#include "ops/causal_attention.h"

#include "ops/blas.h"

#include <ATen/Parallel.h>

#include <cmath>
#include <limits>

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

template <typename T>
void scores_and_mask(const T* q, HeadLayout lq, const T* k, HeadLayout lk, T* scores, int64_t batch, int64_t heads,
                     int64_t group, int64_t time, int64_t dim, int64_t window, T scale)
{
    at::parallel_for(0, batch * heads, 1, [&](int64_t first, int64_t last) {
        for (int64_t bh = first; bh < last; ++bh) {
            const int64_t b = bh / heads, h = bh % heads;
            T* s = scores + bh * time * time;
            gemm(false, true, time, time, dim, scale, q + b * lq.batch + h * lq.head, lq.row,
                 k + b * lk.batch + (h / group) * lk.head, lk.row, T(0), s, time);
            for (int64_t i = 0; i < time; ++i) {
                T* row = s + i * time;
                std::fill(row, row + first_visible(i, window), -std::numeric_limits<T>::infinity());
                std::fill(row + i + 1, row + time, -std::numeric_limits<T>::infinity());
            }
        }
    });
}

// out (B, T, H, D) = P v per head.
template <typename T>
void mix_values(const T* p, const T* v, HeadLayout lv, T* out, int64_t batch, int64_t heads, int64_t group,
                int64_t time, int64_t dim)
{
    at::parallel_for(0, batch * heads, 1, [&](int64_t first, int64_t last) {
        for (int64_t bh = first; bh < last; ++bh) {
            const int64_t b = bh / heads, h = bh % heads;
            gemm(false, false, time, dim, time, T(1), p + bh * time * time, time, v + b * lv.batch + (h / group) * lv.head,
                 lv.row, T(0), out + b * time * heads * dim + h * dim, heads * dim);
        }
    });
}

template <typename T>
void attention_backward(const T* q, HeadLayout lq, const T* k, HeadLayout lk, const T* v, HeadLayout lv, const T* p,
                        const T* d_out, T* dq, T* dk, T* dv, const torch::Tensor& d_probs_tensor,
                        const torch::Tensor& probs, int64_t batch, int64_t heads, int64_t kv_heads, int64_t time,
                        int64_t dim, T scale)
{
    const int64_t group = heads / kv_heads, row = heads * dim, kv_row = kv_heads * dim;
    // dP = dO vᵀ per head.
    T* d_probs = d_probs_tensor.data_ptr<T>();
    at::parallel_for(0, batch * heads, 1, [&](int64_t first, int64_t last) {
        for (int64_t bh = first; bh < last; ++bh) {
            const int64_t b = bh / heads, h = bh % heads;
            gemm(false, true, time, time, dim, T(1), d_out + b * time * row + h * dim, row,
                 v + b * lv.batch + (h / group) * lv.head, lv.row, T(0), d_probs + bh * time * time, time);
        }
    });
    // dS = P ⊙ (dP − Σ_j dP ⊙ P), by ATen's vectorised softmax backward; masked entries have P = 0.
    const torch::Tensor d_scores_tensor = torch::_softmax_backward_data(d_probs_tensor, probs, -1, probs.scalar_type());
    const T* ds = d_scores_tensor.data_ptr<T>();
    // Per kv head, so that the heads sharing it add into its dk and dv one after another.
    at::parallel_for(0, batch * kv_heads, 1, [&](int64_t first, int64_t last) {
        for (int64_t bj = first; bj < last; ++bj) {
            const int64_t b = bj / kv_heads, j = bj % kv_heads;
            T* dk_bj = dk + b * time * kv_row + j * dim;
            T* dv_bj = dv + b * time * kv_row + j * dim;
            const T* k_bj = k + b * lk.batch + j * lk.head;
            for (int64_t h = j * group; h < (j + 1) * group; ++h) {
                const int64_t bh = b * heads + h;
                const T beta = h == j * group ? T(0) : T(1);
                const T* q_bh = q + b * lq.batch + h * lq.head;
                gemm(true, false, time, dim, time, T(1), p + bh * time * time, time, d_out + b * time * row + h * dim,
                     row, beta, dv_bj, kv_row);
                gemm(false, false, time, dim, time, scale, ds + bh * time * time, time, k_bj, lk.row, T(0),
                     dq + b * time * row + h * dim, row);
                gemm(true, false, time, dim, time, scale, ds + bh * time * time, time, q_bh, lq.row, beta, dk_bj,
                     kv_row);
            }
        }
    });
}

// Rows contiguous, as the products need; views of a projection's output already are.
torch::Tensor rows_contiguous(const torch::Tensor& t) { return t.stride(3) == 1 ? t : t.contiguous(); }

struct CausalAttentionFunction : public torch::autograd::Function<CausalAttentionFunction> {
    static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& q_in, const torch::Tensor& k_in,
                                 const torch::Tensor& v_in, int64_t window)
    {
        const torch::Tensor q = rows_contiguous(q_in), k = rows_contiguous(k_in), v = rows_contiguous(v_in);
        const int64_t batch = q.size(0), heads = q.size(1), time = q.size(2), dim = q.size(3), kv_heads = k.size(1);
        torch::Tensor scores = torch::empty({batch, heads, time, time}, q.options());
        torch::Tensor out = torch::empty({batch, time, heads * dim}, q.options());
        AT_DISPATCH_FLOATING_TYPES(q.scalar_type(), "causal_attention", [&] {
            const scalar_t scale = static_cast<scalar_t>(1.0 / std::sqrt(static_cast<double>(dim)));
            scores_and_mask(q.data_ptr<scalar_t>(), layout_of(q), k.data_ptr<scalar_t>(), layout_of(k),
                            scores.data_ptr<scalar_t>(), batch, heads, heads / kv_heads, time, dim, window, scale);
        });
        const torch::Tensor probs = torch::_softmax(scores, -1, false);
        scores = torch::Tensor();
        AT_DISPATCH_FLOATING_TYPES(q.scalar_type(), "causal_attention", [&] {
            mix_values(probs.data_ptr<scalar_t>(), v.data_ptr<scalar_t>(), layout_of(v), out.data_ptr<scalar_t>(), batch,
                       heads, heads / kv_heads, time, dim);
        });
        ctx->save_for_backward({q, k, v, probs});
        return out;
    }

    static variable_list backward(AutogradContext* ctx, variable_list grad_outputs)
    {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor &q = saved[0], &k = saved[1], &v = saved[2], &probs = saved[3];
        const torch::Tensor d_out = grad_outputs[0].contiguous();
        const int64_t batch = q.size(0), heads = q.size(1), time = q.size(2), dim = q.size(3), kv_heads = k.size(1);
        const torch::Tensor d_probs = torch::empty_like(probs);
        // Gradients laid out (B, T, heads, D), handed back as (B, heads, T, D) views: the layout of
        // the projection outputs q, k and v are views of, so their backward copies nothing.
        const torch::Tensor dq = torch::empty({batch, time, heads, dim}, q.options());
        const torch::Tensor dk = torch::empty({batch, time, kv_heads, dim}, q.options());
        const torch::Tensor dv = torch::empty({batch, time, kv_heads, dim}, q.options());
        AT_DISPATCH_FLOATING_TYPES(q.scalar_type(), "causal_attention_backward", [&] {
            const scalar_t scale = static_cast<scalar_t>(1.0 / std::sqrt(static_cast<double>(dim)));
            attention_backward<scalar_t>(q.data_ptr<scalar_t>(), layout_of(q), k.data_ptr<scalar_t>(), layout_of(k),
                                         v.data_ptr<scalar_t>(), layout_of(v), probs.data_ptr<scalar_t>(),
                                         d_out.data_ptr<scalar_t>(), dq.data_ptr<scalar_t>(),
                                         dk.data_ptr<scalar_t>(), dv.data_ptr<scalar_t>(), d_probs, probs, batch, heads,
                                         kv_heads, time, dim, scale);
        });
        return {dq.transpose(1, 2), dk.transpose(1, 2), dv.transpose(1, 2), torch::Tensor()};
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

}  // namespace dora::ops
