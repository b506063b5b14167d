// Reading fields of an untrusted JSON document with errors that say where: "model.vocab['x']: expected
// an integer". Every accessor throws dora::Error; none aborts or guesses.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace dora::data::json_fields {

using Json = nlohmann::json;

// Parses `text`, refusing nesting deeper than 64 and more than `max_values` values in all.
Json parse(const std::string& text, size_t max_values);

// The member `key` of object `obj`, or nullptr when it is absent or null.
const Json* find(const Json& obj, const char* key);
const Json& require(const Json& obj, const char* key, const std::string& where);

const Json& expect_object(const Json& value, const std::string& where);
const Json& expect_array(const Json& value, const std::string& where);
const std::string& expect_string(const Json& value, const std::string& where);
int64_t expect_integer(const Json& value, const std::string& where);

std::string get_string(const Json& obj, const char* key, const std::string& where);  // required
std::string get_string_or(const Json& obj, const char* key, const std::string& fallback, const std::string& where);
bool get_bool_or(const Json& obj, const char* key, bool fallback, const std::string& where);
int64_t get_integer_or(const Json& obj, const char* key, int64_t fallback, const std::string& where);

// `where` + "." + key, for nested messages.
std::string path(const std::string& where, const std::string& key);

// A string shortened to `max` bytes (on a character boundary) for quoting in a message.
std::string quote(const std::string& s, size_t max = 60);

}  // namespace dora::data::json_fields
