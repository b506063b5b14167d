// Well-formed UTF-8 is Table 3-7 of the Unicode Standard: the second byte's range depends on the
// first (no overlong forms, no surrogates, nothing above U+10FFFF).
#include "data/utf8.h"

namespace dora::data::utf8 {

size_t decode(std::string_view text, size_t i, char32_t& cp, bool& ok)
{
    const auto* s = reinterpret_cast<const unsigned char*>(text.data()) + i;
    const size_t left = text.size() - i;
    const unsigned char b0 = s[0];
    ok = true;
    if (b0 < 0x80) {
        cp = b0;
        return 1;
    }
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 2;
        cp = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 3;
        cp = b0 & 0x0F;
        if (b0 == 0xE0) lo = 0xA0;
        if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 4;
        cp = b0 & 0x07;
        if (b0 == 0xF0) lo = 0x90;
        if (b0 == 0xF4) hi = 0x8F;
    } else {
        ok = false;
        cp = kReplacement;
        return 1;
    }
    for (size_t k = 1; k < need; ++k) {
        const unsigned char b = k < left ? s[k] : 0;
        if (k >= left || b < lo || b > hi) {
            ok = false;
            cp = kReplacement;
            return k;
        }
        cp = (cp << 6) | (b & 0x3F);
        lo = 0x80;
        hi = 0xBF;
    }
    return need;
}

void append(std::string& out, char32_t cp)
{
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

bool is_valid(std::string_view text)
{
    size_t i = 0;
    while (i < text.size()) {
        if (static_cast<unsigned char>(text[i]) < 0x80) {
            ++i;
            continue;
        }
        char32_t cp;
        bool ok;
        i += decode(text, i, cp, ok);
        if (!ok) return false;
    }
    return true;
}

std::string to_valid(std::string_view bytes)
{
    std::string out;
    out.reserve(bytes.size());
    size_t i = 0;
    while (i < bytes.size()) {
        char32_t cp;
        bool ok;
        const size_t n = decode(bytes, i, cp, ok);
        if (ok)
            out.append(bytes.data() + i, n);
        else
            append(out, kReplacement);
        i += n;
    }
    return out;
}

}  // namespace dora::data::utf8
