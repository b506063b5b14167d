// The merge loop mirrors Hugging Face's BPE: candidates (rank, position) in a min-heap, stale ones
// skipped when popped, so equal ranks merge leftmost first as in GPT-2's reference encoder.
#include "data/bpe.h"

#include "data/byte_level.h"
#include "data/utf8.h"
#include "dora/error.h"

#include <algorithm>
#include <cstdio>
#include <queue>

namespace dora::data {
namespace {

constexpr uint64_t kEmptyKey = ~uint64_t(0);

uint64_t pair_key(int32_t left, int32_t right)
{
    return (uint64_t(uint32_t(left)) << 32) | uint32_t(right);
}

size_t slot_of(uint64_t key, size_t mask)
{
    return size_t((key * 0x9E3779B97F4A7C15ULL) >> 32) & mask;
}

}  // namespace

void MergeTable::grow()
{
    std::vector<Entry> old = std::move(m_slots);
    m_slots.assign(old.empty() ? 1024 : old.size() * 2, Entry{kEmptyKey, 0, 0});
    const size_t mask = m_slots.size() - 1;
    for (const Entry& e : old) {
        if (e.key == kEmptyKey) continue;
        size_t s = slot_of(e.key, mask);
        while (m_slots[s].key != kEmptyKey) s = (s + 1) & mask;
        m_slots[s] = e;
    }
}

void MergeTable::insert(int32_t left, int32_t right, int32_t rank, int32_t merged)
{
    if ((m_count + 1) * 2 > m_slots.size()) grow();
    const uint64_t key = pair_key(left, right);
    const size_t mask = m_slots.size() - 1;
    size_t s = slot_of(key, mask);
    while (m_slots[s].key != kEmptyKey && m_slots[s].key != key) s = (s + 1) & mask;
    if (m_slots[s].key == kEmptyKey) ++m_count;
    m_slots[s] = Entry{key, rank, merged};
}

const MergeTable::Entry* MergeTable::find(int32_t left, int32_t right) const
{
    if (m_slots.empty()) return nullptr;
    const uint64_t key = pair_key(left, right);
    const size_t mask = m_slots.size() - 1;
    for (size_t s = slot_of(key, mask);; s = (s + 1) & mask) {
        if (m_slots[s].key == key) return &m_slots[s];
        if (m_slots[s].key == kEmptyKey) return nullptr;
    }
}

BpeModel::BpeModel(std::unordered_map<std::string, int32_t> vocab, BpeOptions options)
    : m_vocab(std::move(vocab)), m_options(std::move(options))
{
    if (m_options.unk_token) {
        const auto it = m_vocab.find(*m_options.unk_token);
        if (it == m_vocab.end()) throw Error("unk_token '" + *m_options.unk_token + "' is not in the vocabulary");
        m_unk = it->second;
    }
    for (int b = 0; b < 256; ++b) {
        std::string ch;
        byte_level::append_encoded(ch, static_cast<uint8_t>(b));
        const auto it = m_vocab.find(ch);
        m_byte_ids[b] = it == m_vocab.end() ? -1 : it->second;
        char name[8];
        std::snprintf(name, sizeof name, "<0x%02X>", b);
        const auto fb = m_vocab.find(name);
        m_fallback_ids[b] = fb == m_vocab.end() ? -1 : fb->second;
    }
}

void BpeModel::add_merge(const std::string& left, const std::string& right)
{
    const auto l = m_vocab.find(left);
    if (l == m_vocab.end()) throw Error("'" + left + "' is not in the vocabulary");
    const auto r = m_vocab.find(right);
    if (r == m_vocab.end()) throw Error("'" + right + "' is not in the vocabulary");
    const std::string& prefix = m_options.continuing_subword_prefix;
    const bool strip = !prefix.empty() && right.compare(0, prefix.size(), prefix) == 0;
    const std::string merged = left + (strip ? right.substr(prefix.size()) : right);
    const auto m = m_vocab.find(merged);
    if (m == m_vocab.end()) throw Error("the merged token '" + merged + "' is not in the vocabulary");
    m_merges.insert(l->second, r->second, m_next_rank++, m->second);
}

std::optional<int32_t> BpeModel::id_of(const std::string& token) const
{
    const auto it = m_vocab.find(token);
    if (it == m_vocab.end()) return std::nullopt;
    return it->second;
}

void BpeModel::initial_symbols(std::string_view word, std::vector<int32_t>& ids) const
{
    const bool decorated = !m_options.continuing_subword_prefix.empty() || !m_options.end_of_word_suffix.empty();
    if (m_options.byte_level && !decorated) {
        for (const char c : word) {
            const int32_t id = m_byte_ids[static_cast<uint8_t>(c)];
            if (id >= 0)
                ids.push_back(id);
            else if (m_unk >= 0 && !(m_options.fuse_unk && !ids.empty() && ids.back() == m_unk))
                ids.push_back(m_unk);
        }
        return;
    }
    const std::string spelled = m_options.byte_level ? byte_level::encode(word) : std::string(word);
    std::string symbol;
    size_t i = 0;
    while (i < spelled.size()) {
        char32_t cp;
        bool ok;
        const size_t n = utf8::decode(spelled, i, cp, ok);
        symbol.clear();
        if (i > 0) symbol += m_options.continuing_subword_prefix;
        symbol.append(spelled, i, n);
        if (i + n == spelled.size()) symbol += m_options.end_of_word_suffix;
        const auto it = m_vocab.find(symbol);
        if (it != m_vocab.end()) {
            ids.push_back(it->second);
        } else {
            bool fell_back = false;
            if (m_options.byte_fallback) {
                fell_back = std::all_of(spelled.begin() + i, spelled.begin() + i + n,
                                        [&](char b) { return m_fallback_ids[static_cast<uint8_t>(b)] >= 0; });
                if (fell_back)
                    for (size_t k = i; k < i + n; ++k) ids.push_back(m_fallback_ids[static_cast<uint8_t>(spelled[k])]);
            }
            if (!fell_back && m_unk >= 0 && !(m_options.fuse_unk && !ids.empty() && ids.back() == m_unk))
                ids.push_back(m_unk);
        }
        i += n;
    }
}

void BpeModel::merge(std::vector<int32_t>& ids) const
{
    if (ids.size() < 2) return;
    struct Symbol {
        int32_t id, prev, next;
    };
    struct Candidate {
        int32_t rank, pos, left, right, merged;
        bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
    };
    const int32_t n = static_cast<int32_t>(ids.size());
    std::vector<Symbol> syms(ids.size());
    for (int32_t i = 0; i < n; ++i) syms[i] = {ids[i], i - 1, i + 1 < n ? i + 1 : -1};
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> queue;
    auto consider = [&](int32_t pos) {
        const int32_t next = syms[pos].next;
        if (next < 0) return;
        if (const MergeTable::Entry* e = m_merges.find(syms[pos].id, syms[next].id))
            queue.push({e->rank, pos, syms[pos].id, syms[next].id, e->merged});
    };
    for (int32_t i = 0; i + 1 < n; ++i) consider(i);
    while (!queue.empty()) {
        const Candidate c = queue.top();
        queue.pop();
        Symbol& s = syms[c.pos];
        // Stale entries: the symbol grew (ids only ever get longer) or lost its right neighbour.
        if (s.id != c.left || s.next < 0 || syms[s.next].id != c.right) continue;
        Symbol& right = syms[s.next];
        s.id = c.merged;
        s.next = right.next;
        if (right.next >= 0) syms[right.next].prev = c.pos;
        right.id = -1;
        if (s.prev >= 0) consider(s.prev);
        consider(c.pos);
    }
    ids.clear();
    for (int32_t i = 0; i >= 0; i = syms[i].next) ids.push_back(syms[i].id);
}

void BpeModel::encode_word(std::string_view word, std::vector<int32_t>& out) const
{
    if (word.empty()) return;
    const bool cacheable = word.size() <= kCacheMaxWordBytes;
    std::string key;
    if (cacheable) {
        key.assign(word);
        std::lock_guard<std::mutex> lock(m_cache->mutex);
        const auto it = m_cache->words.find(key);
        if (it != m_cache->words.end()) {
            out.insert(out.end(), it->second.begin(), it->second.end());
            return;
        }
    }
    std::vector<int32_t> ids;
    bool whole = false;
    if (m_options.ignore_merges) {
        const auto it = m_vocab.find(m_options.byte_level ? byte_level::encode(word) : std::string(word));
        if (it != m_vocab.end()) {
            ids.push_back(it->second);
            whole = true;
        }
    }
    if (!whole) {
        initial_symbols(word, ids);
        merge(ids);
    }
    out.insert(out.end(), ids.begin(), ids.end());
    if (cacheable) {
        std::lock_guard<std::mutex> lock(m_cache->mutex);
        if (m_cache->words.size() >= kCacheMaxWords) m_cache->words.clear();
        m_cache->words.emplace(std::move(key), std::move(ids));
    }
}

}  // namespace dora::data
