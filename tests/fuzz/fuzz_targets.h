// The fuzz targets: each feeds one parser of untrusted files arbitrary bytes. A parser may accept the
// input or refuse it with a dora::Error; anything else (another exception, a crash, a sanitizer
// report, a hang) is a bug. Shared by the libFuzzer executables (fuzz_main.cpp, built with
// -DDORA_FUZZ=ON and clang) and by tests/test_fuzz_regressions.cpp, which replays the seed corpus and
// every input a fuzzer ever crashed on in the normal test suite.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dora::fuzz {

// What the parser said: "" when it accepted the input, else the dora::Error's message. Other
// exceptions escape on purpose, so libFuzzer reports them as crashes.
using Target = std::string (*)(const uint8_t* data, size_t size);

struct NamedTarget {
    const char* name;  // also the folder of its corpus: tests/fuzz/corpus/<name>
    Target run;
    // What every refusal must start with, so a user sees which file is wrong.
    std::string (*message_prefix)();
};

const std::vector<NamedTarget>& all_targets();
const NamedTarget* find_target(const std::string& name);

// The byte-level parsers (fuzz_parsers.cpp): the safetensors header, the run config, tokenizer.json,
// adapter_config.json and a model's config.json.
std::string fuzz_safetensors(const uint8_t* data, size_t size);
std::string fuzz_run_config(const uint8_t* data, size_t size);
std::string fuzz_tokenizer_json(const uint8_t* data, size_t size);
std::string fuzz_peft_adapter_config(const uint8_t* data, size_t size);
std::string fuzz_model_config(const uint8_t* data, size_t size);
std::string input_label();  // "fuzz-input", the label those parsers are given

// The parsers that read files and folders (fuzz_files.cpp): the input is written into a scratch
// folder first.
std::string fuzz_shard_index(const uint8_t* data, size_t size);
std::string fuzz_dataset(const uint8_t* data, size_t size);
std::string scratch_folder();  // per process, removed at exit

}  // namespace dora::fuzz
