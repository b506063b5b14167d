// The composite adapter forward, and when the fused CPU one may replace it.
#include "adapters/adapter_forward.h"

#include "adapters/adapter_kernels_cpu.h"
#include "adapters/dora_math.h"

namespace dora::adapters {

torch::Tensor adapter_forward_composite(const AdapterOperands& o, const torch::Tensor& x_adapter)
{
    const torch::Tensor down = torch::linear(x_adapter, o.lora_A);  // (..., r)
    if (!o.dora()) {
        torch::Tensor y = torch::linear(o.x, o.weight, o.bias);
        return y.add_(torch::linear(down, o.lora_B), o.scale);
    }
    torch::Tensor z = torch::linear(o.x, o.weight);
    z.add_(torch::linear(down, o.lora_B), o.scale);
    torch::Tensor gain = o.gain;
    if (!gain.defined()) {
        torch::Tensor norm = o.norm;
        if (!norm.defined()) {
            torch::NoGradGuard no_grad;
            norm = dora_row_norm(o.weight, o.w0_sq, o.lora_A, o.lora_B, o.scale);
        }
        gain = o.magnitude / norm;
    }
    return dora_scale_(z, gain, o.bias);
}

bool adapter_fused_applies(const AdapterOperands& o)
{
    if (!adapter_kernels_support({o.x, o.weight, o.lora_A, o.lora_B}))
        return false;
    if (o.weight.requires_grad() || o.weight.dim() != 2 || o.x.dim() < 1 || o.x.size(-1) != o.weight.size(1))
        return false;
    if (o.bias.defined() && (o.bias.requires_grad() || !adapter_kernels_support({o.bias, o.weight})))
        return false;
    if (o.gain.defined())
        return adapter_kernels_support({o.gain, o.weight});
    if (o.magnitude.defined())
        return adapter_kernels_support({o.magnitude, o.w0_sq, o.weight}) &&
               (!o.norm.defined() || adapter_kernels_support({o.norm, o.weight}));
    return true;
}

}  // namespace dora::adapters
