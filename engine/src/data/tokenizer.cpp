// Running a loaded tokenizer.json: encode is added tokens -> normalizers -> pre-tokenizers -> BPE ->
// post-processor, and decode is ids -> tokens -> decoders, each step as Hugging Face tokenizers does it.
#include "data/tokenizer.h"

#include "data/byte_level.h"
#include "data/tokenizer_state.h"
#include "data/unicode_nfc.h"
#include "data/utf8.h"

namespace dora::data {
namespace {

void replace_all(std::string& s, std::string_view pattern, std::string_view content)
{
    if (s.find(pattern) == std::string::npos) return;
    std::string out;
    out.reserve(s.size());
    size_t start = 0;
    for (size_t pos = s.find(pattern); pos != std::string::npos; pos = s.find(pattern, start)) {
        out.append(s, start, pos - start).append(content);
        start = pos + pattern.size();
    }
    out.append(s, start, std::string::npos);
    s = std::move(out);
}

std::string normalize(const TokenizerState& s, std::string_view text)
{
    std::string out(text);
    for (const NormalizerStep& step : s.normalizers) {
        switch (step.kind) {
        case NormalizerStep::Kind::Prepend:
            if (!out.empty()) out.insert(0, step.content);
            break;
        case NormalizerStep::Kind::Replace: replace_all(out, step.pattern, step.content); break;
        case NormalizerStep::Kind::Nfc: out = nfc(out); break;
        }
    }
    return out;
}

// Pre-tokenizer `stage` and those after it on `text`, then the model on each word. `at_start`: the
// text begins where the input did (Metaspace's prepend_scheme "first" needs to know).
void pre_tokenize(const TokenizerState& s, size_t stage, std::string_view text, bool at_start, std::vector<int32_t>& ids)
{
    if (text.empty()) return;
    if (stage == s.pre_tokenizers.size()) {
        s.model.encode_word(text, ids);
        return;
    }
    const PreTokenizerStep& step = s.pre_tokenizers[stage];
    std::string rewritten;
    std::vector<std::string_view> pieces;
    switch (step.kind) {
    case PreTokenizerStep::Kind::Split: split_by_pattern(step.pattern, text, pieces); break;
    case PreTokenizerStep::Kind::Digits: split_digits(text, step.individual_digits, pieces); break;
    case PreTokenizerStep::Kind::Metaspace: {
        rewritten.assign(text);
        replace_all(rewritten, " ", step.replacement);
        const bool prepend = step.prepend == PrependScheme::Always || (step.prepend == PrependScheme::First && at_start);
        if (prepend && rewritten.compare(0, step.replacement.size(), step.replacement) != 0)
            rewritten.insert(0, step.replacement);
        text = rewritten;
        if (!step.split) return pre_tokenize(s, stage + 1, text, at_start, ids);
        split_before(text, step.replacement, pieces);
        break;
    }
    case PreTokenizerStep::Kind::ByteLevel:
        if (step.add_prefix_space && text[0] != ' ') {
            rewritten = " ";
            rewritten += text;
            text = rewritten;
        }
        if (!step.use_regex) return pre_tokenize(s, stage + 1, text, at_start, ids);
        split_by_pattern(SplitPattern::Gpt2, text, pieces);
        break;
    }
    for (const std::string_view piece : pieces) pre_tokenize(s, stage + 1, piece, at_start && piece.data() == text.data(), ids);
}

bool byte_token_value(const std::string& token, char& byte)
{
    // "<0x41>"; two hex digits exactly, either case.
    if (token.size() != 6 || token.compare(0, 3, "<0x") != 0 || token[5] != '>') return false;
    auto hex = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1; };
    const int hi = hex(token[3]), lo = hex(token[4]);
    if (hi < 0 || lo < 0) return false;
    byte = static_cast<char>(hi * 16 + lo);
    return true;
}

void decode_step(const DecoderStep& step, std::vector<std::string>& tokens)
{
    switch (step.kind) {
    case DecoderStep::Kind::ByteLevel: {
        // A token with a character that stands for no byte (an added token such as "<|endoftext|>"
        // has none, but one with a space would) is taken as the UTF-8 it is.
        std::string bytes;
        for (const std::string& t : tokens)
            if (!byte_level::decode(t, bytes)) bytes += t;
        tokens.assign(1, utf8::to_valid(bytes));
        break;
    }
    case DecoderStep::Kind::Replace:
        for (std::string& t : tokens) replace_all(t, step.pattern, step.content);
        break;
    case DecoderStep::Kind::ByteFallback: {
        // Runs of <0xNN> become the text they spell, or one U+FFFD per byte if it is not UTF-8.
        std::vector<std::string> out;
        std::string run;
        size_t run_bytes = 0;
        auto flush = [&] {
            if (run_bytes == 0) return;
            if (utf8::is_valid(run))
                out.push_back(run);
            else
                out.insert(out.end(), run_bytes, "\xEF\xBF\xBD");
            run.clear();
            run_bytes = 0;
        };
        for (std::string& t : tokens) {
            char byte;
            if (byte_token_value(t, byte)) {
                run.push_back(byte);
                ++run_bytes;
            } else {
                flush();
                out.push_back(std::move(t));
            }
        }
        flush();
        tokens = std::move(out);
        break;
    }
    case DecoderStep::Kind::Fuse: {
        std::string all;
        for (const std::string& t : tokens) all += t;
        tokens.assign(1, std::move(all));
        break;
    }
    case DecoderStep::Kind::Strip:
        for (std::string& t : tokens) {
            const size_t w = step.content.size();
            size_t begin = 0, end = t.size();
            for (size_t k = 0; k < step.start && end - begin >= w && t.compare(begin, w, step.content) == 0; ++k) begin += w;
            for (size_t k = 0; k < step.stop && end - begin >= w && t.compare(end - w, w, step.content) == 0; ++k) end -= w;
            t = t.substr(begin, end - begin);
        }
        break;
    case DecoderStep::Kind::Metaspace:
        for (size_t i = 0; i < tokens.size(); ++i) replace_all(tokens[i], step.content, i == 0 && step.prepended ? "" : " ");
        break;
    }
}

}  // namespace

