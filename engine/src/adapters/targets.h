// Choosing which linear layers get an adapter: regular expressions matched against whole module
// names ("transformer\.h\.\d+\.attn\.c_attn", ".*c_fc"), then attaching the adapter to each match.
#pragma once

#include "adapters/adaptable_linear.h"
#include "dora/run_config.h"
#include "models/model.h"

#include <string>
#include <vector>

namespace dora::adapters {

// The layers whose name fully matches any pattern, in model order. Throws dora::Error when none
// does, listing some of the names that exist.
std::vector<models::NamedLinear> select_layers(models::Model& model, const std::vector<std::string>& patterns);

AdapterOptions adapter_options(const AdapterConfig& config);

// Selects and attaches in one go; adapter weights are drawn from the global generator in model order.
std::vector<models::NamedLinear> attach_adapters(models::Model& model, const AdapterConfig& config);

}  // namespace dora::adapters
