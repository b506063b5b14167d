// Private to engine/src/io: what the safetensors reader (safetensors.cpp, which defines these) and
// writer (safetensors_write.cpp) share, so both agree on the limits, the size arithmetic and the
// wording of their one-line error messages.
#pragma once

#include "io/safetensors.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dora::io::detail {

constexpr uint64_t kMaxHeaderBytes = 100ull * 1024 * 1024;
constexpr size_t kMaxTensors = 1000000;
constexpr size_t kMaxDims = 64;

[[noreturn]] void fail(const std::string& label, const std::string& what);  // throws Error("label: what")
std::string num(uint64_t v);
std::string bytes(uint64_t n);                       // "1 byte", "12 bytes"
std::string quote(const std::string& name);          // 'name', clipped, control characters as \xNN
std::string shape_str(const std::vector<int64_t>& shape);  // "[2, 3]"

// Offset of the first byte that breaks strict UTF-8, or `size` if there is none.
size_t first_invalid_utf8(const uint8_t* p, size_t size);
bool is_utf8(const std::string& s);

// numel * dtype size, or false for a negative size or a product past 64 bits.
bool byte_count(const std::vector<int64_t>& shape, DType dtype, uint64_t* out);

}  // namespace dora::io::detail
