// Reading users' data files one checked line at a time (LineReader: size limits, UTF-8, line numbers
// for messages), and the RFC 4180 CSV record parser built on it (CsvReader). Files come from users and
// the internet, so every limit is enforced while reading, and every problem becomes a dora::Error
// that names the file and the line: "data.csv: line 4: 3 fields, the header has 4".
#pragma once

#include <cstdint>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

namespace dora::data {

constexpr size_t kMaxLineBytes = 64ull << 20;
constexpr size_t kMaxCsvColumns = 10000;

// Called about once per MiB read; returning false stops the read with an Error ("...: cancelled").
using ReadProgress = std::function<bool(uint64_t bytes_read, uint64_t file_bytes)>;

// Lines of a regular file without their '\n' (a '\r' before it is kept; callers that want LF only
// strip it). A UTF-8 byte order mark at the start is dropped. Throws dora::Error for a missing file,
// a folder, a file larger than `max_file_bytes`, a line longer than `max_line_bytes` and a line that
// is not valid UTF-8.
class LineReader {
public:
    LineReader(const std::string& path, uint64_t max_file_bytes, size_t max_line_bytes = kMaxLineBytes,
               ReadProgress progress = {});

    bool next(std::string& line);  // false at the end of the file
    int64_t line_number() const { return m_line; }  // of the line `next` returned last, from 1
    bool last_line_ended_with_newline() const { return m_ended_with_newline; }
    uint64_t file_bytes() const { return m_file_bytes; }
    const std::string& path() const { return m_path; }

    [[noreturn]] void fail(const std::string& what) const;                  // "path: what"
    [[noreturn]] void fail_at(int64_t line, const std::string& what) const;  // "path: line N: what"

private:
    bool refill();

    std::string m_path;
    std::ifstream m_in;
    uint64_t m_file_bytes = 0, m_max_file_bytes, m_bytes_read = 0, m_next_progress = 0;
    size_t m_max_line_bytes;
    ReadProgress m_progress;
    std::vector<char> m_buffer;
    size_t m_pos = 0, m_end = 0;
    int64_t m_line = 0;
    bool m_ended_with_newline = false;
};

// RFC 4180 records: fields separated by commas, a field in double quotes may hold commas, line breaks
// and "" for one quote; records end at LF or CRLF. Lenient where that loses nothing: a quote inside
// an unquoted field is kept as a character, a last line without a line break is a record, and blank
// lines are skipped. Strict where guessing would corrupt data: text after a closing quote, a quote
// that is never closed, more than `max_fields` fields, a record longer than `max_record_bytes`.
class CsvReader {
public:
    explicit CsvReader(LineReader& lines, size_t max_fields = kMaxCsvColumns,
                       size_t max_record_bytes = kMaxLineBytes);

    bool next(std::vector<std::string>& fields);   // false at the end of the file
    int64_t record_line() const { return m_record_line; }  // where the record `next` returned starts

private:
    LineReader& m_lines;
    size_t m_max_fields, m_max_record_bytes;
    int64_t m_record_line = 0;
};

}  // namespace dora::data
