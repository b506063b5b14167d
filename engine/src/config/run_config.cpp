// Run config <-> JSON. A small reader walks each JSON object, takes the fields it knows and rejects
// whatever is left, so "adapter.rnak" is an error that names the field instead of a silent default.
#include "dora/run_config.h"

#include "dora/error.h"
#include "io/json_limits.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace dora {
namespace {

constexpr size_t kMaxRunConfigBytes = 1u << 20;  // a real one is under 2 KiB

using nlohmann::json;

// Reads one JSON object; every field it is asked for is marked as known; finish() rejects the rest.
class ObjectReader {
public:
    ObjectReader(const json& object, std::string path, std::string origin)
        : m_object(object), m_path(std::move(path)), m_origin(std::move(origin))
    {
        if (!m_object.is_object())
            fail(m_path.empty() ? "the config must be a JSON object" : m_path + " must be a JSON object");
    }

    template <typename T>
    void read(const char* key, T& out)
    {
        const json* value = take(key);
        if (!value)
            return;
        try {
            out = value->get<T>();
        } catch (const json::exception&) {
            fail(field(key) + " must be " + type_name<T>() + ", got " + io::json_excerpt(*value));
        }
    }

    void read_strings(const char* key, std::vector<std::string>& out)
    {
        const json* value = take(key);
        if (!value)
            return;
        if (value->is_string()) {  // a single pattern is accepted as a list of one
            out = {value->get<std::string>()};
            return;
        }
        if (!value->is_array())
            fail(field(key) + " must be a list of strings, got " + io::json_excerpt(*value));
        out.clear();
        for (const json& item : *value) {
            if (!item.is_string())
                fail(field(key) + " must be a list of strings, got " + io::json_excerpt(item) + " in it");
            out.push_back(item.get<std::string>());
        }
    }

    // A nested object, or nullptr when absent.
    const json* object(const char* key) { return take(key); }
    std::string field(const char* key) const { return m_path.empty() ? key : m_path + "." + key; }

    void finish() const
    {
        for (auto it = m_object.begin(); it != m_object.end(); ++it)
            if (!m_known.count(it.key()))
                fail("unknown field '" + (m_path.empty() ? it.key() : m_path + "." + it.key()) + "'");
    }

    [[noreturn]] void fail(const std::string& message) const { throw Error(m_origin + ": " + message); }

private:
    const json* take(const char* key)
    {
        m_known.insert(key);
        auto it = m_object.find(key);
        if (it == m_object.end() || it->is_null())
            return nullptr;
        return &*it;
    }

    template <typename T> static const char* type_name()
    {
        if constexpr (std::is_same_v<T, bool>) return "true or false";
        else if constexpr (std::is_integral_v<T>) return "a whole number";
        else if constexpr (std::is_floating_point_v<T>) return "a number";
        else return "a string";
    }

