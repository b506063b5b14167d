// A GPT-2 decoder (pre-LayerNorm blocks, tanh GELU, learned positions, output head tied to the token
// embedding). Submodules carry the Hugging Face GPT2LMHeadModel names (transformer.h.0.attn.c_attn,
// ...), so target patterns and PEFT keys read the same as in the Python ecosystem. Linear weights are
// held (out, in); a loader of Hugging Face files transposes GPT-2's Conv1D (in, out) tensors.
#pragma once

#include "models/architecture_configs.h"
#include "models/model.h"

namespace dora::models {

class Gpt2AttentionImpl : public torch::nn::Module {
public:
    explicit Gpt2AttentionImpl(const Gpt2Config& config);
    torch::Tensor forward(const torch::Tensor& x);  // (B, T, C) -> (B, T, C)

private:
    int64_t m_heads;
    adapters::AdaptableLinear c_attn{nullptr}, c_proj{nullptr};
};
TORCH_MODULE(Gpt2Attention);

class Gpt2MlpImpl : public torch::nn::Module {
public:
    explicit Gpt2MlpImpl(const Gpt2Config& config);
    torch::Tensor forward(const torch::Tensor& x);

private:
    adapters::AdaptableLinear c_fc{nullptr}, c_proj{nullptr};
};
TORCH_MODULE(Gpt2Mlp);

class Gpt2BlockImpl : public torch::nn::Module {
public:
    explicit Gpt2BlockImpl(const Gpt2Config& config);
    // The block on the residual stream x, given normed = ln_1(x): returns the stream after the block,
    // x + attn(ln_1(x)) + mlp(ln_2(·)), and its norm by `next` (the next block's ln_1, or ln_f), each
    // residual add fused with the norm that reads it (ops/residual_layer_norm.h).
    std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& x, const torch::Tensor& normed,
                                                    const torch::nn::LayerNorm& next);
    torch::nn::LayerNorm& input_norm() { return ln_1; }

private:
    torch::nn::LayerNorm ln_1{nullptr}, ln_2{nullptr};
    Gpt2Attention attn{nullptr};
    Gpt2Mlp mlp{nullptr};
};
TORCH_MODULE(Gpt2Block);

class Gpt2TransformerImpl : public torch::nn::Module {
public:
    explicit Gpt2TransformerImpl(const Gpt2Config& config);
    torch::Tensor forward(const torch::Tensor& ids);  // (B, T) -> (B, T, C) after ln_f

    torch::nn::Embedding wte{nullptr}, wpe{nullptr};
    torch::nn::ModuleList h{nullptr};
    torch::nn::LayerNorm ln_f{nullptr};
};
TORCH_MODULE(Gpt2Transformer);

class Gpt2Impl : public LanguageModel {
public:
    explicit Gpt2Impl(const Gpt2Config& config);
    torch::Tensor forward(const torch::Tensor& ids) override;  // (B, T) -> (B, T, vocab) logits
    std::string architecture() const override { return "gpt2"; }
    int64_t vocab_size() const override { return m_config.vocab_size; }
    int64_t context_length() const override { return m_config.n_positions; }
    const Gpt2Config& config() const { return m_config; }

private:
    Gpt2Config m_config;
    Gpt2Transformer transformer{nullptr};
};
TORCH_MODULE(Gpt2);

}  // namespace dora::models
