#include "store/run_identity.h"

#include "io/sha256.h"
#include "models/weight_files.h"

#include <filesystem>

namespace dora::store {

std::string identity_of(const ModelSource& model)
{
    if (!model.builtin.empty())
        return "builtin:" + model.builtin;
    namespace fs = std::filesystem;
    std::string identity = model.path + "#config.json:sha256:" + io::sha256_file((fs::path(model.path) / "config.json").string());
    for (const std::string& file : models::WeightFiles::open(model.path).file_paths())
        identity += "#" + fs::path(file).filename().string() + ":sha256:" + io::sha256_file(file);
    return identity;
}

std::string identity_of(const DataConfig& data)
{
    return data.builtin.empty() ? data.path + "#sha256:" + io::sha256_file(data.path) : "builtin:" + data.builtin;
}

}  // namespace dora::store
