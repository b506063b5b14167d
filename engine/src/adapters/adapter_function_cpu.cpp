// adapter_forward_fused (adapter_forward.h): LoRA and DoRA on the CPU as one autograd Function.
//
// Forward: down = s·x Aᵀ (a rank-r kernel), y = down·Bᵀ (+ b for LoRA) written by the epilogue
// kernel, then y += x W0ᵀ (BLAS), and for DoRA one more pass that scales by g and adds b. With the
// detached norm (DoRA's default) g = m / ‖W0 + s·B·A‖ is computed here too, in one pass over W0,
// unless the layer holds the norm for the training step.
// Backward: for DoRA one pass over dy and the kept y gives dz = g ⊙ dy (inside a training step's
// OutputReuseScope written over y, read there for the last time), s·dz·B and dg = Σ dy ⊙ z,
// z = (y − b) / g; then dx = (s·dz B) A + dz W0, the first term written by the epilogue kernel,
// dA = (s·dz B)ᵀ x and dB = dzᵀ down. LoRA is the same with g = 1 and no
// pass over y. Built from tensor operations the same layer allocates and reads several more
// (tokens, out) and (tokens, in) temporaries, and dispatches four times as many operations.
#include "adapters/adapter_forward.h"

#include "adapters/adapter_kernels_cpu.h"
#include "adapters/dora_math.h"
#include "adapters/output_reuse.h"

#include <ATen/Dispatch.h>

#include <vector>

namespace dora::adapters {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Indices of the zero entries of g, whose z cannot be recovered from y (a zero row of W0 has m = 0).
torch::Tensor zero_entries(const torch::Tensor& g)
{
    std::vector<int64_t> zeros;
    AT_DISPATCH_FLOATING_TYPES(g.scalar_type(), "zero_entries", [&] {
        const scalar_t* p = g.data_ptr<scalar_t>();
        for (int64_t i = 0; i < g.numel(); ++i)
            if (p[i] == scalar_t(0))
                zeros.push_back(i);
    });
    return torch::tensor(zeros, torch::kLong);
}

// dg = Σ dy ⊙ z per output, from Σ dy ⊙ y and Σ dy: (Σ dy ⊙ y − b ⊙ Σ dy) / g; rows with g = 0 are
// filled in by the caller.
torch::Tensor gain_gradient(const ScaleBackwardSums& sums, const torch::Tensor& g, const torch::Tensor& bias)
{
    torch::Tensor dg = torch::empty_like(g);
    const double* kept = sums.dy_kept.data_ptr<double>();
    const double* total = sums.dy_total.data_ptr<double>();
    AT_DISPATCH_FLOATING_TYPES(g.scalar_type(), "gain_gradient", [&] {
        const scalar_t* gp = g.data_ptr<scalar_t>();
        const scalar_t* bp = bias.numel() > 0 ? bias.data_ptr<scalar_t>() : nullptr;
        scalar_t* out = dg.data_ptr<scalar_t>();
        for (int64_t o = 0; o < g.numel(); ++o)
            out[o] = gp[o] == scalar_t(0) ? scalar_t(0)
                                          : static_cast<scalar_t>((kept[o] - (bp ? bp[o] * total[o] : 0.0)) / gp[o]);
    });
    return dg;
}

struct AdapterFunction : public torch::autograd::Function<AdapterFunction> {
    // Absent tensors come as empty ones: LibTorch 1.13's apply() rejects undefined tensors.
    static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& lora_A,
                                 const torch::Tensor& lora_B, const torch::Tensor& gain, const torch::Tensor& magnitude,
                                 const torch::Tensor& weight, const torch::Tensor& bias, const torch::Tensor& w0_sq,
                                 const torch::Tensor& held_norm, double scale)
    {
        const int64_t in = weight.size(1), out = weight.size(0);
        const bool from_magnitude = magnitude.numel() > 0, dora = from_magnitude || gain.numel() > 0;
        torch::Tensor norm, g;
        if (from_magnitude) {
            norm = held_norm.numel() > 0 ? held_norm
                                         : dora_row_norm_cpu(weight, w0_sq, lora_A, lora_B, scale, kMinRowNorm);
            g = magnitude / norm;
        } else if (dora) {
            g = gain.contiguous();
        }

        const torch::Tensor x_rows = x.reshape({-1, in}).contiguous();
        std::vector<int64_t> shape = x.sizes().vec();
        shape.back() = out;
        torch::Tensor y = torch::empty(shape, x.options());
        torch::Tensor y_rows = y.view({-1, out});
        const torch::Tensor down = rank_project(x_rows, lora_A, scale);
        const torch::Tensor up_t = lora_B.t().contiguous();
        // The adapter's term first, then BLAS adds the base product to it (β = 1, so BLAS skips its
        // pass zeroing y); DoRA's gain and bias then take one more pass.
        adapter_prefill_(y_rows, down, up_t, dora ? torch::Tensor() : bias);
        at::addmm_out(y_rows, y_rows, x_rows, weight.t());
        if (dora)
            adapter_gain_(y_rows, g, bias);

        ctx->saved_data["scale"] = scale;
        ctx->saved_data["dora"] = dora;
        ctx->saved_data["from_magnitude"] = from_magnitude;
        ctx->saved_data["x_sizes"] = x.sizes().vec();
        // y only when dg is wanted: without it DoRA keeps what LoRA keeps.
        const bool keep_y = dora && (from_magnitude ? magnitude.requires_grad() : gain.requires_grad());
        ctx->saved_data["dz_over_y"] = keep_y && OutputReuseScope::allowed();
        ctx->save_for_backward({x_rows, down, lora_A, up_t, dora ? g : torch::Tensor(), weight, bias,
                                keep_y ? y : torch::Tensor(), norm, keep_y ? zero_entries(g) : torch::Tensor()});
        return y;
    }

