// Reading and writing .safetensors files: the weight format of Hugging Face models and of the
// adapters DoRA Studio saves. Files come from the internet and from interrupted runs, so everything
// in a header is checked before any offset in it is trusted, and every problem is reported as a
// dora::Error that names the file (and the tensor, and the byte range) in words a user can act on.
// Writing goes through a temporary file and a rename, so a crash or a full disk never leaves a
// half-written checkpoint in place of a good one. Torch-free: callers wrap the raw bytes themselves.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dora::io {

enum class DType { F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL };

size_t dtype_size(DType dtype);
const char* dtype_name(DType dtype);  // "F32", "F16", ... as spelled in the file

struct TensorEntry {
    std::string name;
    DType dtype = DType::F32;
    std::vector<int64_t> shape;
    uint64_t begin = 0, end = 0;  // byte offsets into the data section
    // Product of the shape; throws dora::Error for a negative or overflowing shape, which
    // parse_safetensors has already ruled out for entries it returns.
    int64_t numel() const;
};

struct SafetensorsHeader {
    std::vector<TensorEntry> tensors;  // sorted by begin offset
    std::map<std::string, std::string> metadata;
    uint64_t data_start = 0;  // 8 + header length: where the data section starts in the file
    // Linear search: fine for the few thousand tensors of a real model; build a map for bulk lookups.
    const TensorEntry* find(const std::string& name) const;  // nullptr if absent
};

// Parses and validates the header of a whole file image of `size` bytes. `label` (usually the file
// name) starts every error message. After it returns, every tensor's bytes lie inside the image
// and the tensors tile the data section exactly.
SafetensorsHeader parse_safetensors(const uint8_t* file, size_t size, const std::string& label);

// A read-only memory map of a file, validated with parse_safetensors on open. If another program
// truncates the file while it is mapped, reading the lost pages crashes (SIGBUS); the engine only
// maps files it does not write to at the same time.
class SafetensorsFile {
public:
    static SafetensorsFile open(const std::string& path);  // errors: missing, unreadable, empty, invalid

    SafetensorsFile(SafetensorsFile&& other) noexcept;
    SafetensorsFile& operator=(SafetensorsFile&& other) noexcept;
    SafetensorsFile(const SafetensorsFile&) = delete;
    SafetensorsFile& operator=(const SafetensorsFile&) = delete;
    ~SafetensorsFile();

    const SafetensorsHeader& header() const;
    const std::string& path() const;
    // Pointer into the map. Throws if the entry's range lies outside this file (e.g. an entry from
    // another file's header).
    const uint8_t* tensor_data(const TensorEntry& entry) const;

private:
    SafetensorsFile() = default;
    void unmap() noexcept;

    std::string path_;
    SafetensorsHeader header_;
    const uint8_t* map_ = nullptr;
    size_t size_ = 0;
};

struct TensorToWrite {
    std::string name;
    DType dtype = DType::F32;
    std::vector<int64_t> shape;
    const void* data = nullptr;
    size_t nbytes = 0;
};

// Serialises tensors in the given order (offsets contiguous), header padded with spaces to a
// multiple of 8 bytes. Writes to "<path>.tmp-<pid>", fsyncs, and renames over `path`, so a crash
// mid-write leaves any previous file intact; on any write failure (e.g. a full disk) removes the
// temporary file and throws dora::Error naming the path and the system's reason. Checks that each
// nbytes == numel * dtype_size, that names are unique, and that names and metadata are UTF-8.
void write_safetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

// The same bytes as write_safetensors, in memory (for tests and fuzz seeds).
std::vector<uint8_t> serialize_safetensors(const std::vector<TensorToWrite>& tensors,
                                           const std::map<std::string, std::string>& metadata = {});

// Converts `count` elements of F16, BF16 or F32 data to float32. `src` need not be aligned. Other
// dtypes throw dora::Error. Assumes a little-endian host, like the file format.
void convert_to_f32(DType dtype, const uint8_t* src, int64_t count, float* dst);

}  // namespace dora::io
