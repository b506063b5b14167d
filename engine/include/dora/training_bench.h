// The training benchmark behind `dora-cli bench` (performance issue): a randomly initialised GPT-2
// shaped model built from a few numbers, adapters on all four linear layers of every block, trained
// by the same Trainer as a real run. Plain C++ types only.
#pragma once

#include <string>
#include <vector>

namespace dora {

struct BenchShape {
    int layers = 6;
    int d = 512;       // model width (n_embd)
    int heads = 8;
    int vocab = 8192;  // the output head is tied to the token embedding
    int seq = 128;     // tokens per sample, and the model's positions
    int batch = 4;
    int rank = 8;      // LoRA rank; alpha = 2 * rank, as the peer program uses
    int steps = 10;    // timed steps, after two warm-up steps
    int threads = 2;
    int layer_stats_every = 10;  // ΔM/ΔD as a real run computes them; 0 turns them off
    std::string device = "cpu";  // train.device: cpu, or cuda for tests/gpu/gpu_bench
};

// Throws dora::Error naming the flag (--layers, --d, ...) when the shape makes no model.
void bench_shape_check(const BenchShape& shape);

// The matrix-product work of one training step, counted from the shapes: every GEMM of the forward
// and backward pass (linear layers, adapters, attention, tied head) and, for DoRA, the small
// products of the factorised row norm. Element-wise work (norms, softmax, GELU, AdamW) is not counted.
double training_gflop_per_step(const BenchShape& shape, const std::string& method);

struct TrainingBenchResult {
    std::string method;            // lora | dora | full
    std::vector<double> step_ms;   // every timed step, in order
    std::vector<double> step_end_ms;  // when each timed step ended, ms on a steady clock of this process
    double ms_per_step = 0;        // median of step_ms
    double cpu_ms_per_step = 0;    // median CPU time of a step, all threads together
    double page_faults_per_step = 0;  // mean minor page faults of a step: near 0 when memory is reused
    double tokens_per_s = 0;       // batch * seq / median step
    double gflop_per_step = 0;     // training_gflop_per_step
    double achieved_gflops = 0;    // gflop_per_step / median step
    double layer_stats_ms = 0;     // median cost of one ΔM/ΔD computation over all layers; 0 when off
    long long trainable_parameters = 0;
    double final_loss = 0;
};

// Trains `method` on random tokens for 2 + shape.steps steps with shape.threads threads, set on the
// calling thread (the one that trains). Throws dora::Error for a shape that makes no model.
TrainingBenchResult bench_training(const BenchShape& shape, const std::string& method);

// Two methods trained side by side in this process, their timed steps taking turns (a step of the
// first, a step of the second, ...), each trainer on a thread of its own that waits while the other
// steps. On a shared machine both then see the same seconds of other programs' load, which makes
// the ratio of their steps far steadier than that of two processes run one after the other. Peak
// memory means nothing here (both models are resident), and each trainer sets its own threads.
struct PairedBenchResult {
    TrainingBenchResult first, second;
    std::vector<double> step_ratios;  // second's step / first's step, pair by pair
    double median_ratio = 0;
};
PairedBenchResult bench_training_paired(const BenchShape& shape, const std::string& first,
                                        const std::string& second);

// The best float32 matrix-product speed this process reaches with `threads` threads, from square
// products of a few sizes (best of several repeats each): the denominator of the model FLOP use.
double measure_gemm_peak_gflops(int threads);

// This process's peak resident memory (VmHWM), in MB; 0 when the system does not say.
double peak_rss_mb();

}  // namespace dora
