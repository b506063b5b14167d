// inspect_model and estimate_memory (dora/model_info.h).
#include "dora/model_info.h"

#include "adapters/adaptable_linear.h"
#include "dora/error.h"
#include "models/builtin_models.h"
#include "models/model_config.h"

#include <fstream>
#include <string>

namespace dora {
namespace {

constexpr double kMb = 1024.0 * 1024.0;

double available_memory_mb()
{
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    double kb = 0;
    std::string unit;
    while (meminfo >> key >> kb >> unit)
        if (key == "MemAvailable:")
            return kb / 1024.0;
    return 0;
}

models::ModelSpec spec_of(const ModelSource& source)
{
    if (!source.path.empty())
        return models::read_model_spec(source.path);
    return models::builtin_model_spec(source.builtin);
}

}  // namespace

ModelInfo inspect_model(const std::string& builtin_or_folder)
{
    std::shared_ptr<models::Model> model = models::load_model(builtin_or_folder);
    ModelInfo info;
    info.name = builtin_or_folder;
    info.architecture = model->architecture();
    if (auto* lm = dynamic_cast<models::LanguageModel*>(model.get())) {
        info.vocab_size = lm->vocab_size();
        info.context_length = lm->context_length();
    }
    for (const auto& item : model->named_modules("", /*include_self=*/false)) {
        const auto& module = item.value();
        auto own = module->named_parameters(/*recurse=*/false);
        const torch::Tensor* weight = own.find("weight");
        if (!weight)
            continue;
        ModuleInfo m;
        m.name = item.key();
        const std::string type = module->name();
        m.kind = std::dynamic_pointer_cast<adapters::AdaptableLinearImpl>(module) ? "linear"
                 : type.find("Embedding") != std::string::npos                   ? "embedding"
                 : type.find("LayerNorm") != std::string::npos                   ? "layernorm"
                                                                                 : "rmsnorm";
        for (int64_t s : weight->sizes())
            m.shape.push_back(s);
        for (const auto& p : own)
            m.parameters += p.value().numel();
        info.parameters += m.parameters;
        info.modules.push_back(std::move(m));
    }
    return info;
}

MemoryEstimate estimate_memory(const RunConfig& config)
{
    const models::ModelSpec spec = spec_of(config.model);
    const double params = static_cast<double>(spec.parameter_count());
    const double tokens = static_cast<double>(config.train.batch_size) * config.data.seq_len;
    MemoryEstimate e;
    e.weights_mb = params * 4 / kMb;

    double linear_in_out = 0, linear_weights = 0, per_token = 0, attention = 0;
    if (spec.model_type == "gpt2") {
        const auto& c = spec.gpt2;
        linear_in_out = c.n_layer * (c.n_embd * 4.0 + c.n_embd * 2 + c.n_embd * 5 + c.n_embd * 5);
        linear_weights = c.n_layer * 12.0 * c.n_embd * c.n_embd;
        per_token = c.n_layer * 17.0 * c.n_embd + 3.0 * c.vocab_size;  // saved block tensors; logits and their grads
        attention = c.n_layer * 2.0 * c.n_head * config.data.seq_len;
    } else if (spec.is_llama_family()) {
        const auto& c = spec.llama;
        const double h = c.hidden_size, i = c.intermediate_size, kv = c.num_key_value_heads * c.resolved_head_dim();
        linear_in_out = c.num_hidden_layers * ((h + h) * 2 + (h + kv) * 2 + (h + i) * 3);
        linear_weights = c.num_hidden_layers * (2 * h * h + 2 * h * kv + 3 * h * i);
        per_token = c.num_hidden_layers * (8 * h + 4 * kv + 4 * i) + 3.0 * c.vocab_size;
        attention = c.num_hidden_layers * 2.0 * c.num_attention_heads * config.data.seq_len;
    } else {
        linear_in_out = spec.mlp.inputs + 3.0 * spec.mlp.hidden + spec.mlp.classes;
        linear_weights = params;
        per_token = 6.0 * spec.mlp.hidden;
    }
    // Trainable tensors count four times: the values, their gradients, and AdamW's two moments.
    const double trainable = config.adapter.method == "full" ? linear_weights
                                                            : config.adapter.rank * linear_in_out + linear_in_out;
    e.trainable_mb = 4 * trainable * 4 / kMb;
    e.activations_mb = tokens * (per_token + attention) * 4 / kMb;
    e.total_mb = e.weights_mb + e.trainable_mb + e.activations_mb;
    e.available_mb = available_memory_mb();
    return e;
}

}  // namespace dora
