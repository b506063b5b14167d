// Hugging Face tokenizer.json files with a BPE model, without torch, Python or a regex engine:
// byte-level BPE (GPT-2, Llama 3, Qwen2, SmolLM) and SentencePiece-style BPE with byte fallback
// (Llama 2, TinyLlama, Mistral). Files come from the internet, so loading checks everything it uses
// and refuses what it does not implement rather than tokenizing differently from the original.
//
//   Tokenizer tok = Tokenizer::from_file("tokenizer.json");
//   std::vector<int64_t> ids = tok.encode("Hello world");   // GPT-2: {15496, 995}
//   std::string text = tok.decode(ids);
//
// A Tokenizer is cheap to copy (copies share one immutable state and one word cache) and safe to use
// from several threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dora::data {

struct TokenizerState;

class Tokenizer {
public:
    // Files are at most 64 MiB; vocabularies at most 1,000,000 tokens of at most 1 KiB; merges at
    // most 2,000,000. Throws dora::Error naming the file and what is wrong with it.
    static Tokenizer from_file(const std::string& path);
    // `label` stands for the file in error messages.
    static Tokenizer from_json(const std::string& json_text, const std::string& label);

    // Ill-formed UTF-8 in `text` is read as U+FFFD. `add_special_tokens` applies the file's
    // post-processor (Llama's leading <s>, for one).
    std::vector<int64_t> encode(const std::string& text, bool add_special_tokens = false) const;
    // Ids outside the vocabulary are skipped; bytes that do not form UTF-8 come out as U+FFFD.
    std::string decode(const std::vector<int64_t>& ids, bool skip_special_tokens = false) const;

    int64_t vocab_size() const;  // one past the highest id, added tokens included
    std::optional<int64_t> token_to_id(const std::string& token) const;
    std::optional<std::string> id_to_token(int64_t id) const;
    bool is_special(int64_t id) const;  // an added token marked "special"

    // tokenizer.json does not name them, so: the special tokens the post-processor puts before and
    // after the text when it puts some there, else the first special added token with a
    // conventional name ("<s>", "<|begin_of_text|>", "<bos>"... and "</s>", "<|end_of_text|>",
    // "<eos>", "<|endoftext|>"...).
    std::optional<int64_t> bos_id() const;
    std::optional<int64_t> eos_id() const;

private:
    explicit Tokenizer(std::shared_ptr<const TokenizerState> state) : m_state(std::move(state)) {}
    std::shared_ptr<const TokenizerState> m_state;
};

}  // namespace dora::data
