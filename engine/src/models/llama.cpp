// Llama-family forward pass.
#include "models/llama.h"

#include "dora/error.h"
#include "ops/causal_attention.h"

namespace dora::models {
namespace {

class RmsNormImpl : public torch::nn::Module {
public:
    RmsNormImpl(int64_t size, double eps) : m_eps(eps) { weight = register_parameter("weight", torch::ones({size})); }
    torch::Tensor forward(const torch::Tensor& x)
    {
        return x * torch::rsqrt(x.pow(2).mean(-1, true) + m_eps) * weight;
    }
    torch::Tensor weight;

private:
    double m_eps;
};
TORCH_MODULE(RmsNorm);

// Rotary embedding in the rotate-half convention: the first and second halves of each head vector
// form the (real, imaginary) pairs.
torch::Tensor rotate_half(const torch::Tensor& x)
{
    const int64_t half = x.size(-1) / 2;
    return torch::cat({-x.slice(-1, half), x.slice(-1, 0, half)}, -1);
}

torch::Tensor rotary_frequencies(const LlamaConfig& c)
{
    const int64_t dim = c.resolved_head_dim();
    torch::Tensor inv_freq =
        1.0 / torch::pow(c.rope_theta, torch::arange(0, dim, 2, torch::kFloat64) / static_cast<double>(dim));
    if (c.rope_scaling_factor > 0) {  // "llama3": stretch low frequencies, keep high ones, blend between
        const double low_wavelen = c.rope_original_max_position / c.rope_low_freq_factor;
        const double high_wavelen = c.rope_original_max_position / c.rope_high_freq_factor;
        const torch::Tensor wavelen = 2.0 * M_PI / inv_freq;
        torch::Tensor scaled = torch::where(wavelen > low_wavelen, inv_freq / c.rope_scaling_factor, inv_freq);
        const torch::Tensor smooth = (c.rope_original_max_position / wavelen - c.rope_low_freq_factor) /
                                     (c.rope_high_freq_factor - c.rope_low_freq_factor);
        const torch::Tensor blended = (1 - smooth) * scaled / c.rope_scaling_factor + smooth * scaled;
        const torch::Tensor medium = (wavelen >= high_wavelen) & (wavelen <= low_wavelen);
        inv_freq = torch::where(medium, blended, scaled);
    }
    return inv_freq.to(torch::kFloat);
}

class LlamaAttentionImpl : public torch::nn::Module {
public:
    explicit LlamaAttentionImpl(const LlamaConfig& c)
        : m_heads(c.num_attention_heads), m_kv_heads(c.num_key_value_heads), m_head_dim(c.resolved_head_dim()),
          m_window(c.sliding_window)
    {
        q_proj = register_module("q_proj", adapters::AdaptableLinear(c.hidden_size, m_heads * m_head_dim, c.attention_bias));
        k_proj = register_module("k_proj", adapters::AdaptableLinear(c.hidden_size, m_kv_heads * m_head_dim, c.attention_bias));
        v_proj = register_module("v_proj", adapters::AdaptableLinear(c.hidden_size, m_kv_heads * m_head_dim, c.attention_bias));
        o_proj = register_module("o_proj", adapters::AdaptableLinear(m_heads * m_head_dim, c.hidden_size, c.o_proj_bias));
    }

    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin)
    {
        const int64_t batch = x.size(0), time = x.size(1);
        auto heads = [&](const torch::Tensor& t, int64_t n) {
            return t.view({batch, time, n, m_head_dim}).transpose(1, 2);  // (B, n, T, D)
        };
        torch::Tensor q = heads(q_proj(x), m_heads), k = heads(k_proj(x), m_kv_heads), v = heads(v_proj(x), m_kv_heads);
        q = q * cos + rotate_half(q) * sin;
        k = k * cos + rotate_half(k) * sin;
        return o_proj(ops::causal_attention(q, k, v, m_window));
    }

private:
    int64_t m_heads, m_kv_heads, m_head_dim, m_window;
    adapters::AdaptableLinear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, o_proj{nullptr};
};
TORCH_MODULE(LlamaAttention);

class LlamaMlpImpl : public torch::nn::Module {
public:
    explicit LlamaMlpImpl(const LlamaConfig& c)
    {
        gate_proj = register_module("gate_proj", adapters::AdaptableLinear(c.hidden_size, c.intermediate_size, false));
        up_proj = register_module("up_proj", adapters::AdaptableLinear(c.hidden_size, c.intermediate_size, false));
        down_proj = register_module("down_proj", adapters::AdaptableLinear(c.intermediate_size, c.hidden_size, false));
    }
    torch::Tensor forward(const torch::Tensor& x) { return down_proj(torch::silu(gate_proj(x)) * up_proj(x)); }

private:
    adapters::AdaptableLinear gate_proj{nullptr}, up_proj{nullptr}, down_proj{nullptr};
};
TORCH_MODULE(LlamaMlp);

class LlamaDecoderLayerImpl : public torch::nn::Module {
public:
    explicit LlamaDecoderLayerImpl(const LlamaConfig& c)
    {
        self_attn = register_module("self_attn", LlamaAttention(c));
        mlp = register_module("mlp", LlamaMlp(c));
        input_layernorm = register_module("input_layernorm", RmsNorm(c.hidden_size, c.rms_norm_eps));
        post_attention_layernorm = register_module("post_attention_layernorm", RmsNorm(c.hidden_size, c.rms_norm_eps));
    }
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin)
    {
        const torch::Tensor h = x + self_attn->forward(input_layernorm(x), cos, sin);
        return h + mlp(post_attention_layernorm(h));
    }

private:
    LlamaAttention self_attn{nullptr};
    LlamaMlp mlp{nullptr};
    RmsNorm input_layernorm{nullptr}, post_attention_layernorm{nullptr};
};
TORCH_MODULE(LlamaDecoderLayer);

