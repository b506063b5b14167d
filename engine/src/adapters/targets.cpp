// Target selection and adapter attachment.
#include "adapters/targets.h"

#include "dora/error.h"

#include <regex>

namespace dora::adapters {

std::vector<models::NamedLinear> select_layers(models::Model& model, const std::vector<std::string>& patterns)
{
    std::vector<std::regex> compiled;
    for (const std::string& p : patterns) {
        try {
            compiled.emplace_back(p);
        } catch (const std::regex_error& e) {
            throw Error("adapter.targets: '" + p + "' is not a valid regular expression (" + e.what() + ")");
        }
    }
    const std::vector<models::NamedLinear> all = models::linear_layers(model);
    std::vector<models::NamedLinear> chosen;
    for (const auto& layer : all) {
        for (const std::regex& re : compiled) {
            if (std::regex_match(layer.first, re)) {
                chosen.push_back(layer);
                break;
            }
        }
    }
    if (chosen.empty()) {
        std::string joined, examples;
        for (const std::string& p : patterns)
            joined += (joined.empty() ? "'" : ", '") + p + "'";
        for (size_t i = 0; i < all.size() && i < 6; ++i)
            examples += (i ? ", " : "") + all[i].first;
        if (all.size() > 6)
            examples += ", ...";
        throw Error("adapter.targets: " + joined + " match" + (patterns.size() == 1 ? "es" : "") +
                    " none of the model's " + std::to_string(all.size()) + " linear layers (" + examples + ")");
    }
    return chosen;
}

AdapterOptions adapter_options(const AdapterConfig& c)
{
    AdapterOptions o;
    o.method = c.method == "lora" ? Method::LoRA : c.method == "full" ? Method::Full : Method::DoRA;
    o.rank = c.rank;
    o.alpha = c.alpha;
    o.dropout = c.dropout;
    o.rslora = c.rslora;
    o.magnitude_trainable = c.magnitude.trainable;
    o.detach_norm = c.magnitude.detach_norm;
    return o;
}

std::vector<models::NamedLinear> attach_adapters(models::Model& model, const AdapterConfig& config)
{
    std::vector<models::NamedLinear> chosen = select_layers(model, config.targets);
    const AdapterOptions options = adapter_options(config);
    for (auto& [name, layer] : chosen) {
        layer->attach(options);
    }
    return chosen;
}

}  // namespace dora::adapters
