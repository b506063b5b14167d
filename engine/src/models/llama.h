// The Llama family: Llama 2 and 3, TinyLlama, SmolLM, Mistral and Qwen2 share one decoder — RMSNorm,
// rotary position embeddings in the Hugging Face rotate-half convention, grouped-query attention and a
// SwiGLU MLP. They differ in settings: Qwen2 has q/k/v biases, Mistral a sliding attention window,
// Llama 3.1 a rope_scaling rule, small models a tied output head. Submodules carry the Hugging Face
// LlamaForCausalLM names (model.layers.0.self_attn.q_proj, ...).
#pragma once

#include "models/architecture_configs.h"
#include "models/model.h"

#include <string>

namespace dora::models {

class LlamaImpl : public LanguageModel {
public:
    explicit LlamaImpl(const LlamaConfig& config);
    torch::Tensor forward(const torch::Tensor& ids) override;  // (B, T) -> (B, T, vocab) logits
    std::string architecture() const override { return m_config.model_type; }
    int64_t vocab_size() const override { return m_config.vocab_size; }
    int64_t context_length() const override { return m_config.max_position_embeddings; }
    const LlamaConfig& config() const { return m_config; }

private:
    LlamaConfig m_config;
    torch::Tensor m_inv_freq;  // (head_dim / 2,) rotary frequencies, after rope_scaling
    std::shared_ptr<torch::nn::Module> m_model;  // "model": embed_tokens, layers, norm
    adapters::AdaptableLinear lm_head{nullptr};  // absent (nullptr) when tied to embed_tokens
};

}  // namespace dora::models