std::vector<int64_t> Tokenizer::encode(const std::string& text, bool add_special_tokens) const
{
    const TokenizerState& s = *m_state;
    std::string repaired;
    std::string_view input = text;
    if (!utf8::is_valid(text)) input = repaired = utf8::to_valid(text);

    std::vector<int32_t> ids;
    std::vector<AddedTokenMatcher::Piece> raw_pieces, pieces;
    s.raw_matcher.split(input, raw_pieces);
    for (const AddedTokenMatcher::Piece& raw : raw_pieces) {
        if (raw.token) {
            ids.push_back(raw.token->id);
            continue;
        }
        std::string normalized;
        std::string_view view = raw.text;
        if (!s.normalizers.empty()) view = normalized = normalize(s, raw.text);
        pieces.clear();
        s.normalized_matcher.split(view, pieces);
        for (const AddedTokenMatcher::Piece& piece : pieces) {
            if (piece.token)
                ids.push_back(piece.token->id);
            else
                pre_tokenize(s, 0, piece.text, raw.text.data() == input.data() && piece.text.data() == view.data(), ids);
        }
    }

    std::vector<int64_t> out;
    out.reserve(ids.size() + s.template_before.size() + s.template_after.size());
    if (add_special_tokens) out.assign(s.template_before.begin(), s.template_before.end());
    out.insert(out.end(), ids.begin(), ids.end());
    if (add_special_tokens) out.insert(out.end(), s.template_after.begin(), s.template_after.end());
    return out;
}

std::string Tokenizer::decode(const std::vector<int64_t>& ids, bool skip_special_tokens) const
{
    const TokenizerState& s = *m_state;
    std::vector<std::string> tokens;
    tokens.reserve(ids.size());
    for (const int64_t id : ids) {
        if (id < 0 || id >= vocab_size() || s.tokens[id].empty()) continue;
        if (skip_special_tokens && s.special[id]) continue;
        tokens.push_back(s.tokens[id]);
    }
    std::string text;
    if (!s.has_decoder) {
        for (size_t i = 0; i < tokens.size(); ++i) text += (i ? " " : "") + tokens[i];
        return text;
    }
    for (const DecoderStep& step : s.decoders) decode_step(step, tokens);
    for (const std::string& t : tokens) text += t;
    return utf8::to_valid(text);
}

int64_t Tokenizer::vocab_size() const { return static_cast<int64_t>(m_state->tokens.size()); }

std::optional<int64_t> Tokenizer::token_to_id(const std::string& token) const
{
    for (const auto& t : m_state->added)
        if (t->content == token) return t->id;
    if (const std::optional<int32_t> id = m_state->model.id_of(token)) return *id;
    return std::nullopt;
}

std::optional<std::string> Tokenizer::id_to_token(int64_t id) const
{
    if (id < 0 || id >= vocab_size() || m_state->tokens[id].empty()) return std::nullopt;
    return m_state->tokens[id];
}

bool Tokenizer::is_special(int64_t id) const { return id >= 0 && id < vocab_size() && m_state->special[id]; }

std::optional<int64_t> Tokenizer::bos_id() const { return m_state->bos; }
std::optional<int64_t> Tokenizer::eos_id() const { return m_state->eos; }

}  // namespace dora::data
