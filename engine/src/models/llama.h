// The Llama family: Llama 2 and 3, TinyLlama, SmolLM, Mistral and Qwen2 share one decoder — RMSNorm,
// rotary position embeddings in the Hugging Face rotate-half convention, grouped-query attention and a
// SwiGLU MLP. They differ in settings: Qwen2 has q/k/v biases, Mistral a sliding attention window,
// Llama 3.1 a rope_scaling rule, small models a tied output head. Submodules carry the Hugging Face
// LlamaForCausalLM names (model.layers.0.self_attn.q_proj, ...).
#pragma once

#include "models/model.h"

#include <string>

namespace dora::models {

struct LlamaConfig {
    std::string model_type = "llama";  // llama | mistral | qwen2 (shown to users)
    int64_t vocab_size = 32000;
    int64_t hidden_size = 4096;
    int64_t intermediate_size = 11008;
    int64_t num_hidden_layers = 32;
    int64_t num_attention_heads = 32;
    int64_t num_key_value_heads = 32;
    int64_t head_dim = 0;                 // 0: hidden_size / num_attention_heads
    int64_t max_position_embeddings = 2048;
    double rms_norm_eps = 1e-6;
    double rope_theta = 10000.0;
    bool tie_word_embeddings = false;
    bool attention_bias = false;          // q/k/v (and o for Llama's attention_bias) biases
    bool o_proj_bias = false;
    int64_t sliding_window = 0;           // 0: none
    // rope_scaling of type "llama3" (Llama 3.1/3.2); factor 0 = none.
    double rope_scaling_factor = 0;
    double rope_low_freq_factor = 1;
    double rope_high_freq_factor = 4;
    int64_t rope_original_max_position = 8192;

    int64_t resolved_head_dim() const { return head_dim > 0 ? head_dim : hidden_size / num_attention_heads; }
};

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