    const json& m_object;
    std::string m_path;
    std::string m_origin;
    std::set<std::string> m_known;
};

// nlohmann converts 2.5 to int 2 without complaint; a config value must mean exactly what it says.
void reject_fractional_integers(const json& j, const std::string& path, const std::string& origin,
                                const std::set<std::string>& integer_fields)
{
    if (!j.is_object())
        return;
    for (auto it = j.begin(); it != j.end(); ++it) {
        std::string name = path.empty() ? it.key() : path + "." + it.key();
        if (it->is_object())
            reject_fractional_integers(*it, name, origin, integer_fields);
        else if (integer_fields.count(name) && it->is_number_float())
            throw Error(origin + ": " + name + " must be a whole number, got " + io::json_excerpt(*it));
        else if (integer_fields.count(name) && it->is_number_integer() && it->get<long long>() > 1'000'000'000LL
                 && name != "train.seed")
            throw Error(origin + ": " + name + " is too large (" + io::json_excerpt(*it) + ")");
    }
}

template <typename Fill>
void read_section(ObjectReader& parent, const char* key, Fill fill)
{
    const json* j = parent.object(key);
    if (!j)
        return;
    ObjectReader r(*j, parent.field(key), "");
    try {
        fill(r);
        r.finish();
    } catch (const Error& e) {
        parent.fail(std::string(e.what()).substr(2));  // drop the empty origin's ": "
    }
}

void read_model(ObjectReader& parent, ModelSource& model)
{
    if (!parent.object("model"))
        parent.fail("model is missing: give {\"builtin\": \"demo-mlp\"} or {\"path\": \"/folder/of/model\"}");
    read_section(parent, "model", [&](ObjectReader& m) {
        m.read("builtin", model.builtin);
        m.read("path", model.path);
    });
}

// Why std::regex must not be given `pattern`, or "" when it may. std::regex expands a counted
// repetition into that many copies of its operand, so "((a{1000}){1000}){1000}" asks for a billion
// states, and it parses a count or a back-reference number of 20 digits into a long that overflows
// (found by tests/fuzz). Module names need neither: back-references are refused, and the counts in a
// pattern may multiply to at most 10,000.
std::string unsafe_pattern_reason(const std::string& pattern)
{
    double product = 1;
    for (size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '\\') {
            if (i + 1 < pattern.size() && std::isdigit(static_cast<unsigned char>(pattern[i + 1])))
                return "back-references such as \\1 are not supported";
            ++i;
            continue;
        }
        if (pattern[i] != '{')
            continue;
        double largest = 0, value = 0;
        for (size_t j = i + 1;
             j < pattern.size() && (std::isdigit(static_cast<unsigned char>(pattern[j])) || pattern[j] == ','); ++j) {
            value = pattern[j] == ',' ? 0 : value * 10 + (pattern[j] - '0');
            largest = std::max(largest, value);
        }
        product *= std::max(1.0, largest);
        if (product > 10000)
            return "its repetition counts multiply to more than 10000";
    }
    return "";
}

void require_one_of(const std::string& value, std::initializer_list<const char*> allowed, const std::string& field,
                    const std::string& origin)
{
    std::string list;
    for (const char* a : allowed) {
        if (value == a)
            return;
        list += list.empty() ? std::string(a) : std::string(", ") + a;
    }
    throw Error(origin + ": " + field + " must be one of " + list + ", got '" + value + "'");
}

}  // namespace

