// Added tokens ("<|endoftext|>", "<s>", chat markers...) are cut out of the text before anything
// else sees it, longest match first at the leftmost position, as Hugging Face tokenizers does. A byte
// trie finds them, so each position costs at most one walk as deep as the longest token.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace dora::data {

struct AddedToken {
    std::string content;
    int32_t id = 0;
    bool special = false;
    bool lstrip = false;       // the match swallows whitespace to its left
    bool rstrip = false;       // ... and to its right
    bool single_word = false;  // only where no letter or digit touches it
    bool normalized = false;   // matched in the normalized text rather than the raw one
};

class AddedTokenMatcher {
public:
    struct Piece {
        std::string_view text;      // for a token, the matched span (with any stripped whitespace)
        const AddedToken* token;    // null for plain text
    };

    void add(const AddedToken* token);  // content must not be empty; `token` must outlive the matcher
    bool empty() const { return m_count == 0; }

    // Appends the pieces of `text` in order; plain pieces are never empty.
    void split(std::string_view text, std::vector<Piece>& out) const;

private:
    const AddedToken* match_at(std::string_view text, size_t i) const;
    int32_t child(int32_t node, unsigned char byte) const;

    std::array<bool, 256> m_first_byte{};                 // some token starts with this byte
    std::unordered_map<uint64_t, int32_t> m_children;     // (node << 8 | byte) -> node; the root is 0
    std::vector<const AddedToken*> m_token_at{nullptr};   // the token that ends at each node
    size_t m_count = 0;
};

}  // namespace dora::data
