// Fuzz targets for the parsers that take bytes or text: the safetensors header, the run config,
// tokenizer.json, adapter_config.json and a model's config.json. Each also uses what it parsed the way the engine does
// (sizes, conversions, encoding), so a parse that accepts something inconsistent is caught too.
#include "fuzz_targets.h"

#include "data/tokenizer.h"
#include "dora/error.h"
#include "dora/run_config.h"
#include "export/peft_config.h"
#include "io/safetensors.h"
#include "models/model_spec.h"

#include <algorithm>
#include <stdexcept>

namespace dora::fuzz {
namespace {

std::string text_of(const uint8_t* data, size_t size) { return std::string(reinterpret_cast<const char*>(data), size); }

}  // namespace

std::string input_label() { return "fuzz-input"; }

std::string fuzz_safetensors(const uint8_t* data, size_t size)
{
    try {
        const io::SafetensorsHeader header = io::parse_safetensors(data, size, input_label());
        std::vector<float> converted;
        for (const io::TensorEntry& entry : header.tensors) {
            // The parser promises every range lies inside the image; reading it proves it under ASan.
            if (entry.end > size - header.data_start || entry.numel() * static_cast<int64_t>(io::dtype_size(entry.dtype)) !=
                                                            static_cast<int64_t>(entry.end - entry.begin))
                throw std::logic_error("parse_safetensors accepted an entry whose bytes do not fit");
            if (entry.dtype != io::DType::F32 && entry.dtype != io::DType::F16 && entry.dtype != io::DType::BF16)
                continue;
            converted.resize(static_cast<size_t>(std::min<int64_t>(entry.numel(), 1 << 16)));
            io::convert_to_f32(entry.dtype, data + header.data_start + entry.begin,
                               static_cast<int64_t>(converted.size()), converted.data());
        }
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

std::string fuzz_run_config(const uint8_t* data, size_t size)
{
    RunConfig config;
    try {
        config = run_config_from_json(text_of(data, size), input_label());
    } catch (const Error& e) {
        return e.what();
    }
    // A config that was accepted must survive a round trip unchanged: the store keeps it as JSON.
    const std::string saved = run_config_to_json(config);
    if (run_config_to_json(run_config_from_json(saved, "round trip")) != saved)
        throw std::logic_error("a run config changed in a save and load round trip");
    return "";
}

std::string fuzz_tokenizer_json(const uint8_t* data, size_t size)
{
    try {
        const data::Tokenizer tokenizer = data::Tokenizer::from_json(text_of(data, size), input_label());
        // Encode text that exercises pre-tokenizers, byte fallback and added tokens, then decode.
        for (const char* sample : {"Hello world", " \t\n 12 345 héllo 世界 🙂 <|endoftext|>", "\xC3\x28 bad"}) {
            const std::vector<int64_t> ids = tokenizer.encode(sample, /*add_special_tokens=*/true);
            tokenizer.decode(ids);
            tokenizer.decode(ids, /*skip_special_tokens=*/true);
        }
        tokenizer.encode(text_of(data, std::min<size_t>(size, 512)));
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

std::string fuzz_peft_adapter_config(const uint8_t* data, size_t size)
{
    try {
        const AdapterConfig config = exporting::read_peft_adapter_config(text_of(data, size), input_label());
        if (config.rank < 1 || !(config.alpha > 0))
            throw std::logic_error("an adapter config with a rank below 1 or a non-positive alpha was accepted");
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

std::string fuzz_model_config(const uint8_t* data, size_t size)
{
    try {
        const models::ModelSpec spec = models::parse_model_spec(text_of(data, size), input_label());
        // The memory estimate multiplies these sizes: under UBSan an overflow here is a finding.
        if (spec.parameter_count() <= 0 || spec.context_length() <= 0 || spec.vocab_size() < 0)
            throw std::logic_error("a config.json gave a model of no parameters or no context");
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace dora::fuzz
