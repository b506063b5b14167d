#include "io/json_limits.h"

#include "dora/error.h"

namespace dora::io {

void check_json_depth(const std::string& text, const std::string& label, int max_depth)
{
    int depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\')
                ++i;  // the escaped character cannot end the string
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth)
                throw Error(label + ": the JSON is nested more than " + std::to_string(max_depth) + " levels deep");
        } else if (c == ']' || c == '}') {
            --depth;  // unbalanced text is the parser's to report
        }
    }
}

std::string json_excerpt(const nlohmann::json& value, size_t max)
{
    // Replacing invalid UTF-8 keeps dump() from throwing on a string the parser let through.
    std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (text.size() <= max)
        return text;
    while (max > 0 && (static_cast<unsigned char>(text[max]) & 0xC0) == 0x80) --max;
    return text.substr(0, max) + "...";
}

}  // namespace dora::io
