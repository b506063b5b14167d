// The algorithm of UAX #15: decompose fully (the table recursively, Hangul syllables arithmetically),
// put each run of combining marks in canonical order, then recompose each mark with the last starter
// unless a mark of the same or a lower class, or a starter, stands between them.
#include "data/unicode_nfc.h"

#include "data/unicode_tables.h"
#include "data/utf8.h"

#include <algorithm>
#include <unordered_map>
#include <vector>

namespace dora::data {
namespace {

constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr char32_t kLCount = 19, kVCount = 21, kTCount = 28, kNCount = kVCount * kTCount, kSCount = kLCount * kNCount;

uint8_t combining_class(char32_t cp)
{
    if (cp < 0x300) return 0;
    const auto* begin = unicode::kCombiningRanges;
    const auto* end = begin + unicode::kCombiningRangesCount;
    const auto* it = std::upper_bound(begin, end, cp, [](char32_t c, const unicode::CombiningRange& r) { return c < r.first; });
    if (it == begin) return 0;
    --it;
    return cp <= it->last ? it->ccc : 0;
}

const unicode::Decomposition* decomposition_of(char32_t cp)
{
    const auto* begin = unicode::kDecompositions;
    const auto* end = begin + unicode::kDecompositionsCount;
    const auto* it = std::lower_bound(begin, end, cp, [](const unicode::Decomposition& d, char32_t c) { return d.cp < c; });
    return it != end && it->cp == cp ? it : nullptr;
}

void decompose(char32_t cp, std::vector<char32_t>& out, int depth = 0)
{
    if (cp >= kSBase && cp < kSBase + kSCount) {
        const char32_t s = cp - kSBase;
        out.push_back(kLBase + s / kNCount);
        out.push_back(kVBase + (s % kNCount) / kTCount);
        if (s % kTCount) out.push_back(kTBase + s % kTCount);
        return;
    }
    const unicode::Decomposition* d = depth < 8 ? decomposition_of(cp) : nullptr;
    if (!d) {
        out.push_back(cp);
        return;
    }
    decompose(d->first, out, depth + 1);
    if (d->second) decompose(d->second, out, depth + 1);
}

const std::unordered_map<uint64_t, char32_t>& compositions()
{
    static const std::unordered_map<uint64_t, char32_t> table = [] {
        std::unordered_map<uint64_t, char32_t> t;
        for (size_t i = 0; i < unicode::kDecompositionsCount; ++i) {
            const unicode::Decomposition& d = unicode::kDecompositions[i];
            if (d.composable) t.emplace((uint64_t(d.first) << 32) | d.second, d.cp);
        }
        return t;
    }();
    return table;
}

// The primary composite of `a` + `b`, or 0.
char32_t compose(char32_t a, char32_t b)
{
    if (a >= kLBase && a < kLBase + kLCount && b >= kVBase && b < kVBase + kVCount)
        return kSBase + ((a - kLBase) * kVCount + (b - kVBase)) * kTCount;
    if (a >= kSBase && a < kSBase + kSCount && (a - kSBase) % kTCount == 0 && b > kTBase && b < kTBase + kTCount)
        return a + (b - kTBase);
    const auto it = compositions().find((uint64_t(a) << 32) | b);
    return it == compositions().end() ? 0 : it->second;
}

}  // namespace

std::string nfc(std::string_view text)
{
    // U+0300 is the first character that decomposes to, or is, a combining mark; its lead byte is 0xCC.
    if (std::none_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) >= 0xCC; }))
        return std::string(text);
    std::vector<char32_t> cps;
    cps.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        char32_t cp;
        bool ok;
        i += utf8::decode(text, i, cp, ok);
        decompose(cp, cps);
    }
    // Canonical order: a stable sort of each run of non-starters by class.
    for (size_t i = 0; i < cps.size();) {
        if (combining_class(cps[i]) == 0) {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < cps.size() && combining_class(cps[j]) != 0) ++j;
        std::stable_sort(cps.begin() + i, cps.begin() + j,
                         [](char32_t a, char32_t b) { return combining_class(a) < combining_class(b); });
        i = j;
    }
    // Composition.
    size_t starter = 0, kept = 1;
    int last_class = combining_class(cps[0]) == 0 ? 0 : 256;  // a leading mark has no starter
    for (size_t i = 1; i < cps.size(); ++i) {
        const char32_t c = cps[i];
        const int cls = combining_class(c);
        const char32_t composite = last_class < 256 ? compose(cps[starter], c) : 0;
        if (composite && (last_class < cls || last_class == 0)) {
            cps[starter] = composite;
            continue;
        }
        if (cls == 0) starter = kept;
        last_class = cls;
        cps[kept++] = c;
    }
    cps.resize(kept);
    std::string out;
    out.reserve(text.size());
    for (const char32_t cp : cps) utf8::append(out, cp);
    return out;
}

}  // namespace dora::data
