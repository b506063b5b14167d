// Each split function walks the text once. At every position the alternatives of the pattern are
// tried in the pattern's order, with the backtracking the regex engine would do worked out by hand
// (noted at each place), so the pieces are those the regex gives, in linear time.
#include "data/pretokenize.h"

#include "data/unicode_classes.h"
#include "data/utf8.h"

namespace dora::data {
namespace {

struct Char {
    char32_t cp;
    size_t len;
    CharClass cls;
};

// Ill-formed bytes (the callers sanitize, but a piece never crashes on them) count as Other.
Char char_at(std::string_view t, size_t i)
{
    const auto b = static_cast<unsigned char>(t[i]);
    if (b < 0x80) return {b, 1, char_class(b)};
    char32_t cp;
    bool ok;
    const size_t n = utf8::decode(t, i, cp, ok);
    return {cp, n, ok ? char_class(cp) : CharClass::Other};
}

size_t run_end(std::string_view t, size_t i, CharClass cls, size_t max_chars = std::string_view::npos)
{
    size_t count = 0;
    while (i < t.size() && count < max_chars) {
        const Char c = char_at(t, i);
        if (c.cls != cls) break;
        i += c.len;
        ++count;
    }
    return i;
}

// \s+(?!\S)|\s+ at a whitespace character: the whole run if it ends the text; otherwise the run
// less its last character (which then leads the next word), unless that leaves nothing.
size_t whitespace_end(std::string_view t, size_t i)
{
    size_t k = i, last = i;
    while (k < t.size()) {
        const Char c = char_at(t, k);
        if (c.cls != CharClass::Space) break;
        last = k;
        k += c.len;
    }
    if (k == t.size()) return k;
    return last > i ? last : k;
}

// The length of 's 't 're 've 'm 'll 'd at i (an apostrophe); 0 if none. Case-sensitive for GPT-2.
size_t contraction_len(std::string_view t, size_t i, bool ignore_case)
{
    if (t[i] != '\'' || i + 1 >= t.size()) return 0;
    auto lower = [&](size_t k) {
        const char c = t[k];
        return ignore_case && c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    };
    const char a = lower(i + 1);
    if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
    // Unicode case folding makes "ſ" (U+017F, long s) an "s" for (?i).
    if (ignore_case && t.compare(i + 1, 2, "\xC5\xBF") == 0) return 3;
    if (i + 2 >= t.size()) return 0;
    const char b = lower(i + 2);
    if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return 3;
    return 0;
}

size_t gpt2_match(std::string_view t, size_t i)
{
    if (const size_t n = contraction_len(t, i, false)) return i + n;
    const Char c = char_at(t, i);
    // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: an optional leading space, then one class.
    const size_t j = c.cp == ' ' ? i + 1 : i;
    if (j < t.size()) {
        const CharClass cls = j == i ? c.cls : char_at(t, j).cls;
        if (cls != CharClass::Space) return run_end(t, j, cls);
    }
    return whitespace_end(t, i);
}

size_t llama3_match(std::string_view t, size_t i, size_t max_digits)
{
    if (const size_t n = contraction_len(t, i, true)) return i + n;
    const Char c = char_at(t, i);
    // [^\r\n\p{L}\p{N}]?\p{L}+
    if (c.cls == CharClass::Letter) return run_end(t, i, CharClass::Letter);
    if (c.cp != '\r' && c.cp != '\n' && c.cls != CharClass::Number && i + c.len < t.size() &&
        char_at(t, i + c.len).cls == CharClass::Letter)
        return run_end(t, i + c.len, CharClass::Letter);
    // \p{N}{1,3} (or \p{N})
    if (c.cls == CharClass::Number) return run_end(t, i, CharClass::Number, max_digits);
    // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
    const size_t j = c.cp == ' ' ? i + 1 : i;
    if (j < t.size() && (j == i ? c.cls : char_at(t, j).cls) == CharClass::Other) {
        size_t k = run_end(t, j, CharClass::Other);
        while (k < t.size() && (t[k] == '\r' || t[k] == '\n')) ++k;
        return k;
    }
    // \s*[\r\n]+ : \s* backs off from the end of the run to its last \r or \n.
    size_t k = i, after_newline = 0;
    while (k < t.size()) {
        const Char w = char_at(t, k);
        if (w.cls != CharClass::Space) break;
        k += w.len;
        if (w.cp == '\r' || w.cp == '\n') after_newline = k;
    }
    if (after_newline > i) return after_newline;
    return whitespace_end(t, i);
}

}  // namespace

std::optional<SplitPattern> split_pattern_from_regex(std::string_view regex)
{
    static const std::string kGpt2 = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S))";
    static const std::string kLlamaHead = R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|)";
    static const std::string kLlamaTail = R"(| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
    // The trailing |\s+ only matters for a lone whitespace character, which "Isolated" keeps as a
    // piece of its own anyway; files are seen with and without it.
    if (regex == kGpt2 || regex == kGpt2 + R"(|\s+)") return SplitPattern::Gpt2;
    if (regex == kLlamaHead + R"(\p{N}{1,3})" + kLlamaTail) return SplitPattern::Llama3;
    if (regex == kLlamaHead + R"(\p{N})" + kLlamaTail) return SplitPattern::Qwen2;
    return std::nullopt;
}

void split_by_pattern(SplitPattern pattern, std::string_view text, std::vector<std::string_view>& out)
{
    size_t i = 0;
    while (i < text.size()) {
        size_t end;
        switch (pattern) {
        case SplitPattern::Gpt2: end = gpt2_match(text, i); break;
        case SplitPattern::Llama3: end = llama3_match(text, i, 3); break;
        default: end = llama3_match(text, i, 1); break;
        }
        if (end <= i) end = i + char_at(text, i).len;  // cannot happen; guarantees progress anyway
        out.push_back(text.substr(i, end - i));
        i = end;
    }
}

void split_digits(std::string_view text, bool individual, std::vector<std::string_view>& out)
{
    size_t i = 0;
    while (i < text.size()) {
        const Char c = char_at(text, i);
        size_t end;
        if (c.cls == CharClass::Number)
            end = individual ? i + c.len : run_end(text, i, CharClass::Number);
        else {
            end = i + c.len;
            while (end < text.size()) {
                const Char d = char_at(text, end);
                if (d.cls == CharClass::Number) break;
                end += d.len;
            }
        }
        out.push_back(text.substr(i, end - i));
        i = end;
    }
}

void split_before(std::string_view text, std::string_view delimiter, std::vector<std::string_view>& out)
{
    size_t start = 0;
    if (!delimiter.empty()) {
        size_t pos = text.find(delimiter, 1);
        while (pos != std::string_view::npos) {
            out.push_back(text.substr(start, pos - start));
            start = pos;
            pos = text.find(delimiter, pos + delimiter.size());
        }
    }
    if (start < text.size()) out.push_back(text.substr(start));
}

}  // namespace dora::data
