// Guards for JSON files from elsewhere (run configs, config.json, shard indexes, adapter configs) that
// nlohmann::json alone does not give: its parser is iterative, but dump() and comparisons recurse, so
// a file nested 200,000 levels deep overflowed the stack when an error message quoted it (found by
// tests/fuzz); and a quoted value can be megabytes long.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace dora::io {

constexpr int kMaxJsonDepth = 64;

// Throws dora::Error("<label>: the JSON is nested more than 64 levels deep") before any parsing. One
// pass over the text; brackets inside strings do not count.
void check_json_depth(const std::string& text, const std::string& label, int max_depth = kMaxJsonDepth);

// `value` as JSON text for an error message, cut to about `max` bytes.
std::string json_excerpt(const nlohmann::json& value, size_t max = 80);

}  // namespace dora::io
