// Text, JSONL and Alpaca readers (see dataset_files.h; CSV is in csv_table.cpp). JSON is read through
// nlohmann's SAX interface, keeping only the top-level string fields of each object: a JSON array
// of examples streams from the file instead of becoming one large DOM, and deep nesting in a hostile
// file costs a counter, not the stack.
#include "data/dataset_files.h"

#include "data/csv_table.h"

#include "dora/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iterator>
#include <map>

namespace dora::data {
namespace {

using json = nlohmann::json;

constexpr size_t kTextChunkBytes = 1u << 20;

std::string count_of(size_t n, const char* noun) { return std::to_string(n) + " " + noun + (n == 1 ? "" : "s"); }

bool is_blank(const std::string& s)
{
    return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

// Packs a token stream into blocks of seq_len + 1 ids; the last id of a block starts the next, so
// every token after the first is a target exactly once.
class Packer {
public:
    Packer(int seq_len, size_t max_samples, std::vector<TokenizedSample>& out)
        : m_seq_len(static_cast<size_t>(seq_len)), m_max_samples(max_samples), m_out(out) {}

    bool full() const { return m_max_samples != 0 && m_out.size() >= m_max_samples; }

    void push(const std::vector<int64_t>& ids)
    {
        m_pending.insert(m_pending.end(), ids.begin(), ids.end());
        size_t start = 0;
        while (m_pending.size() - start >= m_seq_len + 1 && !full()) {
            emit(start, m_seq_len + 1);
            start += m_seq_len;
        }
        m_pending.erase(m_pending.begin(), m_pending.begin() + static_cast<std::ptrdiff_t>(start));
    }
    void push(int64_t id) { push(std::vector<int64_t>{id}); }

    void finish()
    {
        if (m_pending.size() >= 2 && !full()) emit(0, m_pending.size());
        m_pending.clear();
    }

private:
    void emit(size_t start, size_t n)
    {
        TokenizedSample s;
        s.ids.assign(m_pending.begin() + static_cast<std::ptrdiff_t>(start),
                     m_pending.begin() + static_cast<std::ptrdiff_t>(start + n));
        s.loss_mask.assign(n, 1);
        s.loss_mask[0] = 0;
        m_out.push_back(std::move(s));
    }

    size_t m_seq_len, m_max_samples;
    std::vector<TokenizedSample>& m_out;
    std::vector<int64_t> m_pending;
};

// The top-level fields of one JSON object: strings kept, other values only named by kind.
struct JsonObject {
    std::map<std::string, std::string> strings;
    std::map<std::string, std::string> others;  // key -> "a number", "null", "an object", ...
    std::string where;                          // "line 3" or "line 3: example 2", for messages
};

// A file's lines as one character sequence for nlohmann's parser, so that a JSON array is parsed as
// it is read, within LineReader's limits, and positions are known by line and column.
class LineSource {
public:
    explicit LineSource(LineReader& reader) : m_reader(reader) {}
    bool at_end()
    {
        while (!m_done && m_pos > m_line.size()) {
            if (!m_reader.next(m_next)) m_done = true;  // the last line stays, to place an error at the end
            else { m_line.swap(m_next); m_pos = 0; }
        }
        return m_done;
    }
    char get() const { return m_pos < m_line.size() ? m_line[m_pos] : '\n'; }
    void advance() { ++m_pos; }
    int64_t line() const { return m_reader.line_number(); }
    size_t column() const { return m_pos; }  // of the character read last, from 1

private:
    LineReader& m_reader;
    std::string m_line, m_next;
    size_t m_pos = 1;  // past the (empty) line before the first: the first read fetches line 1
    bool m_done = false;
};

struct LineSourceIterator {
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = char;

    LineSource* source = nullptr;  // nullptr: the end
    char operator*() const { return source->get(); }
    LineSourceIterator& operator++() { source->advance(); return *this; }
    LineSourceIterator operator++(int) { LineSourceIterator old = *this; source->advance(); return old; }
    bool at_end() const { return source == nullptr || source->at_end(); }
    bool operator==(const LineSourceIterator& o) const { return at_end() == o.at_end(); }
    bool operator!=(const LineSourceIterator& o) const { return !(*this == o); }
};

// nlohmann's message without its "[json.exception...] parse error at line 1, column 2: " prefix,
// clipped: a "last read" token may be megabytes of an unterminated string.
std::string json_error_text(const std::exception& e)
{
    std::string what = e.what();
    if (size_t p = what.find("] "); p != std::string::npos) what.erase(0, p + 2);
    if (what.rfind("parse error", 0) == 0)
        if (size_t p = what.find(": "); p != std::string::npos) what.erase(0, p + 2);
    if (what.size() > 200) {
        size_t cut = 200;
        while (cut > 0 && (static_cast<unsigned char>(what[cut]) & 0xC0) == 0x80) --cut;
        what = what.substr(0, cut) + "...";
    }
    return what;
}

// SAX handler that hands each object at `base_depth` (0: the document is one object; 1: the
// document is an array of objects) to `on_object`, which returns false to stop reading.
class ObjectCollector {
public:
    using OnObject = std::function<bool(JsonObject&)>;
    using Locate = std::function<std::string(size_t position)>;  // "line 3" or "line 3, column 9"

    ObjectCollector(const std::string& path, int base_depth, Locate locate, OnObject on_object)
        : m_path(path), m_base(base_depth), m_locate(std::move(locate)), m_on_object(std::move(on_object)) {}

    bool null() { return value("null"); }
    bool boolean(bool) { return value("a boolean"); }
    bool number_integer(json::number_integer_t) { return value("a number"); }
    bool number_unsigned(json::number_unsigned_t) { return value("a number"); }
    bool number_float(json::number_float_t, const std::string&) { return value("a number"); }
    bool binary(json::binary_t&) { return value("binary data"); }
    bool string(std::string& s)
    {
        if (m_depth != m_base + 1) return value("a string");
        m_object.others.erase(m_key);
        m_object.strings[m_key] = std::move(s);
        return true;
    }
    bool key(std::string& k)
    {
        if (m_depth == m_base + 1) m_key = std::move(k);
        return true;
    }
    bool start_object(size_t)
    {
        if (m_depth == m_base) {
            ++m_index;
            m_object = JsonObject{};
            m_object.where = m_locate(0);
            if (m_base == 1) m_object.where += ": example " + std::to_string(m_index);
        } else {
            value("an object");
        }
        ++m_depth;
        return true;
    }
    bool end_object()
    {
        --m_depth;
        return m_depth != m_base || m_on_object(m_object);
    }
    bool start_array(size_t)
    {
        if (!(m_depth == 0 && m_base == 1)) value("an array");
        ++m_depth;
        return true;
    }
    bool end_array()
    {
        --m_depth;
        return true;
    }
    bool parse_error(size_t position, const std::string&, const nlohmann::detail::exception& e)
    {
        throw Error(m_path + ": " + m_locate(position) + ": not valid JSON (" + json_error_text(e) + ")");
    }

private:
    bool value(const char* kind)
    {
        if (m_depth == m_base + 1) {
            m_object.strings.erase(m_key);
            m_object.others[m_key] = kind;
        } else if (m_depth == m_base) {
            const std::string where = m_base == 1 ? m_locate(0) + ": example " + std::to_string(++m_index) : m_locate(0);
            throw Error(m_path + ": " + where + ": " + kind + ", not a JSON object");
        } else if (m_depth < m_base) {
            throw Error(m_path + ": " + m_locate(0) + ": " + kind + ", not a JSON array of objects");
        }
        return true;
    }

    const std::string& m_path;
    int m_base, m_depth = 0;
    Locate m_locate;
    OnObject m_on_object;
    JsonObject m_object;
    std::string m_key;
    size_t m_index = 0;
};

// JSONL: each non-blank line one object.
void for_each_jsonl_object(LineReader& lines, const ObjectCollector::OnObject& on_object)
{
    std::string line;
    bool go_on = true;
    auto locate = [&](size_t position) {
        std::string where = "line " + std::to_string(lines.line_number());
        return position ? where + ", column " + std::to_string(position) : where;
    };
    ObjectCollector collector(lines.path(), 0, locate, [&](JsonObject& o) { return go_on = on_object(o); });
    while (go_on && lines.next(line)) {
        if (is_blank(line)) continue;
        json::sax_parse(line.begin(), line.end(), &collector);
    }
}

// A JSON array of objects, parsed as it is read.
void for_each_array_object(LineReader& lines, const ObjectCollector::OnObject& on_object)
{
    LineSource source(lines);
    auto locate = [&](size_t position) {
        std::string where = "line " + std::to_string(source.line());
        return position ? where + ", column " + std::to_string(source.column()) : where;
    };
    ObjectCollector collector(lines.path(), 1, locate, on_object);
    json::sax_parse(LineSourceIterator{&source}, LineSourceIterator{}, &collector);
}

[[noreturn]] void fail_in(const std::string& path, const JsonObject& o, const std::string& what)
{
    throw Error(path + ": " + o.where + ": " + what);
}

// The string field `key`; nullptr when it is absent (or null, where `null_is_absent`).
const std::string* string_field(const std::string& path, const JsonObject& o, const std::string& key, bool required,
                                bool null_is_absent = false)
{
    if (auto it = o.strings.find(key); it != o.strings.end()) return &it->second;
    auto other = o.others.find(key);
    if (other != o.others.end() && !(null_is_absent && other->second == "null"))
        fail_in(path, o, "\"" + key + "\" is " + other->second + ", not a string");
    if (required) fail_in(path, o, "no \"" + key + "\" field");
    return nullptr;
}

// The first non-whitespace character of the file, or 0 for a file of whitespace.
char first_character(const std::string& path, const TextDatasetOptions& options)
{
    LineReader lines(path, options.max_file_bytes);
    std::string line;
    while (lines.next(line)) {
        for (char c : line)
            if (c != ' ' && c != '\t' && c != '\r') return c;
    }
    return 0;
}

void read_text(LineReader& lines, const TextDatasetOptions& options, const Encode& encode, Packer& packer)
{
    std::string chunk, line;
    bool any = false, after_blank = false;
    auto flush = [&] {
        if (!any && options.bos_id) packer.push(*options.bos_id);  // an empty file stays without samples
        any = true;
        packer.push(encode(chunk));
        chunk.clear();
    };
    while (!packer.full() && lines.next(line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        // Cut where a paragraph starts, so that no piece of the file becomes one huge string.
        if (!line.empty() && after_blank && !chunk.empty()) flush();
        after_blank = line.empty();
        chunk += line;
        if (lines.last_line_ended_with_newline()) chunk += '\n';
        if (chunk.size() >= kTextChunkBytes) flush();
    }
    if (!chunk.empty() && !packer.full()) flush();
    if (any && options.eos_id && !packer.full()) packer.push(*options.eos_id);
}

void read_jsonl_text(LineReader& lines, const TextDatasetOptions& options, const Encode& encode, Packer& packer,
                     std::vector<std::string>& notes, size_t& documents)
{
    size_t empty = 0;
    for_each_jsonl_object(lines, [&](JsonObject& o) {
        ++documents;
        const std::string& text = *string_field(lines.path(), o, "text", true);
        if (text.empty()) {
            ++empty;
            return true;
        }
        if (options.bos_id) packer.push(*options.bos_id);
        packer.push(encode(text));
        if (options.eos_id) packer.push(*options.eos_id);
        return !packer.full();
    });
    if (empty) notes.push_back(count_of(empty, "document") + " skipped: empty \"text\"");
}

void read_alpaca(LineReader& lines, const TextDatasetOptions& options, const Encode& encode,
                 std::vector<TokenizedSample>& out, std::vector<std::string>& notes, size_t& examples)
{
    const size_t max_len = static_cast<size_t>(options.seq_len) + 1;
    size_t long_prompt = 0, no_response = 0, truncated = 0;
    auto add = [&](JsonObject& o) {
        ++examples;
        const std::string& instruction = *string_field(lines.path(), o, "instruction", true);
        const std::string* input = string_field(lines.path(), o, "input", false, true);
        const std::string& output = *string_field(lines.path(), o, "output", true);

        TokenizedSample s;
        if (options.bos_id) s.ids.push_back(*options.bos_id);
        const std::vector<int64_t> prompt = encode(alpaca_prompt(instruction, input ? *input : ""));
        s.ids.insert(s.ids.end(), prompt.begin(), prompt.end());
        const size_t prompt_len = s.ids.size();
        if (prompt_len >= max_len) {
            ++long_prompt;
            return true;
        }
        std::vector<int64_t> response = encode(output);
        if (options.eos_id) response.push_back(*options.eos_id);
        const size_t keep = std::min(response.size(), max_len - prompt_len);
        if (keep < response.size()) ++truncated;
        s.ids.insert(s.ids.end(), response.begin(), response.begin() + static_cast<std::ptrdiff_t>(keep));
        s.loss_mask.assign(s.ids.size(), 0);
        std::fill(s.loss_mask.begin() + static_cast<std::ptrdiff_t>(prompt_len), s.loss_mask.end(), 1);
        if (!s.loss_mask.empty()) s.loss_mask[0] = 0;  // ids[0] is never a target
        if (std::find(s.loss_mask.begin(), s.loss_mask.end(), 1) == s.loss_mask.end()) {
            ++no_response;
            return true;
        }
        out.push_back(std::move(s));
        return options.max_samples == 0 || out.size() < options.max_samples;
    };
    if (first_character(lines.path(), options) == '[')
        for_each_array_object(lines, add);
    else
        for_each_jsonl_object(lines, add);
    const std::string limit = " (" + std::to_string(options.seq_len) + ")";
    if (long_prompt) notes.push_back(count_of(long_prompt, "example") + " skipped: prompt longer than seq_len" + limit);
    if (no_response) notes.push_back(count_of(no_response, "example") + " skipped: no response tokens");
    if (truncated) notes.push_back(count_of(truncated, "example") + " truncated: response cut to fit seq_len" + limit);
}

std::string join(const std::vector<std::string>& parts)
{
    std::string s;
    for (const std::string& p : parts) s += (s.empty() ? "" : "; ") + p;
    return s;
}

}  // namespace

std::string alpaca_prompt(const std::string& instruction, const std::string& input)
{
    if (input.empty())
        return "Below is an instruction that describes a task. Write a response that appropriately completes the "
               "request.\n\n### Instruction:\n" + instruction + "\n\n### Response:\n";
    return "Below is an instruction that describes a task, paired with an input that provides further context. Write "
           "a response that appropriately completes the request.\n\n### Instruction:\n" + instruction +
           "\n\n### Input:\n" + input + "\n\n### Response:\n";
}

std::vector<TokenizedSample> read_text_dataset(const std::string& path, const TextDatasetOptions& options,
                                               const Encode& encode, std::string* notes)
{
    if (options.format != "text" && options.format != "jsonl" && options.format != "alpaca")
        throw Error(path + ": unknown data format '" + options.format + "' (text, jsonl or alpaca)");
    if (options.seq_len < 1) throw Error(path + ": seq_len must be at least 1, got " + std::to_string(options.seq_len));
    if (!encode) throw Error(path + ": no tokenizer to encode the text with");

    LineReader lines(path, options.max_file_bytes, kMaxLineBytes, options.progress);
    std::vector<TokenizedSample> samples;
    std::vector<std::string> note_parts;
    size_t units = 0;  // documents or examples read
    try {
        if (options.format == "alpaca") {
            read_alpaca(lines, options, encode, samples, note_parts, units);
        } else {
            Packer packer(options.seq_len, options.max_samples, samples);
            if (options.format == "text")
                read_text(lines, options, encode, packer);
            else
                read_jsonl_text(lines, options, encode, packer, note_parts, units);
            packer.finish();
        }
    } catch (const json::exception& e) {  // not expected past the SAX handler; never let one escape
        lines.fail("not valid JSON (" + json_error_text(e) + ")");
    }
    if (samples.empty()) {
        std::string why = options.format == "text" ? "the text is shorter than 2 tokens"
                          : units == 0               ? (options.format == "alpaca" ? "no examples" : "no documents")
                          : options.format == "jsonl" ? "the documents give fewer than 2 tokens"
                                                      : "no example has a response to train on";
        if (!note_parts.empty()) why = join(note_parts);
        if (lines.file_bytes() == 0) why = "the file is empty";
        lines.fail("has no samples: " + why);
    }
    if (notes) *notes = join(note_parts);
    return samples;
}

std::vector<SamplePreview> preview_text_dataset(const std::string& path, const TextDatasetOptions& options,
                                                const Encode& encode, size_t n)
{
    TextDatasetOptions first = options;
    first.max_samples = std::max<size_t>(n, 1);
    std::vector<SamplePreview> preview;
    for (TokenizedSample& s : read_text_dataset(path, first, encode)) {
        if (preview.size() == n) break;
        preview.push_back({std::move(s.ids), std::move(s.loss_mask)});
    }
    return preview;
}

}  // namespace dora::data
