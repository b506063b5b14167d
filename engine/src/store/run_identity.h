// What a run trained on, recorded with it: a built-in name, or a path with the SHA-256 of every file
// behind it, so a stored run can be matched to the exact model upload and data it used.
#pragma once

#include "dora/run_config.h"

#include <string>

namespace dora::store {

// "builtin:NAME", or "<folder>#config.json:sha256:<hex>#<weight file>:sha256:<hex>..." (every shard).
std::string identity_of(const ModelSource& model);
// "builtin:NAME", or "<file>#sha256:<hex>".
std::string identity_of(const DataConfig& data);

}  // namespace dora::store
