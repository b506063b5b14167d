// The demo language model's character vocabulary: newline and the 95 printable ASCII characters,
// 96 ids in all. Other characters map to '?'.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dora::data {

constexpr int64_t kCharVocabSize = 96;

std::vector<int64_t> char_encode(const std::string& text);
std::string char_decode(const std::vector<int64_t>& ids);

// The same vocabulary as a tokenizer.json (a BPE model with no merges), written next to an exported
// demo-gpt so the folder carries its tokenizer like any Hugging Face model.
std::string char_vocab_tokenizer_json();

}  // namespace dora::data
