// GPT-2 forward pass.
#include "models/gpt2.h"

#include "dora/error.h"
#include "ops/causal_attention.h"
#include "ops/gelu.h"
#include "ops/residual_layer_norm.h"

namespace dora::models {

Gpt2AttentionImpl::Gpt2AttentionImpl(const Gpt2Config& config) : m_heads(config.n_head)
{
    if (config.n_embd % config.n_head != 0)
        throw Error("gpt2: n_embd (" + std::to_string(config.n_embd) + ") is not a multiple of n_head (" +
                    std::to_string(config.n_head) + ")");
    c_attn = register_module("c_attn", adapters::AdaptableLinear(config.n_embd, 3 * config.n_embd, true));
    c_proj = register_module("c_proj", adapters::AdaptableLinear(config.n_embd, config.n_embd, true));
}

torch::Tensor Gpt2AttentionImpl::forward(const torch::Tensor& x)
{
    return c_proj(ops::causal_attention_packed(c_attn(x), m_heads, m_heads));  // (B, T, 3C) → (B, T, C)
}

Gpt2MlpImpl::Gpt2MlpImpl(const Gpt2Config& config)
{
    c_fc = register_module("c_fc", adapters::AdaptableLinear(config.n_embd, 4 * config.n_embd, true));
    c_proj = register_module("c_proj", adapters::AdaptableLinear(4 * config.n_embd, config.n_embd, true));
}

torch::Tensor Gpt2MlpImpl::forward(const torch::Tensor& x)
{
    return c_proj(ops::gelu_tanh(c_fc(x)));
}

Gpt2BlockImpl::Gpt2BlockImpl(const Gpt2Config& config)
{
    const auto norm = torch::nn::LayerNormOptions({config.n_embd}).eps(config.layer_norm_epsilon);
    ln_1 = register_module("ln_1", torch::nn::LayerNorm(norm));
    attn = register_module("attn", Gpt2Attention(config));
    ln_2 = register_module("ln_2", torch::nn::LayerNorm(norm));
    mlp = register_module("mlp", Gpt2Mlp(config));
}

namespace {

std::pair<torch::Tensor, torch::Tensor> add_and_norm(const torch::Tensor& x, const torch::Tensor& branch,
                                                     const torch::nn::LayerNorm& norm)
{
    return ops::residual_layer_norm(x, branch, norm->weight, norm->bias, norm->options.eps());
}

}  // namespace

std::pair<torch::Tensor, torch::Tensor> Gpt2BlockImpl::forward(const torch::Tensor& x, const torch::Tensor& normed,
                                                               const torch::nn::LayerNorm& next)
{
    const auto [after_attention, normed_2] = add_and_norm(x, attn(normed), ln_2);
    return add_and_norm(after_attention, mlp(normed_2), next);
}

Gpt2TransformerImpl::Gpt2TransformerImpl(const Gpt2Config& config)
{
    wte = register_module("wte", torch::nn::Embedding(config.vocab_size, config.n_embd));
    wpe = register_module("wpe", torch::nn::Embedding(config.n_positions, config.n_embd));
    torch::NoGradGuard no_grad;
    wte->weight.normal_(0.0, 0.02);  // GPT-2's initialisation
    wpe->weight.normal_(0.0, 0.01);
    h = register_module("h", torch::nn::ModuleList());
    for (int64_t i = 0; i < config.n_layer; ++i)
        h->push_back(Gpt2Block(config));
    ln_f = register_module("ln_f", torch::nn::LayerNorm(
                                       torch::nn::LayerNormOptions({config.n_embd}).eps(config.layer_norm_epsilon)));
}

torch::Tensor Gpt2TransformerImpl::forward(const torch::Tensor& ids)
{
    const int64_t time = ids.size(1);
    if (time > wpe->weight.size(0))
        throw Error("gpt2: a sequence of " + std::to_string(time) + " tokens is longer than the model's " +
                    std::to_string(wpe->weight.size(0)) + " positions");
    const torch::Tensor positions = torch::arange(time, torch::TensorOptions().dtype(torch::kLong).device(ids.device()));
    torch::Tensor x = wte(ids) + wpe(positions);
    if (h->size() == 0)
        return ln_f(x);
    torch::Tensor normed = h[0]->as<Gpt2Block>()->input_norm()(x);
    for (size_t i = 0; i < h->size(); ++i) {
        const torch::nn::LayerNorm& next = i + 1 < h->size() ? h[i + 1]->as<Gpt2Block>()->input_norm() : ln_f;
        std::tie(x, normed) = h[i]->as<Gpt2Block>()->forward(x, normed, next);
    }
    return normed;
}

Gpt2Impl::Gpt2Impl(const Gpt2Config& config) : m_config(config)
{
    transformer = register_module("transformer", Gpt2Transformer(config));
}

torch::Tensor Gpt2Impl::forward(const torch::Tensor& ids)
{
    return torch::matmul(transformer(ids), transformer->wte->weight.t());  // tied output head
}

}  // namespace dora::models
