#include "data/text_codec.h"

#include "data/char_vocab.h"
#include "dora/error.h"

#include <filesystem>

namespace dora::data {

TextCodec TextCodec::for_source(const std::string& source)
{
    TextCodec codec;
    if (source == "demo-gpt")
        return codec;
    namespace fs = std::filesystem;
    const fs::path path = fs::is_directory(source) ? fs::path(source) / "tokenizer.json" : fs::path(source);
    if (!fs::is_regular_file(path))
        throw Error(source + ": has no tokenizer.json, so text cannot be turned into token ids (pass ids instead)");
    codec.m_tokenizer = Tokenizer::from_file(path.string());
    return codec;
}

std::vector<int64_t> TextCodec::encode(const std::string& text, bool add_special_tokens) const
{
    return m_tokenizer ? m_tokenizer->encode(text, add_special_tokens) : char_encode(text);
}

std::string TextCodec::decode(const std::vector<int64_t>& ids) const
{
    return m_tokenizer ? m_tokenizer->decode(ids) : char_decode(ids);
}

std::optional<int64_t> TextCodec::bos_id() const
{
    return m_tokenizer ? m_tokenizer->bos_id() : std::nullopt;
}

std::optional<int64_t> TextCodec::eos_id() const
{
    return m_tokenizer ? m_tokenizer->eos_id() : std::nullopt;
}

std::string TextCodec::token_text(int64_t id) const
{
    if (!m_tokenizer)
        return char_decode({id});
    return m_tokenizer->id_to_token(id).value_or("<" + std::to_string(id) + ">");
}

}  // namespace dora::data
