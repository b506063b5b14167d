// Safetensors parsing, validation and memory mapping, and dtype conversion (see safetensors.h; the
// writer is in safetensors_write.cpp). The parser treats the file as hostile: a downloaded model can
// be truncated, corrupted or crafted, and an offset trusted without checking becomes an out-of-bounds
// read in the training loop.
#include "io/safetensors.h"

#include "io/safetensors_detail.h"

#include "dora/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <set>
#include <utility>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "safetensors data is little-endian and used in place; a big-endian host would need byte swaps");

namespace dora::io {
namespace {

// Cuts `s` to about `limit` bytes without splitting a UTF-8 character.
std::string clip(const std::string& s, size_t limit)
{
    if (s.size() <= limit) return s;
    while (limit > 0 && (static_cast<unsigned char>(s[limit]) & 0xC0) == 0x80) --limit;
    return s.substr(0, limit) + "...";
}

}  // namespace

namespace detail {

[[noreturn]] void fail(const std::string& label, const std::string& what) { throw Error(label + ": " + what); }

std::string num(uint64_t v) { return std::to_string(v); }
std::string bytes(uint64_t n) { return num(n) + (n == 1 ? " byte" : " bytes"); }

// Names come from the file, so they may hold newlines or be megabytes long; keep messages one line.
std::string quote(const std::string& name)
{
    std::string out = "'";
    for (char ch : clip(name, 120)) {
        if (static_cast<unsigned char>(ch) >= 0x20 && ch != 0x7F) {
            out += ch;
            continue;
        }
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned char>(ch));
        out += buf;
    }
    return out + "'";
}

std::string shape_str(const std::vector<int64_t>& shape)
{
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

// Offset of the first byte that breaks strict UTF-8 (overlong forms, surrogates and code points past
// U+10FFFF included), or `size` if there is none.
size_t first_invalid_utf8(const uint8_t* p, size_t size)
{
    for (size_t i = 0; i < size;) {
        uint8_t c = p[i];
        size_t len;
        uint32_t cp, min;
        if (c < 0x80) { ++i; continue; }
        if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; min = 0x80; }
        else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; min = 0x800; }
        else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; min = 0x10000; }
        else return i;
        if (size - i < len) return i;
        for (size_t k = 1; k < len; ++k) {
            if ((p[i + k] & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
        i += len;
    }
    return size;
}

bool is_utf8(const std::string& s)
{
    return first_invalid_utf8(reinterpret_cast<const uint8_t*>(s.data()), s.size()) == s.size();
}

// numel * dtype size, or false for a negative size or a product past 64 bits. A zero anywhere makes
// the product zero even when the other sizes would overflow together.
bool byte_count(const std::vector<int64_t>& shape, DType dtype, uint64_t* out)
{
    uint64_t n = std::find(shape.begin(), shape.end(), 0) != shape.end() ? 0 : dtype_size(dtype);
    for (int64_t d : shape)
        if (d < 0 || __builtin_mul_overflow(n, static_cast<uint64_t>(d), &n)) return false;
    *out = n;
    return true;
}

}  // namespace detail

using namespace detail;

namespace {

using json = nlohmann::json;

constexpr int kMaxJsonDepth = 32;  // a valid header nests 3 deep; this only stops absurd inputs early
const std::string kDamaged = "; the file is damaged or is not a safetensors file";
const DType kAllDTypes[] = {DType::F32, DType::F16, DType::BF16, DType::F64, DType::I64,
                            DType::I32, DType::I16, DType::I8,   DType::U8,  DType::BOOL};

std::string kind_of(const json& j)
{
    if (j.is_number_float()) return "a decimal number";
    if (j.is_number()) return "a number";
    std::string t = j.type_name();
    return (t == "object" || t == "array" ? "an " : "a ") + t;
}

// A first, DOM-free pass over the header. nlohmann keeps the last of duplicate keys without a word,
// which would let a second entry hide the first, so this tracks the keys of every open object. It also
// caps nesting and the tensor count before any DOM is built, and reports syntax errors. (nlohmann's
// parser callbacks could check keys too, but they rescan the parent object after each child object,
// which is quadratic: a million-tensor header would take hours.)
struct HeaderCheck : json::json_sax_t {
    struct Frame {
        std::string owner;  // the key whose value this object is ("" for the root)
        std::set<std::string> keys;
        std::string last_key;
    };
    std::string label;
    std::vector<Frame> objects;
    int depth = 0;

