// LineReader and CsvReader (see csv_table.h), and read_csv_dataset (declared in dataset_files.h)
// on top of them.
#include "data/csv_table.h"

#include "data/dataset_files.h"

#include "io/safetensors_detail.h"  // first_invalid_utf8, shared with the safetensors header check

#include "dora/error.h"

#include <cerrno>
#include <charconv>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <unordered_map>

namespace dora::data {
namespace {

constexpr size_t kReadChunk = 1u << 20;

std::string size_text(uint64_t n)
{
    if (n < 1024) return std::to_string(n) + (n == 1 ? " byte" : " bytes");
    const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(n) / 1024;
    int u = 0;
    while (v >= 1024 && u < 3) { v /= 1024; ++u; }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
    return buf;
}

// A CSV cell as a float (surrounding spaces and a leading '+' allowed), or why it is not one.
const char* parse_float(const std::string& text, float* out)
{
    size_t begin = text.find_first_not_of(" \t"), end = text.find_last_not_of(" \t");
    if (begin == std::string::npos) return " is not a number";
    if (text[begin] == '+' && begin < end && text[begin + 1] != '-') ++begin;
    double v = 0;
    auto [ptr, ec] = std::from_chars(text.data() + begin, text.data() + end + 1, v);
    if (ptr != text.data() + end + 1 || (ec != std::errc() && ec != std::errc::result_out_of_range))
        return " is not a number";
    if (ec == std::errc::result_out_of_range || (std::isfinite(v) && std::fabs(v) > FLT_MAX))
        return " is out of range for a 32-bit float";
    if (!std::isfinite(v)) return " is not a finite number";
    *out = static_cast<float>(v);
    return nullptr;
}

}  // namespace

LineReader::LineReader(const std::string& path, uint64_t max_file_bytes, size_t max_line_bytes, ReadProgress progress)
    : m_path(path), m_max_file_bytes(max_file_bytes), m_max_line_bytes(max_line_bytes), m_progress(std::move(progress))
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (st.type() == fs::file_type::not_found) fail("cannot open: no such file");
    if (ec) fail("cannot open: " + ec.message());
    if (fs::is_directory(st)) fail("is a folder, not a file");
    // A FIFO or a device could block forever or never end.
    if (!fs::is_regular_file(st)) fail("is not a regular file");
    m_file_bytes = fs::file_size(path, ec);
    if (ec) fail("cannot read its size: " + ec.message());
    if (m_file_bytes > m_max_file_bytes)
        fail(size_text(m_file_bytes) + ", larger than the limit of " + size_text(m_max_file_bytes) + " for a data file");
    errno = 0;
    m_in.open(path, std::ios::binary);
    if (!m_in) fail(std::string("cannot open: ") + (errno ? std::strerror(errno) : "unknown error"));
    m_buffer.resize(kReadChunk);
}

void LineReader::fail(const std::string& what) const { throw Error(m_path + ": " + what); }

void LineReader::fail_at(int64_t line, const std::string& what) const
{
    fail("line " + std::to_string(line) + ": " + what);
}

bool LineReader::refill()
{
    m_pos = 0;
    m_end = 0;
    if (!m_in) return false;
    m_in.read(m_buffer.data(), static_cast<std::streamsize>(m_buffer.size()));
    m_end = static_cast<size_t>(m_in.gcount());
    if (m_in.bad()) fail_at(m_line + 1, "read error");
    if (m_end == 0) return false;
    m_bytes_read += m_end;
    if (m_bytes_read > m_max_file_bytes)
        fail("grew past the limit of " + size_text(m_max_file_bytes) + " for a data file while being read");
    if (m_progress && !m_progress(m_bytes_read, m_file_bytes)) fail("cancelled");
    return true;
}

bool LineReader::next(std::string& line)
{
    line.clear();
    bool any = false;
    for (;;) {
        if (m_pos == m_end && !refill()) {
            if (!any) return false;
            m_ended_with_newline = false;
            break;
        }
        any = true;
        const char* start = m_buffer.data() + m_pos;
        const void* newline = std::memchr(start, '\n', m_end - m_pos);
        const size_t n = newline ? static_cast<size_t>(static_cast<const char*>(newline) - start) : m_end - m_pos;
        if (line.size() + n > m_max_line_bytes)
            fail_at(m_line + 1, "longer than the limit of " + size_text(m_max_line_bytes) + " for one line");
        line.append(start, n);
        m_pos += n;
        if (newline) {
            ++m_pos;
            m_ended_with_newline = true;
            break;
        }
    }
    ++m_line;
    if (m_line == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
    const size_t bad = io::detail::first_invalid_utf8(reinterpret_cast<const uint8_t*>(line.data()), line.size());
    if (bad != line.size()) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(line[bad]));
        fail("line " + std::to_string(m_line) + ", byte " + std::to_string(bad + 1) + ": not valid UTF-8 text (" + hex +
             "); save the file as UTF-8");
    }
    return true;
}

