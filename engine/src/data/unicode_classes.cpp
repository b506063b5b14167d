// ASCII by comparisons; everything else by binary search over ~800 generated ranges.
#include "data/unicode_classes.h"

#include "data/unicode_tables.h"

#include <algorithm>

namespace dora::data {
namespace {

// White_Space from PropList.txt: short and stable, so it is spelled out rather than generated.
bool is_white_space(char32_t cp)
{
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
           cp == 0x3000;
}

CharClass lookup(char32_t cp)
{
    if (is_white_space(cp)) return CharClass::Space;
    const unicode::ClassRange* begin = unicode::kClassRanges;
    const unicode::ClassRange* end = begin + unicode::kClassRangesCount;
    const auto* it = std::upper_bound(begin, end, cp, [](char32_t c, const unicode::ClassRange& r) { return c < r.first; });
    if (it == begin) return CharClass::Other;
    --it;
    if (cp > it->last) return CharClass::Other;
    return it->cls == 1 ? CharClass::Letter : CharClass::Number;
}

}  // namespace

CharClass char_class(char32_t cp)
{
    if (cp < 128) {  // the hot path, and no table to initialize before first use
        if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') return CharClass::Letter;
        if (cp >= '0' && cp <= '9') return CharClass::Number;
        if (cp == ' ' || (cp >= 0x09 && cp <= 0x0D)) return CharClass::Space;
        return CharClass::Other;
    }
    return lookup(cp);
}

}  // namespace dora::data
