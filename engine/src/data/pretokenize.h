// Pre-tokenizers: cutting text into the words BPE merges within. The regex patterns of GPT-2,
// Llama 3 and Qwen2 are implemented by hand, alternative by alternative, over Unicode letter and
// number classes for every script, so no regex engine (and no catastrophic backtracking) is involved.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dora::data {

enum class SplitPattern {
    Gpt2,    // 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
    Llama3,  // (?i:'s|...)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
    Qwen2,   // the Llama 3 pattern with \p{N} (one digit a piece) instead of \p{N}{1,3}
};

// Which of our patterns a tokenizer.json "Split" regex is, compared as text; nullopt for any other.
std::optional<SplitPattern> split_pattern_from_regex(std::string_view regex);

// The pieces are views into `text`, appended to `out` in order, and cover it exactly: every
// character, matched or not, ends up in one piece (the "Isolated" behaviour).
void split_by_pattern(SplitPattern pattern, std::string_view text, std::vector<std::string_view>& out);

// Digits: runs of \p{N} apart from everything else, or each digit alone when `individual`.
void split_digits(std::string_view text, bool individual, std::vector<std::string_view>& out);

// Cuts just before each occurrence of `delimiter` but the first character's ("MergedWithNext"):
// "▁a▁▁b" gives "▁a", "▁", "▁b".
void split_before(std::string_view text, std::string_view delimiter, std::vector<std::string_view>& out);

}  // namespace dora::data
