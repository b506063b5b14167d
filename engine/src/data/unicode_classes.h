// The character classes the pre-tokenizer patterns of GPT-2, Llama 3 and Qwen2 are written in:
// \p{L} (letters of every script), \p{N} (numbers) and \s (the White_Space property), from tables
// generated out of the Unicode Character Database (unicode_tables.cpp).
#pragma once

#include <cstdint>

namespace dora::data {

enum class CharClass : uint8_t { Other, Letter, Number, Space };

CharClass char_class(char32_t cp);

}  // namespace dora::data