    explicit HeaderCheck(std::string l) : label(std::move(l)) {}
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_array(std::size_t) override { return enter(); }
    bool end_array() override { --depth; return true; }
    bool start_object(std::size_t) override
    {
        objects.push_back({objects.empty() ? "" : objects.back().last_key, {}, {}});
        return enter();
    }
    bool end_object() override
    {
        objects.pop_back();
        --depth;
        return true;
    }
    bool enter()
    {
        if (++depth > kMaxJsonDepth)
            fail(label, "the header is nested more than " + num(kMaxJsonDepth) + " levels deep" + kDamaged);
        return true;
    }
    bool key(string_t& key) override
    {
        Frame& f = objects.back();
        const bool all_objects = depth == static_cast<int>(objects.size());  // no arrays on the way down
        if (!f.keys.insert(key).second) {
            if (all_objects && depth == 1)
                fail(label, "the header lists the tensor " + quote(key) + " twice" + kDamaged);
            if (all_objects && depth == 2 && f.owner == "__metadata__")
                fail(label, "the metadata lists the key " + quote(key) + " twice" + kDamaged);
            if (all_objects && depth == 2)
                fail(label, "tensor " + quote(f.owner) + " has the field " + quote(key) + " twice" + kDamaged);
            fail(label, "the header repeats the key " + quote(key) + kDamaged);
        }
        if (depth == 1 && f.keys.size() > kMaxTensors + 1)  // +1 for __metadata__; exact check after parsing
            fail(label, "the header lists more than " + num(kMaxTensors) + " tensors" + kDamaged);
        f.last_key = key;
        return true;
    }
    bool parse_error(std::size_t position, const std::string&, const json::exception& e) override
    {
        // Keep nlohmann's description ("syntax error while parsing object - unexpected ...", "number
        // overflow parsing '1e400'") but drop its exception id, line/column and echo of the raw input.
        std::string msg = e.what();
        msg = msg.substr(msg.find("] ") + 2);
        if (size_t col = msg.find("column "); col != std::string::npos && msg.find(": ", col) != std::string::npos)
            msg = msg.substr(msg.find(": ", col) + 2);
        msg = msg.substr(0, msg.find("; last read"));
        fail(label, "the header is not valid JSON (" + msg + ", at byte " + num(8 + position) + " of the file)" +
                        kDamaged);
    }
};

json parse_header_json(const uint8_t* begin, size_t n, const std::string& label)
{
    if (size_t bad = first_invalid_utf8(begin, n); bad != n) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02X", begin[bad]);
        fail(label, "the header is not valid UTF-8 text (byte " + num(8 + bad) + " of the file, value " + hex +
                        ", is not allowed there)" + kDamaged);
    }
    HeaderCheck check(label);
    json::sax_parse(begin, begin + n, &check);
    try {
        return json::parse(begin, begin + n);
    } catch (const json::exception& e) {  // not expected after the check above; kept so only dora::Error escapes
        fail(label, std::string("the header could not be read (") + e.what() + ")" + kDamaged);
    }
}

// A JSON integer >= 0 and <= max; false otherwise (negative, decimal, too large, not a number).
bool get_count(const json& j, uint64_t max, uint64_t* out)
{
    if (j.is_number_unsigned()) *out = j.get<uint64_t>();
    else if (j.is_number_integer() && j.get<int64_t>() >= 0) *out = static_cast<uint64_t>(j.get<int64_t>());
    else return false;
    return *out <= max;
}

TensorEntry parse_entry(const std::string& name, const json& v, uint64_t data_size, const std::string& label)
{
    const std::string t = "tensor " + quote(name);
    if (!v.is_object())
        fail(label, t + " is described by " + kind_of(v) + " instead of an object with dtype, shape and data_offsets" +
                        kDamaged);
    for (const auto& item : v.items())
        if (item.key() != "dtype" && item.key() != "shape" && item.key() != "data_offsets")
            fail(label, t + " has an unexpected field " + quote(item.key()) +
                            " (expected only dtype, shape and data_offsets)" + kDamaged);
    for (const char* field : {"dtype", "shape", "data_offsets"})
        if (!v.contains(field)) fail(label, t + " has no '" + field + "' field" + kDamaged);

    TensorEntry e;
    e.name = name;
    const json& dt = v["dtype"];
    if (!dt.is_string())
        fail(label, t + " has " + kind_of(dt) + " as its dtype instead of a name like \"F32\"" + kDamaged);
    auto it = std::find_if(std::begin(kAllDTypes), std::end(kAllDTypes),
                           [&](DType d) { return dt.get_ref<const std::string&>() == dtype_name(d); });
    if (it == std::end(kAllDTypes))
        fail(label, t + " has the data type " + quote(dt.get<std::string>()) +
                        ", which DoRA Studio does not support (it reads F32, F16, BF16, F64, I64, I32, I16, I8, U8 "
                        "and BOOL)");
    e.dtype = *it;

    const json& sh = v["shape"];
    if (!sh.is_array()) fail(label, t + " has " + kind_of(sh) + " as its shape instead of a list of sizes" + kDamaged);
    if (sh.size() > kMaxDims)
        fail(label, t + " has " + num(sh.size()) + " dimensions; at most " + num(kMaxDims) + " are allowed" + kDamaged);
    for (size_t i = 0; i < sh.size(); ++i) {
        uint64_t d;
        if (!get_count(sh[i], INT64_MAX, &d))
            fail(label, t + " has " + clip(sh[i].dump(), 60) + " as size " + num(i + 1) +
                            " of its shape; sizes must be whole numbers of 0 or more" + kDamaged);
        e.shape.push_back(static_cast<int64_t>(d));
    }

    const json& off = v["data_offsets"];
    if (!off.is_array() || off.size() != 2 || !get_count(off[0], UINT64_MAX, &e.begin) ||
        !get_count(off[1], UINT64_MAX, &e.end))
        fail(label, t + " has data_offsets " + clip(off.dump(), 60) + " instead of two whole numbers [begin, end]" +
                        kDamaged);
    if (e.begin > e.end)
        fail(label, t + " starts at byte " + num(e.begin) + " of the data section but ends before that, at byte " +
                        num(e.end) + kDamaged);
    if (e.end > data_size)
        fail(label, t + " ends at byte " + num(e.end) + " of the data section but the data section has " +
                        bytes(data_size) + "; the file is probably cut short (an incomplete download or copy?)");
    uint64_t need;
    if (!byte_count(e.shape, e.dtype, &need))
        fail(label, t + " has the shape " + shape_str(e.shape) + ", which is far too large to be real" + kDamaged);
    if (need != e.end - e.begin)
        fail(label, t + " has the shape " + shape_str(e.shape) + " of " + dtype_name(e.dtype) + ", which needs " +
                        bytes(need) + ", but its data_offsets [" + num(e.begin) + ", " + num(e.end) + "] cover " +
                        bytes(e.end - e.begin) + kDamaged);
    return e;
}

// The tensors must cover the data section exactly once: an overlap would let writing one tensor
// corrupt another, and a gap or trailing bytes mean the header and the data disagree.
void check_tiling(const std::vector<TensorEntry>& sorted, uint64_t data_size, const std::string& label)
{
    auto range = [](const TensorEntry& x) {
        return quote(x.name) + " (bytes " + num(x.begin) + " to " + num(x.end) + ")";
    };
    uint64_t covered = 0;
    const TensorEntry* prev = nullptr;
    for (const TensorEntry& e : sorted) {
        if (e.begin < covered)
            fail(label, "tensors " + range(*prev) + " and " + range(e) + " overlap in the data section" + kDamaged);
        if (e.begin > covered)
            fail(label, "bytes " + num(covered) + " to " + num(e.begin) + " of the data section belong to no tensor (" +
                            (prev ? "between " + quote(prev->name) + " and " : "before ") + quote(e.name) + ")" +
                            kDamaged);
        covered = e.end;
        prev = &e;
    }
    if (sorted.empty() && data_size > 0)
        fail(label, "the header lists no tensors but the data section has " + bytes(data_size) + kDamaged);
    if (covered != data_size)
        fail(label, "the data section has " + bytes(data_size) + " but the tensors use only the first " +
                        num(covered) + kDamaged);
}

float half_to_float(uint16_t h)
{
    uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16, exp = (h >> 10) & 0x1F, man = h & 0x3FF, bits;
    if (exp == 0x1F) bits = sign | 0x7F800000 | (man << 13);  // inf / nan
    else if (exp != 0) bits = sign | ((exp + 112) << 23) | (man << 13);
    else if (man == 0) bits = sign;
    else {  // a subnormal half is a normal float: shift the mantissa up until its leading 1 is implicit
        uint32_t e = 113;
        while ((man & 0x400) == 0) { man <<= 1; --e; }
        bits = sign | (e << 23) | ((man & 0x3FF) << 13);
    }
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

}  // namespace

size_t dtype_size(DType d)
{
    switch (d) {
    case DType::F64: case DType::I64: return 8;
    case DType::F32: case DType::I32: return 4;
    case DType::F16: case DType::BF16: case DType::I16: return 2;
    case DType::I8: case DType::U8: case DType::BOOL: return 1;
    }
    throw Error("unknown tensor data type " + std::to_string(static_cast<int>(d)));
}

const char* dtype_name(DType d)
{
    static const char* const names[] = {"F32", "F16", "BF16", "F64", "I64", "I32", "I16", "I8", "U8", "BOOL"};
    const size_t i = static_cast<size_t>(d);
    if (i >= std::size(names)) throw Error("unknown tensor data type " + num(i));
    return names[i];
}

int64_t TensorEntry::numel() const
{
    uint64_t n;
    if (!byte_count(shape, DType::U8, &n) || n > static_cast<uint64_t>(INT64_MAX))
        throw Error("tensor " + quote(name) + " has the shape " + shape_str(shape) +
                    ", which has a negative or far too large size");
    return static_cast<int64_t>(n);
}

const TensorEntry* SafetensorsHeader::find(const std::string& name) const
{
    for (const TensorEntry& e : tensors)
        if (e.name == name) return &e;
    return nullptr;
}

SafetensorsHeader parse_safetensors(const uint8_t* file, size_t size, const std::string& label)
{
    if (size < 8)
        fail(label, "the file is only " + bytes(size) + " long, too short to be a safetensors file; it may have "
                                                       "been cut off while downloading or copying");
    uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = (n << 8) | file[i];
    if (n > size - 8)
        fail(label, "the header should be " + bytes(n) + " long but the rest of the file is only " + bytes(size - 8) +
                        "; the file is cut short, damaged, or not a safetensors file");
    if (n > kMaxHeaderBytes)
        fail(label, "the header is " + bytes(n) + " long, more than the 100 MiB allowed" + kDamaged);

    const json root = parse_header_json(file + 8, static_cast<size_t>(n), label);
    if (!root.is_object()) fail(label, "the header is " + kind_of(root) + " instead of a JSON object" + kDamaged);
    if (root.size() - root.count("__metadata__") > kMaxTensors)
        fail(label, "the header lists more than " + num(kMaxTensors) + " tensors" + kDamaged);
    SafetensorsHeader h;
    h.data_start = 8 + n;
    const uint64_t data_size = size - h.data_start;
    for (const auto& item : root.items()) {
        if (item.key() != "__metadata__") {
            h.tensors.push_back(parse_entry(item.key(), item.value(), data_size, label));
            continue;
        }
        if (!item.value().is_object())
            fail(label, "the metadata is " + kind_of(item.value()) + " instead of an object" + kDamaged);
        for (const auto& m : item.value().items()) {
            if (!m.value().is_string())
                fail(label, "the metadata entry " + quote(m.key()) + " is " + kind_of(m.value()) + " instead of text" +
                                kDamaged);
            h.metadata[m.key()] = m.value().get<std::string>();
        }
    }
    // Empty tensors sort before a neighbour at the same offset, so they never look like an overlap.
    std::stable_sort(h.tensors.begin(), h.tensors.end(), [](const TensorEntry& a, const TensorEntry& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    check_tiling(h.tensors, data_size, label);
    return h;
}

SafetensorsFile SafetensorsFile::open(const std::string& path)
{
    SafetensorsFile f;
    f.path_ = path;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        fail(path, errno == ENOENT ? "file not found" : std::string("cannot open the file: ") + std::strerror(errno));
    struct stat st {};
    const char* problem = nullptr;
    if (::fstat(fd, &st) != 0) problem = "cannot read the file";
    else if (S_ISDIR(st.st_mode)) problem = "this is a folder, not a .safetensors file";
    else if (!S_ISREG(st.st_mode)) problem = "this is not a regular file";
    else if (st.st_size == 0)
        problem = "the file is empty (0 bytes); it may have been cut off while downloading or copying";
    void* p = problem ? MAP_FAILED : ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    const int err = errno;
    ::close(fd);  // a mapping stays valid after its descriptor is closed
    if (problem) fail(path, problem);
    if (p == MAP_FAILED) fail(path, std::string("cannot read the file: ") + std::strerror(err));
    f.map_ = static_cast<const uint8_t*>(p);
    f.size_ = static_cast<size_t>(st.st_size);
    f.header_ = parse_safetensors(f.map_, f.size_, path);  // if this throws, ~SafetensorsFile unmaps
    return f;
}

SafetensorsFile::SafetensorsFile(SafetensorsFile&& o) noexcept
    : path_(std::move(o.path_)), header_(std::move(o.header_)), map_(std::exchange(o.map_, nullptr)),
      size_(std::exchange(o.size_, 0))
{
}

SafetensorsFile& SafetensorsFile::operator=(SafetensorsFile&& o) noexcept
{
    if (this != &o) {
        unmap();
        path_ = std::move(o.path_);
        header_ = std::move(o.header_);
        map_ = std::exchange(o.map_, nullptr);
        size_ = std::exchange(o.size_, 0);
    }
    return *this;
}

SafetensorsFile::~SafetensorsFile() { unmap(); }

void SafetensorsFile::unmap() noexcept
{
    if (map_) ::munmap(const_cast<uint8_t*>(map_), size_);
    map_ = nullptr;
    size_ = 0;
}

const SafetensorsHeader& SafetensorsFile::header() const { return header_; }
const std::string& SafetensorsFile::path() const { return path_; }

const uint8_t* SafetensorsFile::tensor_data(const TensorEntry& e) const
{
    const uint64_t data_size = map_ ? size_ - header_.data_start : 0;
    if (e.begin > e.end || e.end > data_size)
        fail(path_, "tensor " + quote(e.name) + " (bytes " + num(e.begin) + " to " + num(e.end) +
                        ") is not part of this file");
    return map_ + header_.data_start + e.begin;
}

void convert_to_f32(DType dtype, const uint8_t* src, int64_t count, float* dst)
{
    if (count < 0) throw Error("cannot convert a negative number of elements (" + std::to_string(count) + ")");
    const size_t n = static_cast<size_t>(count);
    switch (dtype) {
    case DType::F32:
        if (n > 0) std::memcpy(dst, src, n * 4);
        return;
    case DType::BF16:  // bfloat16 is the top half of a float32
        for (size_t i = 0; i < n; ++i) {
            const uint32_t bits = (uint32_t(src[2 * i]) | uint32_t(src[2 * i + 1]) << 8) << 16;
            std::memcpy(&dst[i], &bits, 4);
        }
        return;
    case DType::F16:
        for (size_t i = 0; i < n; ++i) dst[i] = half_to_float(static_cast<uint16_t>(src[2 * i] | src[2 * i + 1] << 8));
        return;
    default:
        throw Error(std::string("cannot convert ") + dtype_name(dtype) +
                    " data to 32-bit floats; only F32, F16 and BF16 can be converted");
    }
}

}  // namespace dora::io
