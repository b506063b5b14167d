// The sizes and settings of each architecture, as read from a model folder's config.json or set by a
// built-in demo. Plain structs without torch, so the config.json reader (model_spec.cpp) builds and
// fuzzes without it; the modules that use them are in gpt2.h, llama.h and mlp.h.
#pragma once

#include <cstdint>
#include <string>

namespace dora::models {

struct Gpt2Config {
    int64_t vocab_size = 96;
    int64_t n_positions = 64;
    int64_t n_embd = 64;
    int64_t n_layer = 2;
    int64_t n_head = 4;
    double layer_norm_epsilon = 1e-5;
};

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

struct MlpConfig {
    int64_t inputs = 2;
    int64_t hidden = 64;
    int64_t classes = 3;
};

}  // namespace dora::models
