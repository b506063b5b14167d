// DoRA's factorised row norm, the fused output scale as a custom autograd Function, and the
// magnitude/direction statistics.
#include "adapters/dora_math.h"

#include "adapters/adapter_kernels_cpu.h"

namespace dora::adapters {
namespace {

// A custom Function rather than `b + g * z` built from autograd ops, for memory: the composite keeps
// z for dg; this keeps the output y instead (written over z) and recovers z = (y − b) / g in backward. The layer's
// consumer usually keeps y anyway (attention's q/k/v products hold views of c_attn's output, GELU holds
// c_fc's), so there DoRA keeps no activation that LoRA does not. A row with g == 0 cannot be
// recovered (its m is 0: a zero row of W0); then z itself is kept, as before. The check is a host
// read of a flag, free on the CPU; on a GPU it would stall the stream once per layer, so there z is
// always kept. Backward runs as one fused loop on the CPU (adapter_kernels_cpu.h) and skips the gradients
// nobody asked for (the frozen bias, a frozen magnitude).
struct DoraScaleFunction : public torch::autograd::Function<DoraScaleFunction> {
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& z,
                                 const torch::Tensor& g, const torch::Tensor& bias)
    {
        const bool keep_output = !z.is_cuda() && (g != 0).all().item<bool>();
        ctx->saved_data["kept_output"] = keep_output;
        if (!keep_output) {
            ctx->save_for_backward({z, g, bias});
            return bias.numel() > 0 ? torch::addcmul(bias, z, g) : z * g;
        }
        // z is the layer's fresh sum, held by no one else: scaled in place, one pass and no new buffer.
        torch::Tensor y = z;
        if (bias.numel() > 0)
            torch::addcmul_out(y, bias, z, g);
        else
            y.mul_(g);
        ctx->mark_dirty({y});
        ctx->save_for_backward({y, g, bias});
        return y;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grad_outputs)
    {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor& kept = saved[0];  // y or z
        const torch::Tensor& g = saved[1];
        const torch::Tensor& bias = saved[2];  // empty when the layer has none
        const torch::Tensor dy = grad_outputs[0];
        const int64_t out = kept.size(-1);

        const bool want_dz = ctx->needs_input_grad(0), want_dg = ctx->needs_input_grad(1);
        const bool has_bias = bias.numel() > 0;
        const bool want_db = has_bias && ctx->needs_input_grad(2);
        const bool kept_output = ctx->saved_data["kept_output"].toBool();

        torch::Tensor dz, dg, db, dy_kept;  // dy_kept: Σ dy ⊙ y, or Σ dy ⊙ z
        if (adapter_kernels_support({dy, kept, g}) && g.dim() == 1 && dy.sizes() == kept.sizes()) {
            ScaleBackwardSums sums = scale_backward_cpu(dy, kept, g, want_dz);
            dz = sums.dz;
            db = sums.dy_total.to(g.scalar_type());
            dy_kept = sums.dy_kept.to(g.scalar_type());
        } else {
            const torch::Tensor dy_rows = dy.reshape({-1, out});
            if (want_dz)
                dz = dy * g;
            db = dy_rows.sum(0);
            if (want_dg)
                dy_kept = (dy_rows * kept.reshape({-1, out})).sum(0);
        }
        if (want_dg) {
            dg = dy_kept;
            if (kept_output) {  // Σ dy ⊙ z = (Σ dy ⊙ y − b ⊙ Σ dy) / g
                if (has_bias)
                    dg = dg - bias * db;
                dg = dg / g;
            }
        }
        return {dz, dg, want_db ? db : torch::Tensor()};
    }
};

// The two adapter terms of ‖W0_i + s·B_i·A‖² = ‖W0_i‖² + 2s·cross_i + s²·square_i, from W0·Aᵀ:
// cross_i = B_i·(W0·Aᵀ)_i and square_i = B_i·(A·Aᵀ)·B_iᵀ = ‖B_i·A‖², both (out,).
struct RowNormTerms {
    torch::Tensor cross, square;
};
RowNormTerms row_norm_terms(const torch::Tensor& w0_at, const torch::Tensor& lora_a, const torch::Tensor& lora_b)
{
    const torch::Tensor b_aat = torch::mm(lora_b, torch::mm(lora_a, lora_a.t()));  // (out, r)
    return {(w0_at * lora_b).sum(1), (b_aat * lora_b).sum(1)};
}

}  // namespace

