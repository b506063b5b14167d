#include "models/model_spec.h"

#include "dora/error.h"
#include "io/json_limits.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace dora::models {
namespace {

using nlohmann::json;

class ConfigReader {
public:
    ConfigReader(json config, std::string path) : m_config(std::move(config)), m_path(std::move(path)) {}

    int64_t integer(const char* key, int64_t fallback, int64_t max) const
    {
        auto it = m_config.find(key);
        if (it == m_config.end() || it->is_null()) {
            if (fallback >= 0)
                return fallback;
            fail(std::string("missing '") + key + "'");
        }
        if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > max)
            fail(std::string("'") + key + "' must be a whole number from 0 to " + std::to_string(max) + ", got " +
                 io::json_excerpt(*it));
        return it->get<int64_t>();
    }
    int64_t positive(const char* key, int64_t fallback, int64_t max) const
    {
        const int64_t value = integer(key, fallback, max);
        if (value < 1)
            fail(std::string("'") + key + "' must be at least 1");
        return value;
    }
    double number(const char* key, double fallback) const
    {
        auto it = m_config.find(key);
        if (it == m_config.end() || it->is_null())
            return fallback;
        if (!it->is_number() || !(it->get<double>() > 0))
            fail(std::string("'") + key + "' must be a positive number, got " + io::json_excerpt(*it));
        return it->get<double>();
    }
    bool flag(const char* key, bool fallback) const
    {
        auto it = m_config.find(key);
        if (it == m_config.end() || it->is_null())
            return fallback;
        if (!it->is_boolean())
            fail(std::string("'") + key + "' must be true or false");
        return it->get<bool>();
    }
    const json& raw() const { return m_config; }
    [[noreturn]] void fail(const std::string& message) const { throw Error(m_path + ": " + message); }

private:
    json m_config;
    std::string m_path;
};

constexpr int64_t kMaxVocab = 1 << 22, kMaxWidth = 1 << 17, kMaxLayers = 1024, kMaxContext = 1 << 22;

void read_llama(const ConfigReader& r, const std::string& type, LlamaConfig& c)
{
    c.model_type = type;
    c.vocab_size = r.positive("vocab_size", -1, kMaxVocab);
    c.hidden_size = r.positive("hidden_size", -1, kMaxWidth);
    c.intermediate_size = r.positive("intermediate_size", -1, kMaxWidth * 8);
    c.num_hidden_layers = r.positive("num_hidden_layers", -1, kMaxLayers);
    c.num_attention_heads = r.positive("num_attention_heads", -1, kMaxWidth);
    c.num_key_value_heads = r.positive("num_key_value_heads", c.num_attention_heads, kMaxWidth);
    c.head_dim = r.integer("head_dim", 0, kMaxWidth);
    c.max_position_embeddings = r.positive("max_position_embeddings", 2048, kMaxContext);
    c.rms_norm_eps = r.number("rms_norm_eps", 1e-6);
    c.rope_theta = r.number("rope_theta", 10000.0);
    c.tie_word_embeddings = r.flag("tie_word_embeddings", false);
    c.attention_bias = type == "qwen2" ? true : r.flag("attention_bias", false);
    c.o_proj_bias = type == "qwen2" ? false : c.attention_bias;
    if (type == "mistral" || (type == "qwen2" && r.flag("use_sliding_window", false)))
        c.sliding_window = r.integer("sliding_window", 0, kMaxContext);
    const json& raw = r.raw();
    if (raw.contains("rope_scaling") && raw["rope_scaling"].is_object()) {
        const json& s = raw["rope_scaling"];
        // Not json::value(): it throws a bare type_error when a hostile file puts a number there.
        auto text_of = [&](const char* key) {
            const auto it = s.find(key);
            return it != s.end() && it->is_string() ? it->get<std::string>() : std::string();
        };
        const std::string kind = s.contains("rope_type") ? text_of("rope_type") : text_of("type");
        if (kind != "llama3" && kind != "default")
            r.fail("rope_scaling of type '" + kind + "' is not supported (supported: llama3)");
        if (kind == "llama3") {
            ConfigReader scaling(s, "");
            try {
                c.rope_scaling_factor = scaling.number("factor", 8.0);
                c.rope_low_freq_factor = scaling.number("low_freq_factor", 1.0);
                c.rope_high_freq_factor = scaling.number("high_freq_factor", 4.0);
                c.rope_original_max_position = scaling.positive("original_max_position_embeddings", 8192, kMaxContext);
            } catch (const Error& e) {
                r.fail(std::string("rope_scaling") + e.what());
            }
        }
    }
}

}  // namespace

