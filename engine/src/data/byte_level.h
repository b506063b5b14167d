// GPT-2's reversible byte <-> character table ("bytes_to_unicode"): the 188 printable bytes of
// Latin-1 stand for themselves and the other 68 (control characters, space, soft hyphen...) become
// U+0100 onwards in byte order, so every byte string is spelled in visible characters ("Ġ" is a space).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dora::data::byte_level {

char32_t byte_to_char(uint8_t byte);
// The byte `c` stands for, or -1 if it stands for none.
int char_to_byte(char32_t c);

// Each byte of `bytes` as its character, in UTF-8.
std::string encode(std::string_view bytes);
void append_encoded(std::string& out, uint8_t byte);

// The bytes a token's characters stand for; false (and `out` untouched) if some character stands for none.
bool decode(std::string_view token, std::string& out);

}  // namespace dora::data::byte_level