torch::Tensor dora_row_norm(const torch::Tensor& w0, const torch::Tensor& w0_sq, const torch::Tensor& lora_a,
                            const torch::Tensor& lora_b, double scale)
{
    // Without autograd (the detached norm) on the CPU, in one kernel: it reads all of W0 once.
    if (!torch::GradMode::is_enabled() && adapter_kernels_support({w0, w0_sq, lora_a, lora_b}))
        return dora_row_norm_cpu(w0, w0_sq, lora_a, lora_b, scale, kMinRowNorm);
    const RowNormTerms terms = row_norm_terms(torch::mm(w0, lora_a.t()), lora_a, lora_b);
    const torch::Tensor n_sq = w0_sq + (2.0 * scale) * terms.cross + (scale * scale) * terms.square;
    // Rounding can push a true zero slightly negative; clamping before the root keeps both the value
    // and the root's gradient finite.
    return torch::sqrt(torch::clamp_min(n_sq, kMinRowNorm * kMinRowNorm));
}

torch::Tensor dora_scale_(torch::Tensor& z, const torch::Tensor& g, const torch::Tensor& bias)
{
    // LibTorch 1.13's Function::apply cannot take an undefined tensor ("tensor does not have a
    // device"), so a layer without bias passes an empty one.
    return DoraScaleFunction::apply(z, g, bias.defined() ? bias : torch::empty({0}, z.options()));
}

MagnitudeDirectionChange magnitude_direction_change(const torch::Tensor& current, const torch::Tensor& base)
{
    torch::NoGradGuard no_grad;
    const torch::Tensor w = current.to(torch::kFloat64);
    const torch::Tensor w0 = base.to(torch::kFloat64);
    const torch::Tensor norm = w.norm(2, 1);
    const torch::Tensor norm0 = w0.norm(2, 1);

    MagnitudeDirectionChange change;
    change.delta_magnitude = (norm - norm0).abs().mean().item<double>();
    const torch::Tensor has_direction = (norm > kMinRowNorm) & (norm0 > kMinRowNorm);
    const int64_t rows = has_direction.sum().item<int64_t>();
    if (rows > 0) {
        const torch::Tensor cosine = (w * w0).sum(1) / (norm * norm0).clamp_min(kMinRowNorm * kMinRowNorm);
        change.delta_direction = (1.0 - cosine).masked_select(has_direction).sum().item<double>() / rows;
    }
    return change;
}

MagnitudeDirectionChange magnitude_direction_change_factored(const torch::Tensor& w0_sq, const torch::Tensor& w0_at,
                                                             const torch::Tensor& lora_a, const torch::Tensor& lora_b,
                                                             double scale, const torch::Tensor& magnitude)
{
    torch::NoGradGuard no_grad;
    const auto as_double = [](const torch::Tensor& t) { return t.detach().to(torch::kCPU, torch::kFloat64); };
    const RowNormTerms terms = row_norm_terms(as_double(w0_at), as_double(lora_a), as_double(lora_b));
    const torch::Tensor a_sq = as_double(w0_sq);               // ‖W0_i‖²
    const torch::Tensor cross = scale * terms.cross;           // W0_i·d
    const torch::Tensor d_sq = (scale * scale) * terms.square;  // ‖d‖²
    const torch::Tensor a_norm = a_sq.sqrt();
    const torch::Tensor n = (a_sq + 2.0 * cross + d_sq).clamp_min(0.0).sqrt();           // ‖W0_i + d‖
    const torch::Tensor an = a_norm * n;
    // 1 − cos(W0_i + d, W0_i), stable; where the two point almost opposite ways the denominator's
    // last factor vanishes and the plain form is exact enough.
    const torch::Tensor sum = an + a_sq + cross;
    const torch::Tensor stable = (a_sq * d_sq - cross * cross).clamp_min(0.0) / (an * sum).clamp_min(1e-300);
    torch::Tensor one_minus_cos = torch::where(sum > 1e-3 * an, stable, 1.0 - (a_sq + cross) / an.clamp_min(1e-300));
    torch::Tensor norm, magnitude_change;
    if (magnitude.defined()) {  // W_i = m_i · direction of W0_i + d: ‖W_i‖ = |m_i|, and m_i < 0 flips it
        const torch::Tensor m = as_double(magnitude);
        // The layer scales by m / max(n, floor): a row below the floor keeps its shrunken norm.
        norm = m.abs() * n / n.clamp_min(kMinRowNorm);
        magnitude_change = (norm - a_norm).abs();
        one_minus_cos = torch::where(m < 0, 2.0 - one_minus_cos, one_minus_cos);
    } else {  // |n − ‖W0_i‖| = |2 W0_i·d + ‖d‖²| / (n + ‖W0_i‖), without cancellation
        norm = n;
        magnitude_change = (2.0 * cross + d_sq).abs() / (n + a_norm).clamp_min(1e-300);
    }
    MagnitudeDirectionChange change;
    change.delta_magnitude = magnitude_change.mean().item<double>();
    const torch::Tensor has_direction = (norm > kMinRowNorm) & (a_norm > kMinRowNorm);
    const int64_t rows = has_direction.sum().item<int64_t>();
    if (rows > 0)
        change.delta_direction = one_minus_cos.masked_select(has_direction).sum().item<double>() / rows;
    return change;
}

}  // namespace dora::adapters
