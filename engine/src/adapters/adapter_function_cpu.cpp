// adapter_forward_fused (adapter_forward.h): LoRA and DoRA on the CPU as one autograd Function.
//
// Forward: y = x W0ᵀ (BLAS), down = s·x Aᵀ (a rank-r kernel), then one pass over y that adds
// down·Bᵀ, scales by g and adds b. Backward: for DoRA one pass over dy and the kept y gives
// dz = g ⊙ dy and dg = Σ dy ⊙ z, z = (y − b) / g; then dx = dz W0 + (s·dz B) A, accumulated in place,
// dA = (s·dz B)ᵀ x and dB = dzᵀ down. LoRA is the same with g = 1 and no pass over y. Built from
// tensor operations, the same layer allocates and reads several more (tokens, out) and (tokens, in)
// temporaries, which is where DoRA's and LoRA's cost over the base layer went.
#include "adapters/adapter_forward.h"

#include "adapters/adapter_kernels_cpu.h"

namespace dora::adapters {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

struct AdapterFunction : public torch::autograd::Function<AdapterFunction> {
    // gain and bias are empty tensors when absent: LibTorch 1.13's apply() rejects undefined ones.
    static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& lora_A,
                                 const torch::Tensor& lora_B, const torch::Tensor& gain, const torch::Tensor& weight,
                                 const torch::Tensor& bias, double scale)
    {
        const int64_t in = weight.size(1), out = weight.size(0);
        const torch::Tensor x_rows = x.reshape({-1, in}).contiguous();
        std::vector<int64_t> shape = x.sizes().vec();
        shape.back() = out;
        torch::Tensor y = torch::empty(shape, x.options());
        torch::Tensor y_rows = y.view({-1, out});
        torch::mm_out(y_rows, x_rows, weight.t());
        const torch::Tensor down = rank_project(x_rows, lora_A).mul_(scale);
        const torch::Tensor up_t = lora_B.t().contiguous();
        const bool dora = gain.numel() > 0;
        adapter_epilogue_(y_rows, down, up_t, dora ? gain : torch::Tensor(), bias);

        ctx->saved_data["scale"] = scale;
        ctx->saved_data["dora"] = dora;
        ctx->saved_data["x_sizes"] = x.sizes().vec();
        // y only when dg is wanted: without it DoRA keeps what LoRA keeps.
        const bool keep_y = dora && gain.requires_grad();
        ctx->save_for_backward({x_rows, down, lora_A, up_t, gain, weight, bias, keep_y ? y : torch::Tensor()});
        return y;
    }

    static variable_list backward(AutogradContext* ctx, variable_list grad_outputs)
    {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor &x_rows = saved[0], &down = saved[1], &lora_A = saved[2], &up_t = saved[3];
        const torch::Tensor &gain = saved[4], &weight = saved[5], &bias = saved[6], &y = saved[7];
        const double scale = ctx->saved_data["scale"].toDouble();
        const bool dora = ctx->saved_data["dora"].toBool();
        const int64_t out = weight.size(0);
        const torch::Tensor& dy = grad_outputs[0];
        const torch::Tensor dy_rows = dy.reshape({-1, out}).contiguous();

        torch::Tensor dz = dy_rows, dgain;
        if (dora) {
            if (y.defined() && ctx->needs_input_grad(3)) {
                ScaleBackwardSums sums = scale_backward_cpu(dy_rows, y.view({-1, out}), gain, true);
                dz = sums.dz;
                dgain = bias.numel() > 0 ? (sums.dy_kept - bias * sums.dy_total) / gain : sums.dy_kept / gain;
            } else {
                dz = dy_rows * gain;
            }
        }
        const torch::Tensor d_down = rank_project(dz, up_t).mul_(scale);  // s·dz·B, (tokens, r)
        torch::Tensor dx, dA, dB;
        if (ctx->needs_input_grad(0)) {
            dx = torch::mm(dz, weight);
            dx.addmm_(d_down, lora_A);
            dx = dx.view(ctx->saved_data["x_sizes"].toIntVector());
        }
        if (ctx->needs_input_grad(1))
            dA = torch::mm(d_down.t(), x_rows);
        if (ctx->needs_input_grad(2))
            dB = torch::mm(dz.t(), down);
        return {dx, dA, dB, dgain, torch::Tensor(), torch::Tensor(), torch::Tensor()};
    }
};

}  // namespace

torch::Tensor adapter_forward_fused(const AdapterOperands& o)
{
    const torch::Tensor empty = torch::empty({0}, o.weight.options());
    return AdapterFunction::apply(o.x, o.lora_A, o.lora_B, o.gain.defined() ? o.gain : empty, o.weight,
                                  o.bias.defined() ? o.bias : empty, o.scale);
}

}  // namespace dora::adapters
