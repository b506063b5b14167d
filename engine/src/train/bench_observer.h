// What the training benchmark (dora/training_bench.h) records of a run, step by step, and the
// run it times: shared by the one-method bench and the paired one. Engine-private.
#pragma once

#include "dora/training.h"
#include "dora/training_bench.h"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace dora::train {

constexpr int kBenchWarmupSteps = 2;

// The trainer for `method` at `shape`: a GPT-2 with random weights (seed 0, so every method starts
// from the same model) on random tokens.
std::unique_ptr<Trainer> make_bench_trainer(const BenchShape& shape, const std::string& method);

// Keeps each step's wall time as the trainer measured it; the CPU time of the step (from the end of
// the previous report to this one: on a shared machine wall time also counts other programs' turns,
// CPU time mostly does not) and its page faults, over the same span; and the time between a step's
// metrics and the layer statistics that follow them (computing ΔM/ΔD).
class BenchObserver : public TrainingObserver {
public:
    // Hooks for the paired bench, run outside what is measured: `ready` before the first step (at the
    // evaluation that precedes it), `stepped` after each step is recorded.
    struct Hooks {
        std::function<void()> ready, stepped;
    };
    explicit BenchObserver(int batch, Hooks hooks = {}) : m_batch(batch), m_hooks(std::move(hooks)) {}
    void on_step(const StepMetrics& m) override;
    void on_layer_stats(const LayerStats& stats) override;
    void on_eval(const EvalResult&) override;

    std::vector<double> step_ms, step_end_ms, step_cpu_ms, step_faults, layer_stats_ms;
    double last_loss = 0;

private:
    using Clock = std::chrono::steady_clock;
    // The start of whatever the next report measures.
    void mark();

    int m_batch;
    Hooks m_hooks;
    bool m_stepped = false;
    Clock::time_point m_step_reported;
    double m_cpu_mark = 0, m_fault_mark = 0;
};

// The figures of a result that come from what `observer` recorded (medians, mean faults, rates).
void fill_bench_result(const BenchObserver& observer, const BenchShape& shape, TrainingBenchResult& result);

double median(std::vector<double> values);

}  // namespace dora::train
