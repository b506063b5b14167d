// The run config: everything that defines a training run, as plain C++ values. It is read from and
// written to JSON (README, "Run config"); unknown fields are an error that names the field, so a typo
// never silently falls back to a default.
#pragma once

#include <string>
#include <vector>

namespace dora {

struct ModelSource {
    std::string builtin;  // "demo-mlp", "demo-gpt", or empty
    std::string path;     // a Hugging Face model folder, or empty
};

struct DataConfig {
    std::string builtin;          // a built-in dataset with the same name as a demo model
    std::string path;             // a file of the user's
    std::string format = "text";  // text | jsonl | alpaca | csv (for `path`)
    double eval_fraction = 0.1;   // share of samples held out for evaluation
    int seq_len = 64;             // tokens per sample for language models
};

struct MagnitudeConfig {
    bool trainable = true;     // DoRA: learn the magnitude vector m
    double lr_scale = 1.0;     // its learning rate = lr * lr_scale
    bool detach_norm = true;   // treat ||W0 + sBA|| as a constant in backward (DoRA paper 4.3, PEFT)
};

struct AdapterConfig {
    std::string method = "dora";  // lora | dora | full
    std::vector<std::string> targets = {".*"};  // regexes matched against whole module names
    int rank = 8;
    double alpha = 16.0;
    double dropout = 0.0;
    bool rslora = false;          // scale alpha / sqrt(rank) instead of alpha / rank
    MagnitudeConfig magnitude;
    // A PEFT adapter folder to start from instead of B = 0 (its rank, alpha, method and modules must
    // agree with this section; `targets` is then taken from the adapter).
    std::string init_from;
};

struct TrainConfig {
    int steps = 200;
    int batch_size = 16;
    int grad_accum = 1;
    double lr = 1e-3;
    double weight_decay = 0.0;    // never applied to DoRA magnitudes (it shrinks them and fakes a slope)
    std::string schedule = "cosine";  // constant | linear | cosine
    int warmup_steps = 10;
    double clip_grad_norm = 1.0;  // 0 disables clipping
    int eval_every = 50;          // 0: only before the first and after the last step
    int checkpoint_every = 50;    // 0: only after the last step (and on stop)
    unsigned long long seed = 1234;
    int threads = 0;              // 0: one per core
    std::string device = "auto";  // auto | cpu | cuda
};

struct LogConfig {
    int layer_stats_every = 10;   // 0: off
};

struct RunConfig {
    std::string name = "run";
    ModelSource model;
    DataConfig data;
    AdapterConfig adapter;
    TrainConfig train;
    LogConfig log;
};

// Parses and validates; throws dora::Error naming the field ("adapter.rank must be at least 1, got 0").
// `origin` (a file name, or "config") starts every message.
RunConfig run_config_from_json(const std::string& json_text, const std::string& origin = "config");
RunConfig run_config_from_file(const std::string& path);
// Every field, defaults included, so a stored config means the same thing to later builds.
std::string run_config_to_json(const RunConfig& config, int indent = 2);
// Semantic checks that need no model (ranges, enumerations). Called by the parsers.
void run_config_validate(const RunConfig& config, const std::string& origin = "config");

}  // namespace dora
