// LoRA / DoRA / full fine-tuning on one linear layer (DESIGN.md, "DoRA in one screen").
#include "adapters/adaptable_linear.h"

#include "adapters/adapter_forward.h"
#include "adapters/adapter_kernels_cpu.h"
#include "adapters/dora_math.h"
#include "dora/error.h"

#include <cmath>

namespace dora::adapters {

double adapter_scale(const AdapterOptions& o)
{
    return o.rslora ? o.alpha / std::sqrt(static_cast<double>(o.rank)) : o.alpha / static_cast<double>(o.rank);
}

AdaptableLinearImpl::AdaptableLinearImpl(int64_t in_features, int64_t out_features, bool with_bias)
    : m_in(in_features), m_out(out_features)
{
    // nn.Linear's default initialisation, so a model built from scratch trains like PyTorch's.
    weight = register_parameter("weight", torch::empty({out_features, in_features}));
    torch::nn::init::kaiming_uniform_(weight, std::sqrt(5.0));
    if (with_bias) {
        const double bound = 1.0 / std::sqrt(static_cast<double>(in_features));
        bias = register_parameter("bias", torch::empty({out_features}).uniform_(-bound, bound));
    }
}

void AdaptableLinearImpl::attach(const AdapterOptions& options)
{
    if (m_options.method != Method::None)
        throw Error("a layer can carry only one adapter");
    if (options.rank < 1)
        throw Error("adapter rank must be at least 1");
    m_options = options;
    torch::NoGradGuard no_grad;

    if (options.method == Method::Full) {
        weight.set_requires_grad(true);
        if (bias.defined())
            bias.set_requires_grad(true);
        m_initial_weight = register_buffer("initial_weight", weight.detach().clone());
        return;
    }

    weight.set_requires_grad(false);
    if (bias.defined())
        bias.set_requires_grad(false);
    m_scale = adapter_scale(options);
    const auto like = weight.options();
    lora_A = register_parameter("lora_A", torch::empty({options.rank, m_in}, like));
    torch::nn::init::kaiming_uniform_(lora_A, std::sqrt(5.0));
    lora_B = register_parameter("lora_B", torch::zeros({m_out, options.rank}, like));  // starts at the base model

    if (options.method == Method::DoRA) {
        m_w0_sq = register_buffer("w0_sq", weight.pow(2).sum(1));
        magnitude = register_parameter("lora_magnitude_vector", m_w0_sq.sqrt(), options.magnitude_trainable);
    }
}

torch::Tensor AdaptableLinearImpl::dora_gain()
{
    if (m_options.detach_norm) {
        torch::Tensor norm;
        {
            torch::NoGradGuard no_grad;
            norm = dora_row_norm(weight, m_w0_sq, lora_A, lora_B, m_scale);
        }
        return magnitude / norm;
    }
    return magnitude / dora_row_norm(weight, m_w0_sq, lora_A, lora_B, m_scale);
}

void AdaptableLinearImpl::hold_step_norm()
{
    if (m_merged || m_options.method != Method::DoRA || !m_options.detach_norm)
        return;
    torch::NoGradGuard no_grad;
    m_held_norm = dora_row_norm(weight, m_w0_sq, lora_A, lora_B, m_scale);
}

torch::Tensor AdaptableLinearImpl::forward(const torch::Tensor& x)
{
    const Method method = m_merged ? Method::None : m_options.method;
    if (method == Method::None || method == Method::Full)
        return torch::linear(x, weight, bias);

    AdapterOperands operands;
    operands.x = x, operands.weight = weight, operands.bias = bias, operands.lora_A = lora_A, operands.lora_B = lora_B;
    operands.scale = m_scale;
    if (method == Method::DoRA && m_options.detach_norm) {  // the norm is computed inside, without autograd
        operands.magnitude = magnitude;
        operands.w0_sq = m_w0_sq;
        operands.norm = m_held_norm;
    } else if (method == Method::DoRA) {
        operands.gain = dora_gain();
    }
    // The adapter path sees dropout; the base path never does (PEFT's convention).
    const bool dropout = m_options.dropout > 0.0 && is_training();
    if (!dropout && adapter_fused_applies(operands))
        return adapter_forward_fused(operands);
    return adapter_forward_composite(operands, dropout ? torch::dropout(x, m_options.dropout, true) : x);
}

torch::Tensor AdaptableLinearImpl::adapter_delta()
{
    return torch::mm(lora_B, lora_A) * m_scale;
}

torch::Tensor AdaptableLinearImpl::effective_weight()
{
    torch::NoGradGuard no_grad;
    if (m_merged || m_options.method == Method::None || m_options.method == Method::Full)
        return weight.detach().clone();
    torch::Tensor w = weight + adapter_delta();
    if (m_options.method == Method::DoRA)
        w.mul_(dora_gain().unsqueeze(1));
    return w;
}

MagnitudeDirectionChange AdaptableLinearImpl::direction_change()
{
    const Method method = m_merged ? Method::None : m_options.method;
    if (method != Method::LoRA && method != Method::DoRA)
        return magnitude_direction_change(effective_weight(), reference_weight());
    torch::NoGradGuard no_grad;
    const torch::Tensor w0_at =
        adapter_kernels_support({weight, lora_A}) ? rank_project(weight, lora_A) : torch::mm(weight, lora_A.t());
    const torch::Tensor w0_sq = m_w0_sq.defined() ? m_w0_sq : weight.norm(2, 1).pow(2);
    return magnitude_direction_change_factored(w0_sq, w0_at, lora_A, lora_B, m_scale,
                                               method == Method::DoRA ? magnitude : torch::Tensor());
}

torch::Tensor AdaptableLinearImpl::reference_weight() const
{
    if (m_options.method == Method::Full)
        return m_initial_weight;
    if (m_merged)
        throw Error("the base weight of a merged layer is not available; unmerge first");
    return weight;
}

void AdaptableLinearImpl::merge()
{
    if (m_merged || m_options.method == Method::None || m_options.method == Method::Full)
        return;
    torch::NoGradGuard no_grad;
    if (m_options.method == Method::LoRA) {
        weight.add_(adapter_delta());
    } else {
        const torch::Tensor g = dora_gain();
        // A row with g == 0 merges to zero and cannot be divided back; keep its W0 aside.
        m_lost_rows = (g == 0).nonzero().squeeze(1);
        m_lost_rows_w0 = weight.index_select(0, m_lost_rows).clone();
        m_merge_gain = g.clone();
        weight.add_(adapter_delta()).mul_(g.unsqueeze(1));
    }
    m_merged = true;
}

void AdaptableLinearImpl::unmerge()
{
    if (!m_merged)
        return;
    torch::NoGradGuard no_grad;
    if (m_options.method == Method::LoRA) {
        weight.sub_(adapter_delta());
    } else {
        // W0 = W' / g - s·B·A with the g of merge time: g cannot be recomputed from W' (whose row norms
        // are |m|, whatever the direction), which is why merge() records it.
        const torch::Tensor safe_gain = torch::where(m_merge_gain == 0, torch::ones_like(m_merge_gain), m_merge_gain);
        weight.div_(safe_gain.unsqueeze(1)).sub_(adapter_delta());
        weight.index_copy_(0, m_lost_rows, m_lost_rows_w0);
        m_merge_gain = m_lost_rows = m_lost_rows_w0 = torch::Tensor();
    }
    m_merged = false;
}

}  // namespace dora::adapters