int64_t ModelSpec::parameter_count() const
{
    if (model_type == "gpt2") {
        const Gpt2Config& c = gpt2;
        return c.vocab_size * c.n_embd + c.n_positions * c.n_embd + 2 * c.n_embd +
               c.n_layer * (12 * c.n_embd * c.n_embd + 13 * c.n_embd);
    }
    if (is_llama_family()) {
        const LlamaConfig& c = llama;
        const int64_t d = c.resolved_head_dim(), q = c.num_attention_heads * d, kv = c.num_key_value_heads * d;
        const int64_t attention = c.hidden_size * (q + 2 * kv) + q * c.hidden_size +
                                  (c.attention_bias ? q + 2 * kv : 0) + (c.o_proj_bias ? c.hidden_size : 0);
        const int64_t mlp = 3 * c.hidden_size * c.intermediate_size;
        return c.vocab_size * c.hidden_size * (c.tie_word_embeddings ? 1 : 2) + c.hidden_size +
               c.num_hidden_layers * (attention + mlp + 2 * c.hidden_size);
    }
    return mlp.inputs * mlp.hidden + mlp.hidden + mlp.hidden * mlp.hidden + mlp.hidden + mlp.hidden * mlp.classes +
           mlp.classes;
}

int64_t ModelSpec::vocab_size() const
{
    return model_type == "gpt2" ? gpt2.vocab_size : is_llama_family() ? llama.vocab_size : 0;
}

int64_t ModelSpec::context_length() const
{
    return model_type == "gpt2" ? gpt2.n_positions : is_llama_family() ? llama.max_position_embeddings : 1;
}

ModelSpec read_model_spec(const std::string& dir)
{
    const std::filesystem::path path = std::filesystem::path(dir) / "config.json";
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(path.string() + ": cannot open (is this a model folder?)");
    std::ostringstream text;
    text << in.rdbuf();
    return parse_model_spec(text.str(), path.string());
}

ModelSpec parse_model_spec(const std::string& json_text, const std::string& label)
{
    if (json_text.size() > kMaxModelConfigBytes)
        throw Error(label + ": larger than 4 MiB, not a model config");
    io::check_json_depth(json_text, label);
    json config = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
    const ConfigReader r(config, label);
    if (!config.is_object())
        r.fail("not a JSON object");
    if (!config.contains("model_type") || !config["model_type"].is_string())
        r.fail("missing 'model_type' (a string such as \"llama\")");

    ModelSpec spec;
    spec.model_type = config["model_type"].get<std::string>();
    if (spec.model_type == "gpt2") {
        Gpt2Config& c = spec.gpt2;
        c.vocab_size = r.positive("vocab_size", -1, kMaxVocab);
        c.n_positions = r.positive("n_positions", 1024, kMaxContext);
        c.n_embd = r.positive("n_embd", -1, kMaxWidth);
        c.n_layer = r.positive("n_layer", -1, kMaxLayers);
        c.n_head = r.positive("n_head", -1, kMaxWidth);
        c.layer_norm_epsilon = r.number("layer_norm_epsilon", 1e-5);
        if (c.n_embd % c.n_head != 0)
            r.fail("n_embd must be a multiple of n_head");
    } else if (spec.is_llama_family()) {
        read_llama(r, spec.model_type, spec.llama);
    } else if (spec.model_type == "dora-demo-mlp") {
        spec.mlp.inputs = r.positive("inputs", -1, kMaxWidth);
        spec.mlp.hidden = r.positive("hidden", -1, kMaxWidth);
        spec.mlp.classes = r.positive("classes", -1, kMaxWidth);
    } else {
        r.fail("model_type '" + spec.model_type + "' is not supported (supported: gpt2, llama, mistral, qwen2, " +
               "dora-demo-mlp)");
    }
    return spec;
}

}  // namespace dora::models
