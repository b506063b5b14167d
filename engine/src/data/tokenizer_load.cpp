// Tokenizer::from_file / from_json: reading the model, its vocabulary and merges, and the added
// tokens, with the limits that keep a hostile file from exhausting memory or time. The pipeline
// sections are read by tokenizer_steps.cpp.
#include "data/tokenizer.h"

#include "data/json_fields.h"
#include "data/tokenizer_state.h"
#include "data/tokenizer_steps.h"
#include "dora/error.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace dora::data {

using namespace json_fields;

namespace {

constexpr uint64_t kMaxFileBytes = 64ull << 20;
constexpr int64_t kMaxIds = 1000000;  // ids are below this, added tokens included
constexpr size_t kMaxMerges = 2000000;
constexpr size_t kMaxTokenBytes = 1024;
constexpr size_t kMaxAddedBytes = 1 << 20;  // all added tokens' text together
constexpr size_t kMaxJsonValues = 16000000;

void check_token_text(const std::string& token, const std::string& where)
{
    if (token.empty()) throw Error(where + ": empty token");
    if (token.size() > kMaxTokenBytes)
        throw Error(where + ": token " + quote(token) + " is " + std::to_string(token.size()) + " bytes, more than " +
                    std::to_string(kMaxTokenBytes));
}

int32_t check_id(int64_t id, const std::string& where)
{
    if (id < 0 || id >= kMaxIds)
        throw Error(where + ": id " + std::to_string(id) + " is out of range (0.." + std::to_string(kMaxIds - 1) + ")");
    return static_cast<int32_t>(id);
}

// Records `token` as the owner of `id` in state.tokens, refusing an id that another token has.
void claim_id(TokenizerState& state, int32_t id, const std::string& token, const std::string& where)
{
    if (size_t(id) >= state.tokens.size()) state.tokens.resize(size_t(id) + 1);
    if (!state.tokens[id].empty() && state.tokens[id] != token)
        throw Error(where + ": id " + std::to_string(id) + " of " + quote(token) + " is already the id of " +
                    quote(state.tokens[id]));
    state.tokens[id] = token;
}

std::unordered_map<std::string, int32_t> load_vocab(const Json& model, std::vector<std::string>& tokens)
{
    const Json& vocab = expect_object(require(model, "vocab", "model"), "model.vocab");
    if (vocab.size() > size_t(kMaxIds))
        throw Error("model.vocab: " + std::to_string(vocab.size()) + " tokens, more than " + std::to_string(kMaxIds));
    std::unordered_map<std::string, int32_t> ids;
    ids.reserve(vocab.size());
    for (auto it = vocab.begin(); it != vocab.end(); ++it) {
        const std::string where = "model.vocab[" + quote(it.key()) + "]";
        check_token_text(it.key(), where);
        const int32_t id = check_id(expect_integer(it.value(), where), where);
        if (size_t(id) >= tokens.size()) tokens.resize(size_t(id) + 1);
        if (!tokens[id].empty())
            throw Error(where + ": duplicate id " + std::to_string(id) + " (also " + quote(tokens[id]) + ")");
        tokens[id] = it.key();
        ids.emplace(it.key(), id);
    }
    return ids;
}

BpeOptions load_options(const Json& model, const std::vector<PreTokenizerStep>& pre_tokenizers)
{
    BpeOptions o;
    if (const Json* unk = find(model, "unk_token")) o.unk_token = expect_string(*unk, "model.unk_token");
    o.continuing_subword_prefix = get_string_or(model, "continuing_subword_prefix", "", "model");
    o.end_of_word_suffix = get_string_or(model, "end_of_word_suffix", "", "model");
    o.fuse_unk = get_bool_or(model, "fuse_unk", false, "model");
    o.byte_fallback = get_bool_or(model, "byte_fallback", false, "model");
    o.ignore_merges = get_bool_or(model, "ignore_merges", false, "model");
    o.byte_level = !pre_tokenizers.empty() && pre_tokenizers.back().kind == PreTokenizerStep::Kind::ByteLevel;
    // "dropout" only matters when training a tokenizer; encoding here is deterministic, as in inference.
    return o;
}

void load_merges(const Json& model, BpeModel& bpe)
{
    const Json& merges = expect_array(require(model, "merges", "model"), "model.merges");
    if (merges.size() > kMaxMerges)
        throw Error("model.merges: " + std::to_string(merges.size()) + " merges, more than " + std::to_string(kMaxMerges));
    for (size_t i = 0; i < merges.size(); ++i) {
        const std::string where = "model.merges[" + std::to_string(i) + "]";
        const Json& m = merges[i];
        std::string left, right;
        if (m.is_string()) {  // "a b": exactly one space, as tokens in this form cannot hold one
            const std::string& s = m.get_ref<const std::string&>();
            const size_t space = s.find(' ');
            if (space == std::string::npos || s.find(' ', space + 1) != std::string::npos)
                throw Error(where + ": expected two tokens separated by one space, found " + quote(s));
            left = s.substr(0, space);
            right = s.substr(space + 1);
        } else if (m.is_array() && m.size() == 2) {
            left = expect_string(m[0], where + "[0]");
            right = expect_string(m[1], where + "[1]");
        } else {
            throw Error(where + ": expected \"a b\" or [\"a\", \"b\"]");
        }
        try {
            bpe.add_merge(left, right);
        } catch (const Error& e) {
            rethrow_with_context(where, e);
        }
    }
}

void load_added_tokens(const Json& root, TokenizerState& state)
{
    const Json* list = find(root, "added_tokens");
    if (!list) return;
    expect_array(*list, "added_tokens");
    size_t total_bytes = 0;
    for (size_t i = 0; i < list->size(); ++i) {
        const std::string where = "added_tokens[" + std::to_string(i) + "]";
        const Json& t = expect_object((*list)[i], where);
        auto token = std::make_unique<AddedToken>();
        token->content = get_string(t, "content", where);
        check_token_text(token->content, where + ".content");
        if ((total_bytes += token->content.size()) > kMaxAddedBytes)
            throw Error("added_tokens: more than " + std::to_string(kMaxAddedBytes) + " bytes of text in all");
        token->id = check_id(expect_integer(require(t, "id", where), where + ".id"), where + ".id");
        token->special = get_bool_or(t, "special", false, where);
        token->lstrip = get_bool_or(t, "lstrip", false, where);
        token->rstrip = get_bool_or(t, "rstrip", false, where);
        token->single_word = get_bool_or(t, "single_word", false, where);
        token->normalized = get_bool_or(t, "normalized", !token->special, where);
        claim_id(state, token->id, token->content, where + ".id");
        if (const std::optional<int32_t> in_vocab = state.model.id_of(token->content); in_vocab && *in_vocab != token->id)
            throw Error(where + ": " + quote(token->content) + " has id " + std::to_string(token->id) +
                        " but the vocabulary gives it " + std::to_string(*in_vocab));
        (token->normalized ? state.normalized_matcher : state.raw_matcher).add(token.get());
        state.added.push_back(std::move(token));
    }
}

// See the comment on Tokenizer::bos_id.
std::optional<int32_t> conventional(const TokenizerState& state, std::initializer_list<const char*> names)
{
    for (const char* name : names)
        for (const auto& t : state.added)
            if (t->special && t->content == name) return t->id;
    return std::nullopt;
}

std::shared_ptr<TokenizerState> load(const std::string& text)
{
    const Json root = parse(text, kMaxJsonValues);
    expect_object(root, "the file");
    const Json& model = expect_object(require(root, "model", ""), "model");
    const std::string type = get_string_or(model, "type", "BPE", "model");
    if (type != "BPE") throw Error("model.type: " + quote(type) + " is not supported (only BPE)");

    std::vector<PreTokenizerStep> pre_tokenizers;
    if (const Json* p = find(root, "pre_tokenizer")) load_pre_tokenizer(*p, "pre_tokenizer", pre_tokenizers);
    std::vector<std::string> tokens;
    std::unordered_map<std::string, int32_t> vocab = load_vocab(model, tokens);
    auto state = std::make_shared<TokenizerState>(BpeModel(std::move(vocab), load_options(model, pre_tokenizers)));
    state->tokens = std::move(tokens);
    state->pre_tokenizers = std::move(pre_tokenizers);
    load_merges(model, state->model);
    load_added_tokens(root, *state);
    state->special.assign(state->tokens.size(), 0);
    for (const auto& t : state->added) state->special[t->id] = t->special;

    if (const Json* n = find(root, "normalizer")) load_normalizer(*n, "normalizer", state->normalizers);
    if (const Json* d = find(root, "decoder")) {
        state->has_decoder = true;
        load_decoder(*d, "decoder", state->decoders);
    }
    if (const Json* p = find(root, "post_processor")) load_post_processor(*p, "post_processor", *state);

    state->bos = !state->template_before.empty()
                     ? std::optional<int32_t>(state->template_before.front())
                     : conventional(*state, {"<s>", "<|begin_of_text|>", "<bos>", "<|startoftext|>", "<|endoftext|>"});
    state->eos = !state->template_after.empty()
                     ? std::optional<int32_t>(state->template_after.back())
                     : conventional(*state, {"</s>", "<|end_of_text|>", "<eos>", "<|endoftext|>", "<|im_end|>"});
    return state;
}

}  // namespace

Tokenizer Tokenizer::from_json(const std::string& json_text, const std::string& label)
{
    try {
        if (json_text.size() > kMaxFileBytes)
            throw Error(std::to_string(json_text.size()) + " bytes, more than the " + std::to_string(kMaxFileBytes >> 20) +
                        " MiB a tokenizer.json may have");
        return Tokenizer(load(json_text));
    } catch (const Error& e) {
        rethrow_with_context(label, e);
    } catch (const std::bad_alloc&) {
        throw Error(label + ": out of memory while loading");
    } catch (const std::exception& e) {  // not expected: every check above throws dora::Error
        throw Error(label + ": " + e.what());
    }
}

Tokenizer Tokenizer::from_file(const std::string& path)
{
    std::error_code ec;
    const uintmax_t size = std::filesystem::file_size(path, ec);
    if (ec) throw Error(path + ": cannot read (" + ec.message() + ")");
    if (size > kMaxFileBytes)
        throw Error(path + ": " + std::to_string(size) + " bytes, more than the " + std::to_string(kMaxFileBytes >> 20) +
                    " MiB a tokenizer.json may have");
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (!in) throw Error(path + ": cannot read");
    return from_json(buffer.str(), path);
}

}  // namespace dora::data