class LlamaModelImpl : public torch::nn::Module {
public:
    explicit LlamaModelImpl(const LlamaConfig& c)
    {
        embed_tokens = register_module("embed_tokens", torch::nn::Embedding(c.vocab_size, c.hidden_size));
        layers = register_module("layers", torch::nn::ModuleList());
        for (int64_t i = 0; i < c.num_hidden_layers; ++i)
            layers->push_back(LlamaDecoderLayer(c));
        norm = register_module("norm", RmsNorm(c.hidden_size, c.rms_norm_eps));
    }
    torch::nn::Embedding embed_tokens{nullptr};
    torch::nn::ModuleList layers{nullptr};
    RmsNorm norm{nullptr};
};
TORCH_MODULE(LlamaModel);

void validate(const LlamaConfig& c)
{
    auto fail = [&](const std::string& m) { throw Error(c.model_type + " config: " + m); };
    if (c.num_attention_heads < 1 || c.num_key_value_heads < 1 || c.num_attention_heads % c.num_key_value_heads != 0)
        fail("num_attention_heads (" + std::to_string(c.num_attention_heads) +
             ") must be a multiple of num_key_value_heads (" + std::to_string(c.num_key_value_heads) + ")");
    if (c.head_dim == 0 && c.hidden_size % c.num_attention_heads != 0)
        fail("hidden_size is not a multiple of num_attention_heads");
    if (c.resolved_head_dim() % 2 != 0)
        fail("the head dimension must be even for rotary embeddings");
    if (c.rope_scaling_factor > 0 && !(c.rope_high_freq_factor > c.rope_low_freq_factor))
        fail("rope_scaling: high_freq_factor must be above low_freq_factor");
}

}  // namespace

LlamaImpl::LlamaImpl(const LlamaConfig& config) : m_config(config)
{
    validate(config);
    m_model = register_module("model", LlamaModel(config).ptr());
    if (!config.tie_word_embeddings)
        lm_head = register_module("lm_head", adapters::AdaptableLinear(config.hidden_size, config.vocab_size, false));
    m_inv_freq = register_buffer("inv_freq", rotary_frequencies(config));
}

torch::Tensor LlamaImpl::forward(const torch::Tensor& ids)
{
    auto& model = static_cast<LlamaModelImpl&>(*m_model);
    const int64_t time = ids.size(1);
    const torch::Tensor positions = torch::arange(time, torch::TensorOptions().dtype(torch::kFloat).device(ids.device()));
    const torch::Tensor angles = torch::outer(positions, m_inv_freq);           // (T, D/2)
    const torch::Tensor both = torch::cat({angles, angles}, -1);                // (T, D)
    const torch::Tensor cos = both.cos(), sin = both.sin();
    torch::Tensor x = model.embed_tokens(ids);
    for (const auto& layer : *model.layers)
        x = layer->as<LlamaDecoderLayer>()->forward(x, cos, sin);
    x = model.norm(x);
    return lm_head ? lm_head(x) : torch::matmul(x, model.embed_tokens->weight.t());
}

}  // namespace dora::models