CsvReader::CsvReader(LineReader& lines, size_t max_fields, size_t max_record_bytes)
    : m_lines(lines), m_max_fields(max_fields), m_max_record_bytes(max_record_bytes)
{
}

bool CsvReader::next(std::vector<std::string>& fields)
{
    fields.clear();
    std::string line;
    do {
        if (!m_lines.next(line)) return false;
    } while (line.empty() || line == "\r");
    m_record_line = m_lines.line_number();

    enum class State { FieldStart, Unquoted, Quoted, AfterQuote } state = State::FieldStart;
    std::string field;
    size_t record_bytes = line.size();
    auto end_field = [&] {
        if (fields.size() == m_max_fields)
            m_lines.fail_at(m_lines.line_number(), "more than " + std::to_string(m_max_fields) + " fields, the limit");
        fields.push_back(std::move(field));
        field.clear();
        state = State::FieldStart;
    };
    for (size_t i = 0;;) {
        if (i == line.size()) {
            if (state != State::Quoted) {
                end_field();
                return true;
            }
            // A line break inside quotes belongs to the field.
            std::string more;
            if (!m_lines.next(more))
                m_lines.fail_at(m_record_line, "field " + std::to_string(fields.size() + 1) +
                                                   ": the quote that opens it is never closed");
            record_bytes += more.size() + 1;
            if (record_bytes > m_max_record_bytes)
                m_lines.fail_at(m_record_line, "field " + std::to_string(fields.size() + 1) +
                                                   ": a quoted field longer than the limit for one record "
                                                   "(a quote that is never closed?)");
            field += '\n';
            line = std::move(more);
            i = 0;
            continue;
        }
        const char c = line[i++];
        const bool line_end_cr = c == '\r' && i == line.size();  // the CR of a CRLF record end
        switch (state) {
        case State::FieldStart:
            if (c == '"') state = State::Quoted;
            else if (c == ',') end_field();
            else if (!line_end_cr) { field += c; state = State::Unquoted; }
            break;
        case State::Unquoted:
            if (c == ',') end_field();
            else if (!line_end_cr) field += c;
            break;
        case State::Quoted:
            if (c == '"') state = State::AfterQuote;
            else field += c;
            break;
        case State::AfterQuote:
            if (c == '"') { field += '"'; state = State::Quoted; }
            else if (c == ',') end_field();
            else if (!line_end_cr)
                m_lines.fail_at(m_lines.line_number(), "field " + std::to_string(fields.size() + 1) +
                                                           ": text after the closing quote (write a quote inside "
                                                           "a quoted field as \"\")");
            break;
        }
    }
}

TabularDataset read_csv_dataset(const std::string& path, const std::string& label_column)
{
    using io::detail::quote;
    LineReader lines(path, 1ull << 30);
    CsvReader csv(lines);
    std::vector<std::string> header, fields;
    if (!csv.next(header)) lines.fail("has no samples: the file is empty");
    const int64_t header_line = csv.record_line();
    if (header.size() < 2)
        lines.fail_at(header_line, "the header has 1 column; a CSV dataset needs feature columns and a label column");
    std::unordered_map<std::string, size_t> column_of;
    for (size_t c = 0; c < header.size(); ++c)
        if (!column_of.emplace(header[c], c).second)
            lines.fail_at(header_line, "column " + quote(header[c]) + " appears twice in the header");
    size_t label = header.size() - 1;
    if (!label_column.empty()) {
        auto it = column_of.find(label_column);
        if (it == column_of.end()) {
            std::string names;
            for (size_t c = 0; c < header.size() && c < 20; ++c) names += (c ? ", " : "") + quote(header[c]);
            lines.fail("no label column " + quote(label_column) + "; the header has " + names +
                       (header.size() > 20 ? ", ..." : ""));
        }
        label = it->second;
    }

    TabularDataset d;
    for (size_t c = 0; c < header.size(); ++c)
        if (c != label) d.feature_names.push_back(header[c]);
    std::unordered_map<std::string, int64_t> class_of;
    while (csv.next(fields)) {
        const std::string at = "line " + std::to_string(csv.record_line());
        if (fields.size() != header.size())
            lines.fail(at + ": " + std::to_string(fields.size()) + (fields.size() == 1 ? " field" : " fields") +
                       ", the header has " + std::to_string(header.size()));
        for (size_t c = 0; c < fields.size(); ++c) {
            const std::string where = at + ", column " + quote(header[c]) + ": ";
            if (c == label) {
                if (fields[c].empty()) lines.fail(where + "the label is empty");
                auto [it, added] = class_of.emplace(fields[c], static_cast<int64_t>(d.classes.size()));
                if (added) d.classes.push_back(fields[c]);
                d.labels.push_back(it->second);
                continue;
            }
            float v = 0;
            if (const char* wrong = parse_float(fields[c], &v)) lines.fail(where + quote(fields[c]) + wrong);
            d.features.push_back(v);
        }
        ++d.rows;
    }
    if (d.rows == 0) lines.fail("has no samples: a header but no rows");
    return d;
}

}  // namespace dora::data
