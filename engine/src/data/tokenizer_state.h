// What a loaded tokenizer.json becomes: the steps of its pipeline, in the order Hugging Face
// tokenizers runs them. tokenizer_load.cpp builds it; tokenizer.cpp runs it.
#pragma once

#include "data/added_tokens.h"
#include "data/bpe.h"
#include "data/pretokenize.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dora::data {

struct NormalizerStep {
    enum class Kind { Prepend, Replace, Nfc } kind;
    std::string pattern;  // Replace: the literal searched for
    std::string content;  // Prepend: what is put in front; Replace: what replaces the pattern
};

enum class PrependScheme { Always, First, Never };

struct PreTokenizerStep {
    enum class Kind { Split, Digits, Metaspace, ByteLevel } kind = Kind::Split;
    SplitPattern pattern = SplitPattern::Gpt2;     // Split
    bool individual_digits = false;                // Digits
    std::string replacement;                       // Metaspace
    PrependScheme prepend = PrependScheme::Always; // Metaspace
    bool split = true;                             // Metaspace
    bool add_prefix_space = false;                 // ByteLevel
    bool use_regex = true;                         // ByteLevel: split with the GPT-2 pattern
};

struct DecoderStep {
    enum class Kind { ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace } kind = Kind::ByteLevel;
    std::string pattern, content;  // Replace; Strip: content is the character stripped; Metaspace: the replacement
    size_t start = 0, stop = 0;    // Strip
    bool prepended = true;         // Metaspace: drop the replacement in the first token
};

struct TokenizerState {
    explicit TokenizerState(BpeModel m) : model(std::move(m)) {}

    BpeModel model;
    std::vector<std::unique_ptr<AddedToken>> added;
    AddedTokenMatcher raw_matcher;         // added tokens with normalized = false
    AddedTokenMatcher normalized_matcher;  // the others, matched after normalization
    std::vector<NormalizerStep> normalizers;
    std::vector<PreTokenizerStep> pre_tokenizers;  // ByteLevel, when present, is last
    bool has_decoder = false;                      // without one, tokens are joined with spaces
    std::vector<DecoderStep> decoders;
    std::vector<int32_t> template_before, template_after;  // what add_special_tokens puts around the ids

    std::vector<std::string> tokens;  // by id, added tokens included; "" where no token has the id
    std::vector<uint8_t> special;     // by id
    std::optional<int32_t> bos, eos;
};

}  // namespace dora::data
