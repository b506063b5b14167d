// UTF-8 for text from anywhere: decoding never reads past the end and reports ill-formed bytes
// instead of guessing, so a tokenizer fed random bytes neither crashes nor loops.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace dora::data::utf8 {

constexpr char32_t kReplacement = 0xFFFD;

// Decodes the character at text[i] (i < text.size()). Returns how many bytes it spans and sets `ok`;
// for ill-formed bytes, `cp` is U+FFFD and the length is that of the maximal ill-formed subpart (at
// least 1), the unit that one U+FFFD replaces in Unicode's recommended practice.
size_t decode(std::string_view text, size_t i, char32_t& cp, bool& ok);

void append(std::string& out, char32_t cp);
bool is_valid(std::string_view text);

// `bytes` with each maximal ill-formed subpart replaced by U+FFFD (what Rust's from_utf8_lossy and
// Python's errors="replace" give).
std::string to_valid(std::string_view bytes);

}  // namespace dora::data::utf8
