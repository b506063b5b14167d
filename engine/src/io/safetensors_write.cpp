// Writing .safetensors files (see safetensors.h): the header is built and checked in memory first, then
// the file goes to a temporary name, is fsynced and renamed over the target, so a crash or a full disk
// never leaves a half-written checkpoint where a good one was. The reader is in safetensors.cpp.
#include "io/safetensors.h"

#include "io/file_writer.h"
#include "io/safetensors_detail.h"
#include "testing/crash_points.h"

#include "dora/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include <fcntl.h>
#include <unistd.h>

namespace dora::io {

using namespace detail;

namespace {

using json = nlohmann::json;

// The file up to its data section: the header length, then the JSON header padded with spaces so the
// data section starts 8-byte aligned.
std::string build_header(const std::vector<TensorToWrite>& tensors, const std::map<std::string, std::string>& metadata,
                         const std::string& label)
{
    if (tensors.size() > kMaxTensors)
        fail(label, num(tensors.size()) + " tensors are more than the " + num(kMaxTensors) + " a file may hold");
    // Built as text, entry by entry: it keeps the caller's order, and nlohmann's ordered_json would
    // look up each new key linearly (quadratic for big models). dump() escapes the names.
    std::string s = "{";
    if (!metadata.empty()) {
        for (const auto& [k, v] : metadata)
            if (!is_utf8(k) || !is_utf8(v)) fail(label, "the metadata entry " + quote(k) + " is not valid UTF-8 text");
        s += "\"__metadata__\":" + json(metadata).dump();
    }
    std::set<std::string> names;
    uint64_t offset = 0;
    for (const TensorToWrite& t : tensors) {
        const std::string q = "tensor " + quote(t.name);
        if (!is_utf8(t.name)) fail(label, q + " has a name that is not valid UTF-8 text");
        if (t.name == "__metadata__") fail(label, "a tensor cannot be named '__metadata__'");
        if (!names.insert(t.name).second) fail(label, q + " is listed twice");
        if (t.shape.size() > kMaxDims) fail(label, q + " has more than " + num(kMaxDims) + " dimensions");
        uint64_t need;
        if (!byte_count(t.shape, t.dtype, &need))
            fail(label, q + " has the shape " + shape_str(t.shape) + ", which has a negative or far too large size");
        if (need != t.nbytes)
            fail(label, q + " has " + bytes(t.nbytes) + " of data but its shape " + shape_str(t.shape) + " of " +
                            dtype_name(t.dtype) + " needs " + bytes(need));
        if (t.nbytes > 0 && t.data == nullptr) fail(label, q + " has no data");
        s += (s.size() > 1 ? "," : "") + json(t.name).dump() + ":{\"dtype\":\"" + dtype_name(t.dtype) +
             "\",\"shape\":" + json(t.shape).dump() + ",\"data_offsets\":[" + num(offset) + "," +
             num(offset + t.nbytes) + "]}";
        offset += t.nbytes;
    }
    s += "}";
    s.append((8 - s.size() % 8) % 8, ' ');
    if (s.size() > kMaxHeaderBytes) fail(label, "the header would be larger than 100 MiB (too many or too long names)");
    std::string len(8, '\0');  // little-endian header length in front
    for (int i = 0; i < 8; ++i) len[i] = static_cast<char>(static_cast<uint64_t>(s.size()) >> (8 * i));
    return len + s;
}

}  // namespace

std::vector<uint8_t> serialize_safetensors(const std::vector<TensorToWrite>& tensors,
                                           const std::map<std::string, std::string>& metadata)
{
    const std::string header = build_header(tensors, metadata, "cannot save tensors");
    std::vector<uint8_t> out(header.begin(), header.end());
    for (const TensorToWrite& t : tensors) {
        const uint8_t* p = static_cast<const uint8_t*>(t.data);
        if (t.nbytes > 0) out.insert(out.end(), p, p + t.nbytes);
    }
    return out;
}

void write_safetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                       const std::map<std::string, std::string>& metadata)
{
    const std::string header = build_header(tensors, metadata, path);
    const std::string tmp = path + ".tmp-" + num(static_cast<uint64_t>(::getpid()));
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 && errno == ENOENT) fail(path, "cannot save: the folder does not exist");
    if (fd < 0) fail(path, "cannot save: creating '" + tmp + "' failed: " + std::strerror(errno));

    // After any failure, remove the temporary file so it cannot fill the disk further.
    auto give_up = [&](const char* step) {
        const int err = errno;
        if (fd >= 0) ::close(fd);
        ::unlink(tmp.c_str());
        fail(path, std::string("cannot save (") + step + " failed: " + std::strerror(err) +
                       "); any earlier version of the file is unchanged");
    };
    auto write_all = [&](const void* data, size_t n) {
        if (!write_fully(fd, data, n)) give_up("writing");
    };
    write_all(header.data(), header.size());
    for (const TensorToWrite& t : tensors) write_all(t.data, t.nbytes);
    if (::fsync(fd) != 0) give_up("flushing to disk");
    const int rc = ::close(fd);
    fd = -1;
    if (rc != 0) give_up("closing");
    testing::crash_point("file-before-rename");
    if (::rename(tmp.c_str(), path.c_str()) != 0) give_up("replacing the old file");

    // Make the rename itself durable; some file systems refuse to open or sync a folder, which is fine.
    const size_t slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

}  // namespace dora::io
