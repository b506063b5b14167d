// Unicode Normalization Form C (canonical decomposition, then canonical composition), for the "NFC"
// normalizer of Qwen2-style tokenizers, from the generated tables in unicode_tables.cpp.
#pragma once

#include <string>
#include <string_view>

namespace dora::data {

// `text` (valid UTF-8) in NFC. Text without characters from U+0300 up is returned as it is.
std::string nfc(std::string_view text);

}  // namespace dora::data
