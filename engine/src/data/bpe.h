// The BPE model of a tokenizer.json: a vocabulary, ranked merges, and the merge loop that turns one
// pre-tokenized word into ids. Merges are found by (left id, right id) in an open-addressing table and
// applied lowest rank first (leftmost on ties) from a priority queue over a linked list of symbols, so
// a word of n symbols costs O(n log n); words seen before come from a cache.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace dora::data {

struct BpeOptions {
    std::optional<std::string> unk_token;
    std::string continuing_subword_prefix;  // put before every symbol but a word's first
    std::string end_of_word_suffix;         // put after a word's last symbol
    bool fuse_unk = false;                  // consecutive unknown characters give one unk id
    bool byte_fallback = false;             // unknown characters become their <0xNN> byte tokens
    bool ignore_merges = false;             // a word that is a token is that token, merges or not
    bool byte_level = false;                // words arrive as raw bytes, spelled with byte_level.h
};

// (left id, right id) -> (rank, merged id), open addressing with linear probing.
class MergeTable {
public:
    struct Entry {
        uint64_t key;
        int32_t rank;
        int32_t merged;
    };
    void insert(int32_t left, int32_t right, int32_t rank, int32_t merged);  // a repeated pair keeps the later rank
    const Entry* find(int32_t left, int32_t right) const;
    size_t size() const { return m_count; }

private:
    void grow();
    std::vector<Entry> m_slots;
    size_t m_count = 0;
};

class BpeModel {
public:
    // `vocab` is already checked (ids unique and in range, no empty token). Throws dora::Error if
    // the options name a token the vocabulary lacks.
    BpeModel(std::unordered_map<std::string, int32_t> vocab, BpeOptions options);

    // Appends merge number `rank`; throws dora::Error naming the token the vocabulary lacks.
    void add_merge(const std::string& left, const std::string& right);

    // Appends the ids of one word: raw bytes when options.byte_level, else UTF-8 text.
    void encode_word(std::string_view word, std::vector<int32_t>& out) const;

    std::optional<int32_t> id_of(const std::string& token) const;
    const std::unordered_map<std::string, int32_t>& vocab() const { return m_vocab; }
    size_t merge_count() const { return m_merges.size(); }

private:
    void initial_symbols(std::string_view word, std::vector<int32_t>& ids) const;
    void merge(std::vector<int32_t>& ids) const;

    std::unordered_map<std::string, int32_t> m_vocab;
    BpeOptions m_options;
    MergeTable m_merges;
    int32_t m_next_rank = 0;
    int32_t m_unk = -1;
    int32_t m_byte_ids[256];      // byte_level: the id of each byte's character, -1 if missing
    int32_t m_fallback_ids[256];  // byte_fallback: the id of <0xNN>, -1 if missing

    // Word -> ids, shared by the threads that encode; behind a pointer so the model can move.
    struct WordCache {
        std::mutex mutex;
        std::unordered_map<std::string, std::vector<int32_t>> words;
    };
    static constexpr size_t kCacheMaxWords = 200000;
    static constexpr size_t kCacheMaxWordBytes = 256;
    std::unique_ptr<WordCache> m_cache = std::make_unique<WordCache>();
};

}  // namespace dora::data
