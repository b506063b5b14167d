// Matching walks the trie from each position whose byte can start a token; lstrip/rstrip widen a
// match over whitespace, single_word rejects one that touches a letter or digit.
#include "data/added_tokens.h"

#include "data/unicode_classes.h"
#include "data/utf8.h"

namespace dora::data {
namespace {

// The character ending just before byte `end` (text[..end] is UTF-8).
size_t char_start_before(std::string_view text, size_t end)
{
    size_t i = end - 1;
    while (i > 0 && end - i < 4 && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) --i;
    return i;
}

CharClass class_at(std::string_view text, size_t i, size_t* len = nullptr)
{
    char32_t cp;
    bool ok;
    const size_t n = utf8::decode(text, i, cp, ok);
    if (len) *len = n;
    return ok ? char_class(cp) : CharClass::Other;
}

bool is_word_char(CharClass c) { return c == CharClass::Letter || c == CharClass::Number; }

}  // namespace

void AddedTokenMatcher::add(const AddedToken* token)
{
    int32_t node = 0;
    for (const char c : token->content) {
        const uint64_t key = (uint64_t(node) << 8) | static_cast<unsigned char>(c);
        const auto it = m_children.find(key);
        if (it != m_children.end()) {
            node = it->second;
        } else {
            node = static_cast<int32_t>(m_token_at.size());
            m_token_at.push_back(nullptr);
            m_children.emplace(key, node);
        }
    }
    m_first_byte[static_cast<unsigned char>(token->content[0])] = true;
    if (!m_token_at[node]) {  // a repeated content keeps its first entry
        m_token_at[node] = token;
        ++m_count;
    }
}

int32_t AddedTokenMatcher::child(int32_t node, unsigned char byte) const
{
    const auto it = m_children.find((uint64_t(node) << 8) | byte);
    return it == m_children.end() ? -1 : it->second;
}

const AddedToken* AddedTokenMatcher::match_at(std::string_view text, size_t i) const
{
    // Every token that starts here, shortest first; the longest that suits its flags wins.
    const AddedToken* found[1025];
    size_t count = 0;
    int32_t node = 0;
    for (size_t k = i; k < text.size() && count < 1025; ++k) {
        node = child(node, static_cast<unsigned char>(text[k]));
        if (node < 0) break;
        if (m_token_at[node]) found[count++] = m_token_at[node];
    }
    while (count > 0) {
        const AddedToken* t = found[--count];
        if (t->single_word) {
            const size_t end = i + t->content.size();
            if (i > 0 && is_word_char(class_at(text, char_start_before(text, i)))) continue;
            if (end < text.size() && is_word_char(class_at(text, end))) continue;
        }
        return t;
    }
    return nullptr;
}

void AddedTokenMatcher::split(std::string_view text, std::vector<Piece>& out) const
{
    if (m_count == 0) {
        if (!text.empty()) out.push_back({text, nullptr});
        return;
    }
    size_t plain_start = 0, i = 0;
    while (i < text.size()) {
        if (!m_first_byte[static_cast<unsigned char>(text[i])]) {
            ++i;
            continue;
        }
        const AddedToken* t = match_at(text, i);
        if (!t) {
            ++i;
            continue;
        }
        size_t start = i, end = i + t->content.size();
        if (t->lstrip)
            while (start > plain_start) {
                const size_t prev = char_start_before(text, start);
                if (class_at(text, prev) != CharClass::Space) break;
                start = prev;
            }
        if (t->rstrip)
            while (end < text.size()) {
                size_t len;
                if (class_at(text, end, &len) != CharClass::Space) break;
                end += len;
            }
        if (start > plain_start) out.push_back({text.substr(plain_start, start - plain_start), nullptr});
        out.push_back({text.substr(start, end - start), t});
        plain_start = i = end;
    }
    if (plain_start < text.size()) out.push_back({text.substr(plain_start), nullptr});
}

}  // namespace dora::data
