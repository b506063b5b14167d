// `dora-cli bench`: trains a random GPT-2-shaped model with each method and prints step time,
// throughput, counted GFLOPs, the model FLOP use against a matrix-product peak measured in the same
// run with the same threads, and each method's peak memory. Every measurement runs in a child process
// of its own (this executable again, with an internal flag): peak memory is per process, and the
// parent never starts OpenMP threads that could compete with the child's.
#include "child_process.h"
#include "cli_args.h"
#include "commands.h"

#include "dora/error.h"
#include "dora/system_check.h"
#include "dora/training_bench.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace dora::cli {
namespace {

const char* kShapeFlags[] = {"--layers", "--d", "--heads", "--vocab", "--seq", "--batch",
                             "--rank", "--steps", "--threads", "--layer-stats-every"};
// Internal: what a child process measures.
const char* kChildMethod = "--child-method";
const char* kChildGemmPeak = "--child-gemm-peak";
const char* kChildPaired = "--child-paired";

int to_int(const Args& args, const std::string& flag, int fallback)
{
    const long long value = args.integer(flag, fallback);
    if (value < INT_MIN || value > INT_MAX)
        throw Error(flag + " is out of range: " + std::to_string(value));
    return static_cast<int>(value);
}

BenchShape shape_from(const Args& args)
{
    BenchShape s;
    s.layers = to_int(args, "--layers", s.layers);
    s.d = to_int(args, "--d", s.d);
    s.heads = to_int(args, "--heads", s.heads);
    s.vocab = to_int(args, "--vocab", s.vocab);
    s.seq = to_int(args, "--seq", s.seq);
    s.batch = to_int(args, "--batch", s.batch);
    s.rank = to_int(args, "--rank", s.rank);
    s.steps = to_int(args, "--steps", s.steps);
    s.threads = to_int(args, "--threads", s.threads);
    s.layer_stats_every = to_int(args, "--layer-stats-every", s.layer_stats_every);
    return s;
}

std::vector<std::string> shape_arguments(const BenchShape& s)
{
    const int values[] = {s.layers, s.d, s.heads, s.vocab, s.seq, s.batch, s.rank, s.steps, s.threads,
                          s.layer_stats_every};
    std::vector<std::string> out = {"bench"};
    for (size_t i = 0; i < std::size(values); ++i) {
        out.push_back(kShapeFlags[i]);
        out.push_back(std::to_string(values[i]));
    }
    return out;
}

std::vector<std::string> parse_methods(const std::string& list)
{
    std::vector<std::string> methods;
    std::stringstream in(list);
    std::string method;
    while (std::getline(in, method, ',')) {
        if (method != "lora" && method != "dora" && method != "full")
            throw Error("--methods: unknown method '" + method + "' (a comma-separated list of lora, dora, full)");
        if (std::find(methods.begin(), methods.end(), method) == methods.end())
            methods.push_back(method);
    }
    if (methods.empty())
        throw Error("--methods is empty (a comma-separated list of lora, dora, full)");
    return methods;
}

// Rounded to `digits` decimals, so the JSON shows 12.345 rather than 12.345000000000001.
double rounded(double x, int digits)
{
    const double scale = std::pow(10.0, digits);
    return std::round(x * scale) / scale;
}

int child_method(const BenchShape& shape, const std::string& method)
{
    const TrainingBenchResult r = bench_training(shape, method);
    const double stats_share = shape.layer_stats_every > 0
                                   ? r.layer_stats_ms / (shape.layer_stats_every * r.ms_per_step) : 0.0;
    const nlohmann::json line = {{"method", r.method},
                                 {"ms_per_step", r.ms_per_step},
                                 {"cpu_ms_per_step", r.cpu_ms_per_step},
                                 {"page_faults_per_step", r.page_faults_per_step},
                                 {"step_ms", r.step_ms},
                                 {"tokens_per_s", r.tokens_per_s},
                                 {"gflop_per_step", r.gflop_per_step},
                                 {"achieved_gflops", r.achieved_gflops},
                                 {"layer_stats_ms", r.layer_stats_ms},
                                 {"layer_stats_overhead", stats_share},
                                 {"trainable_parameters", r.trainable_parameters},
                                 {"final_loss", r.final_loss},
                                 {"peak_rss_mb", peak_rss_mb()}};
    std::printf("%s\n", line.dump().c_str());
    return 0;
}

std::vector<double> rounded_all(const std::vector<double>& values, int digits)
{
    std::vector<double> out;
    for (const double v : values)
        out.push_back(rounded(v, digits));
    return out;
}

// LoRA and DoRA side by side in one process, steps taking turns (bench_training_paired).
int child_paired(const BenchShape& shape)
{
    const PairedBenchResult r = bench_training_paired(shape, "lora", "dora");
    const nlohmann::json line = {{"ratio", r.median_ratio},
                                 {"steps", r.step_ratios.size()},
                                 {"lora_ms", r.first.ms_per_step},
                                 {"dora_ms", r.second.ms_per_step},
                                 {"lora_step_ms", rounded_all(r.first.step_ms, 3)},
                                 {"dora_step_ms", rounded_all(r.second.step_ms, 3)},
                                 {"lora_step_end_ms", rounded_all(r.first.step_end_ms, 3)},
                                 {"dora_step_end_ms", rounded_all(r.second.step_end_ms, 3)}};
    std::printf("%s\n", line.dump().c_str());
    return 0;
}

int child_gemm_peak(const BenchShape& shape)
{
    const BlasCheck blas = check_blas();
    const nlohmann::json line = {{"gemm_peak_gflops", measure_gemm_peak_gflops(shape.threads)},
                                 {"blas_library", blas.library},
                                 {"blas_advice", blas.advice}};
    std::printf("%s\n", line.dump().c_str());
    return 0;
}

nlohmann::json run_child(const std::vector<std::string>& args, const std::string& what)
{
    const ChildResult child = run_self(args);
    if (child.exit_code != 0)
        throw Error("measuring " + what + " failed (child exit code " + std::to_string(child.exit_code) + ")");
    try {
        return nlohmann::json::parse(child.output);
    } catch (const std::exception&) {
        throw Error("measuring " + what + " printed something that is not one JSON line: " + child.output);
    }
}

void print_table(const std::vector<nlohmann::json>& lines, const BenchShape& s)
{
    std::printf("GPT-2 shape: %d layers, d %d, %d heads, vocab %d, seq %d, batch %d, rank %d, %d threads, "
                "median of %d steps\n",
                s.layers, s.d, s.heads, s.vocab, s.seq, s.batch, s.rank, s.threads, s.steps);
    std::printf("%-7s %10s %10s %11s %10s %12s %6s %12s %12s\n", "method", "ms/step", "tokens/s", "GFLOP/step",
                "GFLOP/s", "peak GFLOP/s", "MFU", "peak RSS MB", "faults/step");
    for (const nlohmann::json& l : lines)
        std::printf("%-7s %10.1f %10.0f %11.3f %10.1f %12.1f %6.3f %12.0f %12.0f\n",
                    l["method"].get<std::string>().c_str(), l["ms_per_step"].get<double>(),
                    l["tokens_per_s"].get<double>(), l["gflop_per_step"].get<double>(),
                    l["achieved_gflops"].get<double>(), l["gemm_peak_gflops"].get<double>(), l["mfu"].get<double>(),
                    l["peak_rss_mb"].get<double>(), l["page_faults_per_step"].get<double>());
    const nlohmann::json *lora = nullptr, *dora = nullptr;
    for (const nlohmann::json& l : lines) {
        lora = l["method"] == "lora" ? &l : lora;
        dora = l["method"] == "dora" ? &l : dora;
    }
    if (!lora || !dora)
        return;
    std::printf("DoRA / LoRA: step time %.3fx (CPU time %.3fx), peak memory %.3fx\n",
                (*dora)["ms_per_step"].get<double>() / (*lora)["ms_per_step"].get<double>(),
                (*dora)["cpu_ms_per_step"].get<double>() / (*lora)["cpu_ms_per_step"].get<double>(),
                (*dora)["peak_rss_mb"].get<double>() / (*lora)["peak_rss_mb"].get<double>());
    if (dora->contains("paired")) {
        const nlohmann::json& paired = (*dora)["paired"];
        std::printf("DoRA / LoRA, steps taking turns in one process: %.3fx (median of %d step pairs; "
                    "LoRA %.1f ms, DoRA %.1f ms)\n",
                    paired["ratio"].get<double>(), paired["steps"].get<int>(), paired["lora_ms"].get<double>(),
                    paired["dora_ms"].get<double>());
    }
    // The two fastest rounds may come from different minutes of a noisy machine; each round's LoRA
    // and DoRA ran back to back, so the median of the per-round ratios is the steadier comparison.
    const std::vector<double> lora_rounds = (*lora)["round_ms"], dora_rounds = (*dora)["round_ms"];
    if (lora_rounds.size() < 2 || lora_rounds.size() != dora_rounds.size())
        return;
    std::vector<double> ratios;
    std::printf("DoRA / LoRA round by round:");
    for (size_t i = 0; i < lora_rounds.size(); ++i) {
        ratios.push_back(dora_rounds[i] / lora_rounds[i]);
        std::printf(" %.3f", ratios.back());
    }
    std::sort(ratios.begin(), ratios.end());
    const size_t n = ratios.size();
    std::printf(", median %.3fx\n", n % 2 ? ratios[n / 2] : (ratios[n / 2 - 1] + ratios[n / 2]) / 2);
}

}  // namespace

