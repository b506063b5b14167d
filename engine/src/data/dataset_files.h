// Users' training data files, read into samples without torch: plain text, JSONL ({"text": ...} per
// line) and Alpaca instruction data for language models, CSV for the tabular demos. The files are
// untrusted: every problem is a dora::Error naming the file and the line ("data.jsonl: line 17: no
// \"text\" field"), files are read line by line within size limits, and nothing is held twice.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace dora::data {

using Encode = std::function<std::vector<int64_t>(const std::string& text)>;

struct TokenizedSample {
    std::vector<int64_t> ids;        // length seq_len + 1 at most: inputs are ids[0..n-1], targets ids[1..n]
    std::vector<uint8_t> loss_mask;  // same length as ids; 1 where ids[i] is a training target (i >= 1)
};

struct TextDatasetOptions {
    std::string format;                     // "text" | "jsonl" | "alpaca"
    int seq_len = 64;
    std::optional<int64_t> bos_id, eos_id;  // added around documents/examples when present
    size_t max_file_bytes = 1ull << 30;     // refuse larger files with a clear message
    size_t max_samples = 0;                 // stop after this many samples; 0 reads the whole file
    std::function<bool(uint64_t bytes_read, uint64_t file_bytes)> progress;  // false cancels (an Error)
};

// text:   the whole file is one document (CRLF read as LF), tokenized in pieces that end at blank lines
//         (so a 1 GiB file is never one string), with bos before and eos after it when given;
// jsonl:  one JSON object per line with a string "text" field (blank lines skipped), each document
//         between bos and eos when given, documents concatenated.
// Both are packed into blocks of seq_len + 1 ids, consecutive blocks sharing one id (the last of a
// block is the first of the next), every target trained; the last block may be shorter (2 ids at least).
// alpaca: a JSON array, or JSONL, of objects with "instruction", optional "input" and "output"; each
//         example is one sample, bos + prompt (the Alpaca template) + output + eos, trained on output
//         and eos only. Too long: the response is cut to fit seq_len + 1; an example whose prompt
//         leaves no room for a response is skipped and counted in `notes`. Not padded.
// Throws dora::Error when the file is unreadable or malformed, or gives no samples.
std::vector<TokenizedSample> read_text_dataset(const std::string& path, const TextDatasetOptions& options,
                                               const Encode& encode, std::string* notes = nullptr);

// The two Alpaca prompt templates, with {instruction} and {input} filled in.
std::string alpaca_prompt(const std::string& instruction, const std::string& input);

// CSV with a header row: numeric feature columns and one label column (by name; "" is the last
// column). Labels are strings mapped to class ids in order of first appearance.
struct TabularDataset {
    std::vector<std::string> feature_names;
    std::vector<std::string> classes;
    std::vector<float> features;  // (rows, feature_names.size()), row-major
    std::vector<int64_t> labels;  // (rows), indices into classes
    int64_t rows = 0;
};

TabularDataset read_csv_dataset(const std::string& path, const std::string& label_column = "");

// For the GUI's preview: the first n samples as the model will see them, reading only as much of the
// file as they need.
struct SamplePreview {
    std::vector<int64_t> ids;
    std::vector<uint8_t> loss_mask;
};

std::vector<SamplePreview> preview_text_dataset(const std::string& path, const TextDatasetOptions& options,
                                                const Encode& encode, size_t n);

}  // namespace dora::data
