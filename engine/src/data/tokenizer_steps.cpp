// One function per section; "Sequence" recurses, which the 64-level JSON depth limit bounds.
#include "data/tokenizer_steps.h"

#include "data/utf8.h"
#include "dora/error.h"

namespace dora::data {

using namespace json_fields;

namespace {

std::string type_of(const Json& cfg, const std::string& where)
{
    expect_object(cfg, where);
    return get_string(cfg, "type", where);
}

[[noreturn]] void unsupported(const std::string& where, const std::string& what, const std::string& supported)
{
    throw Error(where + ": " + what + " is not supported (only " + supported + ")");
}

// A one-character setting such as Metaspace's replacement or Strip's content.
std::string one_char(const Json& cfg, const char* key, const std::string& where)
{
    const std::string s = get_string(cfg, key, where);
    char32_t cp;
    bool ok;
    if (s.empty() || utf8::decode(s, 0, cp, ok) != s.size()) throw Error(path(where, key) + ": expected one character");
    return s;
}

// {"String": "x"} patterns only: the regex forms of Replace are not implemented.
std::string literal_pattern(const Json& cfg, const std::string& where)
{
    const Json& pattern = expect_object(require(cfg, "pattern", where), path(where, "pattern"));
    const Json* literal = find(pattern, "String");
    if (!literal) unsupported(path(where, "pattern"), "a regex pattern", "{\"String\": ...}");
    const std::string& s = expect_string(*literal, path(where, "pattern.String"));
    if (s.empty()) throw Error(path(where, "pattern.String") + ": empty");
    return s;
}

PrependScheme prepend_scheme(const Json& cfg, const std::string& where)
{
    // Files from before prepend_scheme existed say add_prefix_space instead.
    if (!get_bool_or(cfg, "add_prefix_space", true, where)) return PrependScheme::Never;
    const std::string scheme = get_string_or(cfg, "prepend_scheme", "always", where);
    if (scheme == "always") return PrependScheme::Always;
    if (scheme == "first") return PrependScheme::First;
    if (scheme == "never") return PrependScheme::Never;
    throw Error(path(where, "prepend_scheme") + ": unknown value " + quote(scheme));
}

template <typename F>
void for_each_item(const Json& cfg, const char* key, const std::string& where, F&& load_one)
{
    const Json& list = expect_array(require(cfg, key, where), path(where, key));
    for (size_t i = 0; i < list.size(); ++i) load_one(list[i], path(where, key) + "[" + std::to_string(i) + "]");
}

// The ids of one entry of TemplateProcessing's special_tokens, each checked against the vocabulary.
std::vector<int32_t> template_ids(const Json& specials, const std::string& name, const std::string& where,
                                  const TokenizerState& state)
{
    const Json* entry = find(specials, name.c_str());
    if (!entry) throw Error(where + ": " + quote(name) + " is not in special_tokens");
    std::vector<int32_t> ids;
    for_each_item(expect_object(*entry, where), "ids", where, [&](const Json& v, const std::string& w) {
        const int64_t id = expect_integer(v, w);
        if (id < 0 || id >= int64_t(state.tokens.size()) || state.tokens[id].empty())
            throw Error(w + ": id " + std::to_string(id) + " is not in the vocabulary");
        ids.push_back(static_cast<int32_t>(id));
    });
    return ids;
}

int32_t processor_token(const Json& cfg, const char* key, const std::string& where, const TokenizerState& state)
{
    // RobertaProcessing / BertProcessing: "cls": ["<s>", 0]
    const Json& pair = expect_array(require(cfg, key, where), path(where, key));
    if (pair.size() != 2) throw Error(path(where, key) + ": expected [token, id]");
    const int64_t id = expect_integer(pair[1], path(where, key) + "[1]");
    if (id < 0 || id >= int64_t(state.tokens.size()) || state.tokens[id] != expect_string(pair[0], path(where, key) + "[0]"))
        throw Error(path(where, key) + ": id " + std::to_string(id) + " is not that token's");
    return static_cast<int32_t>(id);
}

}  // namespace

void load_normalizer(const Json& cfg, const std::string& where, std::vector<NormalizerStep>& out)
{
    const std::string type = type_of(cfg, where);
    if (type == "Sequence") {
        for_each_item(cfg, "normalizers", where, [&](const Json& c, const std::string& w) { load_normalizer(c, w, out); });
    } else if (type == "Prepend") {
        out.push_back({NormalizerStep::Kind::Prepend, "", get_string(cfg, "prepend", where)});
    } else if (type == "Replace") {
        out.push_back({NormalizerStep::Kind::Replace, literal_pattern(cfg, where), get_string(cfg, "content", where)});
    } else if (type == "NFC") {
        out.push_back({NormalizerStep::Kind::Nfc, "", ""});
    } else {
        unsupported(where, "normalizer type " + quote(type), "Sequence, Prepend, Replace, NFC");
    }
}

void load_pre_tokenizer(const Json& cfg, const std::string& where, std::vector<PreTokenizerStep>& out)
{
    const std::string type = type_of(cfg, where);
    if (!out.empty() && out.back().kind == PreTokenizerStep::Kind::ByteLevel)
        unsupported(where, "a pre-tokenizer after ByteLevel", "ByteLevel as the last step");
    PreTokenizerStep step;
    if (type == "Sequence") {
        for_each_item(cfg, "pretokenizers", where, [&](const Json& c, const std::string& w) { load_pre_tokenizer(c, w, out); });
        return;
    } else if (type == "Split") {
        const Json& pattern = expect_object(require(cfg, "pattern", where), path(where, "pattern"));
        const Json* regex = find(pattern, "Regex");
        if (!regex) unsupported(path(where, "pattern"), "a non-regex pattern", "the Regex patterns of GPT-2, Llama 3 and Qwen2");
        const std::optional<SplitPattern> known = split_pattern_from_regex(expect_string(*regex, path(where, "pattern.Regex")));
        if (!known)
            unsupported(path(where, "pattern.Regex"), "the pattern " + quote(regex->get<std::string>(), 200),
                        "the patterns of GPT-2, Llama 3 and Qwen2");
        step.pattern = *known;
        const std::string behavior = get_string_or(cfg, "behavior", "Isolated", where);
        if (behavior != "Isolated") unsupported(path(where, "behavior"), quote(behavior), "Isolated");
        if (get_bool_or(cfg, "invert", false, where)) unsupported(path(where, "invert"), "true", "false");
    } else if (type == "Digits") {
        step.kind = PreTokenizerStep::Kind::Digits;
        step.individual_digits = get_bool_or(cfg, "individual_digits", false, where);
    } else if (type == "Metaspace") {
        step.kind = PreTokenizerStep::Kind::Metaspace;
        step.replacement = one_char(cfg, "replacement", where);
        step.prepend = prepend_scheme(cfg, where);
        step.split = get_bool_or(cfg, "split", true, where);
    } else if (type == "ByteLevel") {
        step.kind = PreTokenizerStep::Kind::ByteLevel;
        step.add_prefix_space = get_bool_or(cfg, "add_prefix_space", true, where);
        step.use_regex = get_bool_or(cfg, "use_regex", true, where);
    } else {
        unsupported(where, "pre-tokenizer type " + quote(type), "Sequence, Split, Digits, Metaspace, ByteLevel");
    }
    out.push_back(step);
}

void load_decoder(const Json& cfg, const std::string& where, std::vector<DecoderStep>& out)
{
    const std::string type = type_of(cfg, where);
    DecoderStep step;
    if (type == "Sequence") {
        for_each_item(cfg, "decoders", where, [&](const Json& c, const std::string& w) { load_decoder(c, w, out); });
        return;
    } else if (type == "ByteLevel") {
    } else if (type == "Replace") {
        step.kind = DecoderStep::Kind::Replace;
        step.pattern = literal_pattern(cfg, where);
        step.content = get_string(cfg, "content", where);
    } else if (type == "ByteFallback") {
        step.kind = DecoderStep::Kind::ByteFallback;
    } else if (type == "Fuse") {
        step.kind = DecoderStep::Kind::Fuse;
    } else if (type == "Strip") {
        step.kind = DecoderStep::Kind::Strip;
        step.content = one_char(cfg, "content", where);
        const int64_t start = get_integer_or(cfg, "start", 0, where), stop = get_integer_or(cfg, "stop", 0, where);
        if (start < 0 || stop < 0 || start > 1024 || stop > 1024) throw Error(where + ": start and stop must be 0..1024");
        step.start = size_t(start);
        step.stop = size_t(stop);
    } else if (type == "Metaspace") {
        step.kind = DecoderStep::Kind::Metaspace;
        step.content = one_char(cfg, "replacement", where);
        step.prepended = prepend_scheme(cfg, where) != PrependScheme::Never;
    } else {
        unsupported(where, "decoder type " + quote(type), "Sequence, ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace");
    }
    out.push_back(step);
}

void load_post_processor(const Json& cfg, const std::string& where, TokenizerState& state)
{
    const std::string type = type_of(cfg, where);
    if (type == "Sequence") {
        for_each_item(cfg, "processors", where, [&](const Json& c, const std::string& w) { load_post_processor(c, w, state); });
    } else if (type == "ByteLevel") {
        // Only trims offsets, which encode does not return.
    } else if (type == "TemplateProcessing") {
        const Json& specials = expect_object(require(cfg, "special_tokens", where), path(where, "special_tokens"));
        std::vector<int32_t> before, after;
        int sequences = 0;
        for_each_item(cfg, "single", where, [&](const Json& item, const std::string& w) {
            expect_object(item, w);
            if (const Json* special = find(item, "SpecialToken")) {
                const std::string name = get_string(expect_object(*special, w), "id", w);
                const std::vector<int32_t> ids = template_ids(specials, name, w, state);
                (sequences ? after : before).insert((sequences ? after : before).end(), ids.begin(), ids.end());
            } else if (const Json* sequence = find(item, "Sequence")) {
                if (get_string(expect_object(*sequence, w), "id", w) != "A")
                    unsupported(w, "a single-sequence template with a sequence other than A", "A");
                ++sequences;
            } else {
                throw Error(w + ": expected SpecialToken or Sequence");
            }
        });
        if (sequences != 1) throw Error(path(where, "single") + ": expected the sequence A exactly once");
        // A later processor wraps what the earlier ones made.
        state.template_before.insert(state.template_before.begin(), before.begin(), before.end());
        state.template_after.insert(state.template_after.end(), after.begin(), after.end());
    } else if (type == "RobertaProcessing" || type == "BertProcessing") {
        state.template_before.insert(state.template_before.begin(), processor_token(cfg, "cls", where, state));
        state.template_after.push_back(processor_token(cfg, "sep", where, state));
    } else {
        unsupported(where, "post-processor type " + quote(type),
                    "Sequence, ByteLevel, TemplateProcessing, RobertaProcessing, BertProcessing");
    }
}

}  // namespace dora::data