    static variable_list backward(AutogradContext* ctx, variable_list grad_outputs)
    {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor &x_rows = saved[0], &down = saved[1], &lora_A = saved[2], &up_t = saved[3];
        const torch::Tensor &g = saved[4], &weight = saved[5], &bias = saved[6], &y = saved[7], &norm = saved[8];
        const torch::Tensor& zero_rows = saved[9];
        const double scale = ctx->saved_data["scale"].toDouble();
        const bool dora = ctx->saved_data["dora"].toBool();
        const bool from_magnitude = ctx->saved_data["from_magnitude"].toBool();
        const int64_t out = weight.size(0);
        const torch::Tensor dy_rows = grad_outputs[0].reshape({-1, out}).contiguous();

        torch::Tensor dz = dy_rows, d_down, dg;
        if (dora && y.defined() && (ctx->needs_input_grad(3) || ctx->needs_input_grad(4))) {
            const torch::Tensor y_rows = y.view({-1, out});
            const bool dz_over_y = ctx->saved_data["dz_over_y"].toBool();
            ScaleBackwardSums sums = scale_backward_cpu(dy_rows, y_rows, g, true, up_t, scale, dz_over_y);
            if (dz_over_y)  // a second backward through this graph now fails loudly instead of reading dz as y
                torch::autograd::impl::bump_version(y);
            dz = sums.dz;
            d_down = sums.d_down;
            dg = gain_gradient(sums, g, bias);
            if (zero_rows.numel() > 0) {  // z of those columns, recomputed: x W0ᵀ + down Bᵀ
                const torch::Tensor z = torch::mm(x_rows, weight.index_select(0, zero_rows).t()) +
                                        torch::mm(down, up_t.index_select(1, zero_rows));
                dg.index_copy_(0, zero_rows, (dy_rows.index_select(1, zero_rows) * z).sum(0));
            }
        } else {
            if (dora)
                dz = dy_rows * g;
            d_down = rank_project(dz, up_t, scale);  // s·dz·B, (tokens, r)
        }
        torch::Tensor dx, dA, dB;
        if (ctx->needs_input_grad(0)) {
            // (s·dz·B)·A by the epilogue kernel (BLAS runs this rank-r product, K = r, at a fraction of
            // its speed), then dz W0 added to it by BLAS with β = 1, as in the forward pass.
            dx = torch::empty({dz.size(0), weight.size(1)}, dz.options());
            adapter_prefill_(dx, d_down, lora_A.contiguous(), torch::Tensor());
            at::addmm_out(dx, dx, dz, weight);
            dx = dx.view(ctx->saved_data["x_sizes"].toIntVector());
        }
        if (ctx->needs_input_grad(1))
            dA = torch::mm(d_down.t(), x_rows);
        if (ctx->needs_input_grad(2))
            dB = torch::mm(dz.t(), down);
        torch::Tensor d_gain, d_magnitude;
        if (dg.defined())
            (from_magnitude ? d_magnitude : d_gain) = from_magnitude ? dg / norm : dg;
        const torch::Tensor none;  // weight, bias, ‖W0‖², the held norm and the scale take no gradient
        return {dx, dA, dB, d_gain, d_magnitude, none, none, none, none, none};
    }
};

}  // namespace

torch::Tensor adapter_forward_fused(const AdapterOperands& o)
{
    const torch::Tensor empty = torch::empty({0}, o.weight.options());
    auto or_empty = [&](const torch::Tensor& t) { return t.defined() ? t : empty; };
    return AdapterFunction::apply(o.x, o.lora_A, o.lora_B, or_empty(o.gain), or_empty(o.magnitude), o.weight,
                                  or_empty(o.bias), or_empty(o.w0_sq), or_empty(o.norm), o.scale);
}

}  // namespace dora::adapters
