// DoRA's factorised row norm, the fused output scale as a custom autograd Function, and the
// magnitude/direction statistics.
#include "adapters/dora_math.h"

namespace dora::adapters {
namespace {

// A custom Function rather than `b + g * z` built from autograd ops: the composite would be fine for
// memory too, but this keeps the contract explicit (one saved activation, z) and lets backward skip
// gradients nobody asked for (the frozen bias, a frozen magnitude).
struct DoraScaleFunction : public torch::autograd::Function<DoraScaleFunction> {
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& z,
                                 const torch::Tensor& g, const torch::Tensor& bias)
    {
        ctx->save_for_backward({z, g});
        ctx->saved_data["has_bias"] = bias.defined();
        return bias.defined() ? torch::addcmul(bias, z, g) : z * g;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grad_outputs)
    {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor& z = saved[0];
        const torch::Tensor& g = saved[1];
        const torch::Tensor dy = grad_outputs[0];
        const int64_t out = z.size(-1);

        torch::Tensor dz, dg, db;
        if (ctx->needs_input_grad(0))
            dz = dy * g;
        if (ctx->needs_input_grad(1))
            dg = (dy * z).reshape({-1, out}).sum(0);
        if (ctx->saved_data["has_bias"].toBool() && ctx->needs_input_grad(2))
            db = dy.reshape({-1, out}).sum(0);
        return {dz, dg, db};
    }
};

}  // namespace

torch::Tensor dora_row_norm(const torch::Tensor& w0, const torch::Tensor& w0_sq, const torch::Tensor& lora_a,
                            const torch::Tensor& lora_b, double scale)
{
    const torch::Tensor w0_at = torch::mm(w0, lora_a.t());                   // (out, r)
    const torch::Tensor cross = (w0_at * lora_b).sum(1);                     // (out,)
    const torch::Tensor b_aat = torch::mm(lora_b, torch::mm(lora_a, lora_a.t()));  // (out, r)
    const torch::Tensor square = (b_aat * lora_b).sum(1);                    // (out,) = ‖s·B·A‖² / s²
    const torch::Tensor n_sq = w0_sq + (2.0 * scale) * cross + (scale * scale) * square;
    // Rounding can push a true zero slightly negative; clamping before the root keeps both the value
    // and the root's gradient finite.
    return torch::sqrt(torch::clamp_min(n_sq, kMinRowNorm * kMinRowNorm));
}

torch::Tensor dora_scale(const torch::Tensor& z, const torch::Tensor& g, const torch::Tensor& bias)
{
    return DoraScaleFunction::apply(z, g, bias);
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

}  // namespace dora::adapters
