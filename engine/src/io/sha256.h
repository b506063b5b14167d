// SHA-256 of a file's contents: the identity of the model and data a run used. The same digest the
// Hugging Face hub shows for a weight file (its Git LFS object id), so a stored run can be matched to
// the exact upload it trained on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace dora::io {

// Lowercase hex digest. Throws dora::Error naming the file when it cannot be read.
std::string sha256_file(const std::string& path);
std::string sha256_bytes(const void* data, size_t size);

}  // namespace dora::io
