// Text <-> token ids for a model: the demo-gpt character vocabulary, or the tokenizer.json of a model
// folder. One place that knows which, for scoring, generation, tokenize and the data readers.
#pragma once

#include "data/tokenizer.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dora::data {

class TextCodec {
public:
    // `source` is a built-in model name, a model folder (its tokenizer.json), or a tokenizer.json
    // file. Throws dora::Error when there is no way to turn text into ids for it.
    static TextCodec for_source(const std::string& source);

    std::vector<int64_t> encode(const std::string& text, bool add_special_tokens = false) const;
    std::string decode(const std::vector<int64_t>& ids) const;
    std::optional<int64_t> bos_id() const;
    std::optional<int64_t> eos_id() const;
    std::string token_text(int64_t id) const;  // for previews: the token as the vocabulary spells it

private:
    std::optional<Tokenizer> m_tokenizer;  // empty: the demo character vocabulary
};

}  // namespace dora::data
