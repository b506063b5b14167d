// nlohmann::json does the parsing; a callback counts values and depth so a hostile file cannot
// nest or multiply its way to an exhausted stack or memory.
#include "data/json_fields.h"

#include "dora/error.h"

namespace dora::data::json_fields {

Json parse(const std::string& text, size_t max_values)
{
    size_t values = 0;
    const Json::parser_callback_t limit = [&](int depth, Json::parse_event_t, Json&) {
        if (depth > 64) throw Error("JSON nested deeper than 64 levels");
        if (++values > max_values) throw Error("more than " + std::to_string(max_values) + " JSON values");
        return true;
    };
    try {
        return Json::parse(text, limit);
    } catch (const Json::exception& e) {
        // "[json.exception.parse_error.101] parse error at line 1, column 2: ..." without the tag.
        std::string what = e.what();
        const size_t tag_end = what.find("] ");
        if (what.rfind("[json.exception", 0) == 0 && tag_end != std::string::npos) what = what.substr(tag_end + 2);
        throw Error("not valid JSON (" + what + ")");
    }
}

const Json* find(const Json& obj, const char* key)
{
    if (!obj.is_object()) return nullptr;
    const auto it = obj.find(key);
    return it == obj.end() || it->is_null() ? nullptr : &*it;
}

const Json& require(const Json& obj, const char* key, const std::string& where)
{
    const Json* v = find(obj, key);
    if (!v) throw Error(path(where, key) + ": missing");
    return *v;
}

const Json& expect_object(const Json& value, const std::string& where)
{
    if (!value.is_object()) throw Error(where + ": expected an object, found " + value.type_name());
    return value;
}

const Json& expect_array(const Json& value, const std::string& where)
{
    if (!value.is_array()) throw Error(where + ": expected an array, found " + value.type_name());
    return value;
}

const std::string& expect_string(const Json& value, const std::string& where)
{
    if (!value.is_string()) throw Error(where + ": expected a string, found " + value.type_name());
    return value.get_ref<const std::string&>();
}

int64_t expect_integer(const Json& value, const std::string& where)
{
    if (value.is_number_unsigned() && value.get<uint64_t>() > uint64_t(INT64_MAX))
        throw Error(where + ": integer too large");
    if (!value.is_number_integer()) throw Error(where + ": expected an integer, found " + value.type_name());
    return value.get<int64_t>();
}

std::string get_string(const Json& obj, const char* key, const std::string& where)
{
    return expect_string(require(obj, key, where), path(where, key));
}

std::string get_string_or(const Json& obj, const char* key, const std::string& fallback, const std::string& where)
{
    const Json* v = find(obj, key);
    return v ? expect_string(*v, path(where, key)) : fallback;
}

bool get_bool_or(const Json& obj, const char* key, bool fallback, const std::string& where)
{
    const Json* v = find(obj, key);
    if (!v) return fallback;
    if (!v->is_boolean()) throw Error(path(where, key) + ": expected true or false, found " + v->type_name());
    return v->get<bool>();
}

int64_t get_integer_or(const Json& obj, const char* key, int64_t fallback, const std::string& where)
{
    const Json* v = find(obj, key);
    return v ? expect_integer(*v, path(where, key)) : fallback;
}

std::string path(const std::string& where, const std::string& key)
{
    return where.empty() ? key : where + "." + key;
}

std::string quote(const std::string& s, size_t max)
{
    if (s.size() <= max) return "'" + s + "'";
    size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    return "'" + s.substr(0, cut) + "...'";
}

}  // namespace dora::data::json_fields
