// id 0 is '\n'; ids 1..95 are ' ' (32) .. '~' (126).
#include "data/char_vocab.h"

#include <nlohmann/json.hpp>

namespace dora::data {

std::vector<int64_t> char_encode(const std::string& text)
{
    std::vector<int64_t> ids;
    ids.reserve(text.size());
    for (unsigned char c : text) {
        if (c == '\n')
            ids.push_back(0);
        else if (c >= 32 && c <= 126)
            ids.push_back(c - 31);
        else
            ids.push_back('?' - 31);
    }
    return ids;
}

std::string char_decode(const std::vector<int64_t>& ids)
{
    std::string text;
    text.reserve(ids.size());
    for (int64_t id : ids)
        text.push_back(id == 0 ? '\n' : (id >= 1 && id < kCharVocabSize) ? static_cast<char>(id + 31) : '?');
    return text;
}

std::string char_vocab_tokenizer_json()
{
    nlohmann::json vocab = nlohmann::json::object();
    for (int64_t id = 0; id < kCharVocabSize; ++id)
        vocab[char_decode({id})] = id;
    const nlohmann::json tokenizer = {
        {"version", "1.0"},
        {"added_tokens", nlohmann::json::array()},
        {"normalizer", nullptr},
        {"pre_tokenizer", nullptr},
        {"post_processor", nullptr},
        {"decoder", {{"type", "Fuse"}}},  // without a decoder, tokens are joined with spaces
        {"model", {{"type", "BPE"}, {"vocab", vocab}, {"merges", nlohmann::json::array()}, {"unk_token", "?"}}},
    };
    return tokenizer.dump(2) + "\n";
}

}  // namespace dora::data
