#include "models/weight_files.h"

#include "dora/error.h"
#include "io/safetensors_detail.h"
#include "io/json_limits.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace dora::models {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxIndexBytes = 64u << 20;
constexpr size_t kMaxShards = 10000;

// A shard name from the index, resolved inside `dir` or refused.
fs::path shard_path(const fs::path& dir, const std::string& name, const std::string& index)
{
    // quote(): a hostile name may hold a NUL or a newline, which would cut or split the message.
    if (name.empty() || name.find('/') != std::string::npos || name.find('\\') != std::string::npos ||
        name == "." || name == ".." || name.find('\0') != std::string::npos)
        throw Error(index + ": shard " + io::detail::quote(name) + " is not a plain file name in the model folder");
    const fs::path path = dir / name;
    std::error_code error;
    const fs::path real = fs::canonical(path, error);
    if (error)
        throw Error(index + ": shard " + io::detail::quote(name) + " does not exist in " + dir.string());
    const fs::path real_dir = fs::canonical(dir);
    if (real.parent_path() != real_dir)
        throw Error(index + ": shard " + io::detail::quote(name) + " leads out of the model folder (a link to " +
                    real.string() + ")");
    return real;
}

}  // namespace

WeightFiles WeightFiles::open(const std::string& dir_text)
{
    const fs::path dir(dir_text);
    WeightFiles files;
    std::vector<std::pair<std::string, fs::path>> paths;  // as the folder or index names it, and resolved
    const fs::path single = dir / "model.safetensors";
    const fs::path index = dir / "model.safetensors.index.json";
    std::map<std::string, std::string> expected_shard;  // tensor -> shard, from the index
    if (fs::exists(single)) {
        paths.emplace_back("model.safetensors", shard_path(dir, "model.safetensors", single.string()));
        files.m_description = "model.safetensors";
    } else if (fs::exists(index)) {
        std::ifstream in(index, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        if (!in.good() && !in.eof())
            throw Error(index.string() + ": cannot read");
        if (text.str().size() > kMaxIndexBytes)
            throw Error(index.string() + ": larger than 64 MiB, not a shard index");
        io::check_json_depth(text.str(), index.string());
        const nlohmann::json json = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
        if (!json.is_object() || !json.contains("weight_map") || !json["weight_map"].is_object())
            throw Error(index.string() + ": needs a JSON object with a \"weight_map\" object");
        std::map<std::string, fs::path> shards;
        for (auto it = json["weight_map"].begin(); it != json["weight_map"].end(); ++it) {
            if (!it->is_string())
                throw Error(index.string() + ": the shard of " + io::detail::quote(it.key()) + " is not a file name");
            const std::string shard = it->get<std::string>();
            if (!shards.count(shard)) {
                if (shards.size() >= kMaxShards)
                    throw Error(index.string() + ": more than 10000 shards");
                shards[shard] = shard_path(dir, shard, index.string());
            }
            expected_shard[it.key()] = shard;
        }
        for (const auto& [name, path] : shards)
            paths.emplace_back(name, path);
        files.m_description = "model.safetensors.index.json (" + std::to_string(shards.size()) + " shards)";
    } else {
        throw Error(dir_text + ": has no model.safetensors or model.safetensors.index.json");
    }

    // A link inside the folder resolves to another file name: compare the index with the name it gave.
    for (const auto& [listed_name, path] : paths) {
        files.m_files.push_back(std::make_unique<io::SafetensorsFile>(io::SafetensorsFile::open(path.string())));
        const io::SafetensorsFile* file = files.m_files.back().get();
        for (const io::TensorEntry& entry : file->header().tensors) {
            auto [it, inserted] = files.m_tensors.emplace(entry.name, Found{file, &entry});
            if (!inserted)
                throw Error(path.string() + ": tensor " + io::detail::quote(entry.name) + " is also in " + it->second.file->path());
            auto listed = expected_shard.find(entry.name);
            if (!expected_shard.empty() && listed != expected_shard.end() && listed_name != listed->second)
                throw Error(path.string() + ": tensor " + io::detail::quote(entry.name) + " is listed in the index under " +
                            io::detail::quote(listed->second));
        }
    }
    for (const auto& [tensor, shard] : expected_shard)
        if (!files.m_tensors.count(tensor))
            throw Error(index.string() + ": lists " + io::detail::quote(tensor) + " in " + io::detail::quote(shard) +
                        ", which does not hold it");
    return files;
}

WeightFiles::Found WeightFiles::find(const std::string& name) const
{
    auto it = m_tensors.find(name);
    return it == m_tensors.end() ? Found{} : it->second;
}

std::string WeightFiles::describe() const { return m_description; }

std::vector<std::string> WeightFiles::file_paths() const
{
    std::vector<std::string> paths;
    for (const auto& file : m_files)
        paths.push_back(file->path());
    return paths;
}

}  // namespace dora::models
