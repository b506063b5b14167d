// The weight files of a model folder: one model.safetensors, or shards listed by
// model.safetensors.index.json. Shard names come from an untrusted file, so each must be a plain file
// name inside the folder (no "../", no absolute path, no symlink leading out of it).
#pragma once

#include "io/safetensors.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace dora::models {

class WeightFiles {
public:
    // Throws dora::Error naming the file and the problem.
    static WeightFiles open(const std::string& dir);

    struct Found {
        const io::SafetensorsFile* file = nullptr;
        const io::TensorEntry* entry = nullptr;
        explicit operator bool() const { return entry != nullptr; }
        const uint8_t* bytes() const { return file->tensor_data(*entry); }
    };
    Found find(const std::string& name) const;
    std::string describe() const;  // "model.safetensors" or "model.safetensors.index.json (3 shards)"
    std::vector<std::string> file_paths() const;  // the weight files, resolved, in name order

private:
    std::string m_description;
    std::vector<std::unique_ptr<io::SafetensorsFile>> m_files;
    std::map<std::string, Found> m_tensors;
};

}  // namespace dora::models
