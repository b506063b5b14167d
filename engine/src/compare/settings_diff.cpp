#include "dora/comparison.h"

#include "dora/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

namespace dora {
namespace {

using Json = nlohmann::ordered_json;

void flatten(const Json& value, const std::string& prefix, std::vector<std::pair<std::string, std::string>>& out)
{
    if (value.is_object() && !value.empty()) {
        for (const auto& [key, child] : value.items())
            flatten(child, prefix.empty() ? key : prefix + "." + key, out);
        return;
    }
    out.emplace_back(prefix, value.dump());
}

}  // namespace

std::vector<std::pair<std::string, std::string>> flatten_settings(const std::string& config_json)
{
    Json root;
    try {
        root = Json::parse(config_json);
    } catch (const Json::parse_error& e) {
        throw Error(std::string("a stored run config is not valid JSON: ") + e.what());
    }
    std::vector<std::pair<std::string, std::string>> out;
    flatten(root, "", out);
    return out;
}

std::vector<std::string> differing_settings(const std::vector<std::string>& config_jsons)
{
    std::vector<std::string> order;                       // keys in first-seen order
    std::vector<std::map<std::string, std::string>> maps;  // per config
    for (const std::string& text : config_jsons) {
        std::map<std::string, std::string> values;
        for (auto& [key, value] : flatten_settings(text)) {
            if (std::find(order.begin(), order.end(), key) == order.end())
                order.push_back(key);
            values.emplace(key, std::move(value));
        }
        maps.push_back(std::move(values));
    }
    std::vector<std::string> differing;
    for (const std::string& key : order) {
        if (key == "name")
            continue;
        const auto first = maps.front().find(key);
        const bool same = std::all_of(maps.begin(), maps.end(), [&](const auto& values) {
            const auto it = values.find(key);
            return it != values.end() && first != maps.front().end() && it->second == first->second;
        });
        if (!same)
            differing.push_back(key);
    }
    return differing;
}

}  // namespace dora