void run_config_validate(const RunConfig& c, const std::string& origin)
{
    auto fail = [&](const std::string& m) { throw Error(origin + ": " + m); };
    auto at_least = [&](const char* field, double value, double min) {
        if (!(value >= min)) {
            std::ostringstream s;
            s << field << " must be at least " << min << ", got " << value;
            fail(s.str());
        }
    };
    if (c.name.empty())
        fail("name must not be empty");
    if (c.model.builtin.empty() == c.model.path.empty())
        fail("model needs exactly one of 'builtin' or 'path'");
    if (!c.data.builtin.empty() && !c.data.path.empty())
        fail("data needs at most one of 'builtin' or 'path'");
    require_one_of(c.data.format, {"text", "jsonl", "alpaca", "csv"}, "data.format", origin);
    if (!(c.data.eval_fraction > 0.0 && c.data.eval_fraction < 1.0))
        fail("data.eval_fraction must be between 0 and 1 (exclusive), got " + std::to_string(c.data.eval_fraction));
    // Upper limits: a config from elsewhere must not make the trainer ask for terabytes. Each is far
    // beyond what a laptop trains and well inside what the engine's sizes hold. Whole numbers only.
    auto at_most = [&](const char* field, long long value, long long max) {
        if (value > max) {
            std::ostringstream s;
            s << field << " must be at most " << max << ", got " << value;
            fail(s.str());
        }
    };
    at_least("data.seq_len", c.data.seq_len, 2);
    at_most("data.seq_len", c.data.seq_len, 1 << 20);
    at_most("adapter.rank", c.adapter.rank, 65536);
    at_most("train.batch_size", c.train.batch_size, 1 << 20);
    at_most("train.grad_accum", c.train.grad_accum, 1 << 20);
    at_most("train.threads", c.train.threads, 1024);
    require_one_of(c.adapter.method, {"lora", "dora", "full"}, "adapter.method", origin);
    if (c.adapter.targets.empty())
        fail("adapter.targets must name at least one pattern");
    if (c.adapter.targets.size() > 10000)
        fail("adapter.targets has more than 10000 patterns");
    for (const std::string& pattern : c.adapter.targets) {
        // std::regex compiles and matches by recursion: a long pattern can exhaust the stack.
        if (pattern.size() > 1000)
            fail("adapter.targets: a pattern of " + std::to_string(pattern.size()) + " characters is longer than the 1000 allowed");
        if (const std::string reason = unsafe_pattern_reason(pattern); !reason.empty())
            fail("adapter.targets: '" + pattern + "' cannot be used: " + reason);
        try {
            std::regex re(pattern);
        } catch (const std::regex_error& e) {
            fail("adapter.targets: '" + pattern + "' is not a valid regular expression (" + e.what() + ")");
        }
    }
    at_least("adapter.rank", c.adapter.rank, 1);
    if (!(c.adapter.alpha > 0))
        fail("adapter.alpha must be greater than 0");
    if (!(c.adapter.dropout >= 0.0 && c.adapter.dropout < 1.0))
        fail("adapter.dropout must be at least 0 and below 1");
    at_least("adapter.magnitude.lr_scale", c.adapter.magnitude.lr_scale, 0.0);
    at_least("train.steps", c.train.steps, 1);
    at_least("train.batch_size", c.train.batch_size, 1);
    at_least("train.grad_accum", c.train.grad_accum, 1);
    if (!(c.train.lr > 0))
        fail("train.lr must be greater than 0");
    at_least("train.weight_decay", c.train.weight_decay, 0.0);
    require_one_of(c.train.schedule, {"constant", "linear", "cosine"}, "train.schedule", origin);
    at_least("train.warmup_steps", c.train.warmup_steps, 0);
    at_least("train.clip_grad_norm", c.train.clip_grad_norm, 0.0);
    at_least("train.eval_every", c.train.eval_every, 0);
    at_least("train.checkpoint_every", c.train.checkpoint_every, 0);
    at_least("train.threads", c.train.threads, 0);
    require_one_of(c.train.device, {"auto", "cpu", "cuda"}, "train.device", origin);
    at_least("log.layer_stats_every", c.log.layer_stats_every, 0);
}

