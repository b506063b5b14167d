// The composite adapter forward, and when the fused CPU one may replace it.
#include "adapters/adapter_forward.h"

#include "adapters/adapter_kernels_cpu.h"
#include "adapters/dora_math.h"

namespace dora::adapters {

torch::Tensor adapter_forward_composite(const AdapterOperands& o, const torch::Tensor& x_adapter)
{
    const torch::Tensor down = torch::linear(x_adapter, o.lora_A);  // (..., r)
    if (!o.gain.defined()) {
        torch::Tensor y = torch::linear(o.x, o.weight, o.bias);
        return y.add_(torch::linear(down, o.lora_B), o.scale);
    }
    torch::Tensor z = torch::linear(o.x, o.weight);
    z.add_(torch::linear(down, o.lora_B), o.scale);
    return dora_scale_(z, o.gain, o.bias);
}

bool adapter_fused_applies(const AdapterOperands& o)
{
    if (!adapter_kernels_support({o.x, o.weight, o.lora_A, o.lora_B}))
        return false;
    if (o.weight.requires_grad() || o.weight.dim() != 2 || o.x.dim() < 1 || o.x.size(-1) != o.weight.size(1))
        return false;
    if (o.bias.defined() && (o.bias.requires_grad() || !adapter_kernels_support({o.bias, o.weight})))
        return false;
    if (o.gain.defined())  // a host read, which costs nothing on the CPU
        return adapter_kernels_support({o.gain, o.weight}) && (o.gain != 0).all().item<bool>();
    return true;
}

}  // namespace dora::adapters