int command_bench(const std::vector<std::string>& argv)
{
    std::set<std::string> valued(std::begin(kShapeFlags), std::end(kShapeFlags));
    valued.insert({"--methods", "--rounds", kChildMethod});
    const Args args(argv, valued, {"--json", kChildGemmPeak, kChildPaired});
    if (!args.positional().empty())
        throw Error("usage: dora-cli bench [--layers L --d D --heads H --vocab V --seq T --batch B --rank R "
                    "--steps N --threads K] [--methods lora,dora,full] [--rounds N] [--layer-stats-every N] [--json]");
    const BenchShape shape = shape_from(args);
    if (args.has(kChildMethod))
        return child_method(shape, args.value(kChildMethod));
    if (args.has(kChildGemmPeak))
        return child_gemm_peak(shape);
    if (args.has(kChildPaired))
        return child_paired(shape);

    const std::vector<std::string> methods = parse_methods(args.value("--methods", "lora,dora,full"));
    for (const std::string& m : methods)
        training_gflop_per_step(shape, m);  // a bad shape fails here, before any child starts
    std::vector<std::string> peak_args = shape_arguments(shape);
    peak_args.push_back(kChildGemmPeak);

    // The peak is taken before and after the training children and the higher kept: on a shared
    // machine a momentary slowdown should not flatter the model FLOP use.
    const nlohmann::json peak_before = run_child(peak_args, "the matrix-product peak");
    if (const std::string advice = peak_before["blas_advice"]; !advice.empty())
        std::fprintf(stderr, "dora-cli bench: %s\n", advice.c_str());
    // With --rounds N the methods run N times, taking turns (lora, dora, lora, dora, ...), and each
    // reports its least disturbed round, the one with the lowest median step: on a shared or virtual
    // machine other programs slow single runs by 10% and more, which a one-round ratio of two
    // methods run a minute apart cannot tell from a difference between them.
    const int rounds = to_int(args, "--rounds", 1);
    if (rounds < 1 || rounds > 100)
        throw Error("--rounds must be between 1 and 100");
    std::vector<nlohmann::json> lines(methods.size());
    std::vector<std::vector<double>> round_ms(methods.size());
    for (int round = 0; round < rounds; ++round)
        for (size_t m = 0; m < methods.size(); ++m) {
            std::vector<std::string> child_args = shape_arguments(shape);
            child_args.insert(child_args.end(), {kChildMethod, methods[m]});
            nlohmann::json line = run_child(child_args, methods[m]);
            round_ms[m].push_back(line["ms_per_step"].get<double>());
            if (lines[m].is_null() || line["ms_per_step"].get<double>() < lines[m]["ms_per_step"].get<double>())
                lines[m] = line;
        }
    for (size_t m = 0; m < methods.size(); ++m)
        lines[m]["round_ms"] = round_ms[m];
    // The DoRA / LoRA ratio once more, with their steps taking turns in one process, as many steps
    // as all the rounds together: two processes a few seconds apart can meet different loads from
    // the machine's other programs, a step and the next one mostly the same.
    const auto lora = std::find(methods.begin(), methods.end(), "lora");
    const auto dora = std::find(methods.begin(), methods.end(), "dora");
    if (lora != methods.end() && dora != methods.end()) {
        BenchShape paired_shape = shape;
        paired_shape.steps = shape.steps * rounds;
        std::vector<std::string> paired_args = shape_arguments(paired_shape);
        paired_args.push_back(kChildPaired);
        lines[static_cast<size_t>(dora - methods.begin())]["paired"] =
            run_child(paired_args, "LoRA and DoRA taking turns");
    }
    const nlohmann::json peak_after = run_child(peak_args, "the matrix-product peak");
    const double peak = std::max(peak_before["gemm_peak_gflops"].get<double>(),
                                 peak_after["gemm_peak_gflops"].get<double>());

    for (nlohmann::json& l : lines) {
        l["gemm_peak_gflops"] = peak;
        l["mfu"] = l["achieved_gflops"].get<double>() / peak;
    }
    if (!args.has("--json")) {
        print_table(lines, shape);
        return 0;
    }
    for (const nlohmann::json& l : lines) {
        nlohmann::json out = {{"method", l["method"]},
                              {"ms_per_step", rounded(l["ms_per_step"], 3)},
                              {"tokens_per_s", rounded(l["tokens_per_s"], 1)},
                              {"gflop_per_step", l["gflop_per_step"]},
                              {"achieved_gflops", rounded(l["achieved_gflops"], 2)},
                              {"gemm_peak_gflops", rounded(peak, 2)},
                              {"mfu", rounded(l["mfu"], 4)},
                              {"peak_rss_mb", rounded(l["peak_rss_mb"], 1)},
                              {"cpu_ms_per_step", rounded(l["cpu_ms_per_step"], 3)},
                              {"page_faults_per_step", rounded(l["page_faults_per_step"], 2)},
                              {"layer_stats_ms", rounded(l["layer_stats_ms"], 3)},
                              {"layer_stats_overhead", rounded(l["layer_stats_overhead"], 5)},
                              {"trainable_parameters", l["trainable_parameters"]},
                              {"step_ms", rounded_all(l["step_ms"], 3)},
                              {"round_ms", rounded_all(l["round_ms"], 3)}};
        if (l.contains("paired")) {
            out["paired"] = l["paired"];
            out["paired"]["ratio"] = rounded(l["paired"]["ratio"], 4);
            out["paired"]["lora_ms"] = rounded(l["paired"]["lora_ms"], 3);
            out["paired"]["dora_ms"] = rounded(l["paired"]["dora_ms"], 3);
        }
        std::printf("%s\n", out.dump().c_str());
    }
    return 0;
}

}  // namespace dora::cli