RunConfig run_config_from_json(const std::string& text, const std::string& origin)
{
    if (text.size() > kMaxRunConfigBytes)
        throw Error(origin + ": " + std::to_string(text.size()) + " bytes, larger than the 1 MiB a run config may have");
    io::check_json_depth(text, origin);
    json root;
    try {
        root = json::parse(text);
    } catch (const json::exception& e) {
        // A syntax error (parse_error) or a number too large for a double (out_of_range, "1e400"; found
        // by tests/fuzz). nlohmann's message carries the byte position; keep it, drop its internal prefix.
        std::string what = e.what();
        const size_t tag_end = what.find("] ");
        if (what.rfind("[json.exception", 0) == 0 && tag_end != std::string::npos)
            what = what.substr(tag_end + 2);
        if (what.size() > 300) {  // it echoes the offending token, which a hostile file makes megabytes long
            size_t cut = 300;
            while (cut > 0 && (static_cast<unsigned char>(what[cut]) & 0xC0) == 0x80) --cut;
            what = what.substr(0, cut) + "...";
        }
        throw Error(origin + ": not valid JSON (" + what + ")");
    }
    reject_fractional_integers(root, "", origin,
                               {"data.seq_len", "adapter.rank", "train.steps", "train.batch_size", "train.grad_accum",
                                "train.warmup_steps", "train.eval_every", "train.checkpoint_every", "train.seed",
                                "train.threads", "log.layer_stats_every"});

    RunConfig c;
    ObjectReader r(root, "", origin);
    r.read("name", c.name);
    read_model(r, c.model);
    read_section(r, "data", [&](ObjectReader& d) {
        d.read("builtin", c.data.builtin);
        d.read("path", c.data.path);
        d.read("format", c.data.format);
        d.read("eval_fraction", c.data.eval_fraction);
        d.read("seq_len", c.data.seq_len);
    });
    read_section(r, "adapter", [&](ObjectReader& a) {
        a.read("method", c.adapter.method);
        a.read_strings("targets", c.adapter.targets);
        a.read("rank", c.adapter.rank);
        a.read("alpha", c.adapter.alpha);
        a.read("dropout", c.adapter.dropout);
        a.read("rslora", c.adapter.rslora);
        a.read("init_from", c.adapter.init_from);
        read_section(a, "magnitude", [&](ObjectReader& m) {
            m.read("trainable", c.adapter.magnitude.trainable);
            m.read("lr_scale", c.adapter.magnitude.lr_scale);
            m.read("detach_norm", c.adapter.magnitude.detach_norm);
        });
    });
    read_section(r, "train", [&](ObjectReader& t) {
        t.read("steps", c.train.steps);
        t.read("batch_size", c.train.batch_size);
        t.read("grad_accum", c.train.grad_accum);
        t.read("lr", c.train.lr);
        t.read("weight_decay", c.train.weight_decay);
        t.read("schedule", c.train.schedule);
        t.read("warmup_steps", c.train.warmup_steps);
        t.read("clip_grad_norm", c.train.clip_grad_norm);
        t.read("eval_every", c.train.eval_every);
        t.read("checkpoint_every", c.train.checkpoint_every);
        t.read("seed", c.train.seed);
        t.read("threads", c.train.threads);
        t.read("device", c.train.device);
    });
    read_section(r, "log", [&](ObjectReader& l) { l.read("layer_stats_every", c.log.layer_stats_every); });
    r.finish();

    // A built-in model brings its own data unless the config says otherwise.
    if (c.data.builtin.empty() && c.data.path.empty() && !c.model.builtin.empty())
        c.data.builtin = c.model.builtin;
    run_config_validate(c, origin);
    return c;
}

RunConfig run_config_from_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(path + ": cannot open the run config (does the file exist?)");
    std::ostringstream text;
    text << in.rdbuf();
    if (text.str().size() > (1u << 20))
        throw Error(path + ": a run config larger than 1 MiB is not a run config");
    return run_config_from_json(text.str(), path);
}

std::string run_config_to_json(const RunConfig& c, int indent)
{
    json model = json::object();
    if (!c.model.builtin.empty()) model["builtin"] = c.model.builtin;
    if (!c.model.path.empty()) model["path"] = c.model.path;
    json data = {{"format", c.data.format}, {"eval_fraction", c.data.eval_fraction}, {"seq_len", c.data.seq_len}};
    if (!c.data.builtin.empty()) data["builtin"] = c.data.builtin;
    if (!c.data.path.empty()) data["path"] = c.data.path;
    json j = {
        {"name", c.name},
        {"model", model},
        {"data", data},
        {"adapter",
         {{"method", c.adapter.method},
          {"targets", c.adapter.targets},
          {"rank", c.adapter.rank},
          {"alpha", c.adapter.alpha},
          {"dropout", c.adapter.dropout},
          {"rslora", c.adapter.rslora},
          {"init_from", c.adapter.init_from},
          {"magnitude",
           {{"trainable", c.adapter.magnitude.trainable},
            {"lr_scale", c.adapter.magnitude.lr_scale},
            {"detach_norm", c.adapter.magnitude.detach_norm}}}}},
        {"train",
         {{"steps", c.train.steps},
          {"batch_size", c.train.batch_size},
          {"grad_accum", c.train.grad_accum},
          {"lr", c.train.lr},
          {"weight_decay", c.train.weight_decay},
          {"schedule", c.train.schedule},
          {"warmup_steps", c.train.warmup_steps},
          {"clip_grad_norm", c.train.clip_grad_norm},
          {"eval_every", c.train.eval_every},
          {"checkpoint_every", c.train.checkpoint_every},
          {"seed", c.train.seed},
          {"threads", c.train.threads},
          {"device", c.train.device}}},
        {"log", {{"layer_stats_every", c.log.layer_stats_every}}},
    };
    return j.dump(indent);
}

}  // namespace dora
