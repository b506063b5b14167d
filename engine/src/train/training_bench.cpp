// bench_training and peak_rss_mb (dora/training_bench.h): a GPT-2 of the requested shape with random
// weights, random tokens, and the product's own Trainer, so the benchmark times exactly what a run
// does per step (forward, loss, backward, one loss read, clipping, AdamW).
#include "dora/training_bench.h"

#include "dora/error.h"
#include "models/gpt2.h"
#include "train/trainer_impl.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <string>
#include <sys/resource.h>
#include <time.h>

namespace dora {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kWarmupSteps = 2;

double median(std::vector<double> values)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const size_t mid = values.size() / 2;
    return values.size() % 2 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
}

RunConfig bench_run_config(const BenchShape& s, const std::string& method)
{
    RunConfig config;
    config.name = "bench-" + method;
    config.model.builtin = "bench";  // only a label: the model is built here, not looked up
    config.adapter.method = method;
    config.adapter.targets = {".*"};  // all four linear layers of every block (the head is tied, not a linear)
    config.adapter.rank = s.rank;
    config.adapter.alpha = 2.0 * s.rank;
    config.train.steps = kWarmupSteps + s.steps;
    config.train.batch_size = s.batch;
    config.train.schedule = "constant";
    config.train.warmup_steps = 0;
    config.train.eval_every = 0;
    config.train.checkpoint_every = 0;
    config.train.threads = s.threads;
    config.train.device = s.device;
    config.data.seq_len = s.seq;
    config.log.layer_stats_every = s.layer_stats_every;
    return config;
}

// Random tokens: enough samples for a few distinct batches, and one held out (the trainer evaluates
// before the first and after the last step, outside the timed steps).
data::SplitDataset random_tokens(const BenchShape& s)
{
    const int64_t samples = 4 * s.batch + 1;
    torch::Generator generator = at::detail::createCPUGenerator(7);
    const torch::Tensor tokens = torch::randint(s.vocab, {samples, s.seq + 1}, generator, torch::kLong);
    data::SplitDataset split = data::split_dataset(tokens.slice(1, 0, s.seq).contiguous(),
                                                   tokens.slice(1, 1, s.seq + 1).contiguous(),
                                                   1.0 / samples, 7, "bench");
    split.tokens_per_sample = s.seq;
    split.description = "random tokens";
    return split;
}

// CPU time of all this process's threads, in ms.
double process_cpu_ms()
{
    timespec now{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return 1e3 * static_cast<double>(now.tv_sec) + 1e-6 * static_cast<double>(now.tv_nsec);
}

// Page faults of this process so far (minor ones: a page the kernel had to map, and zero, on first
// touch). A step that reuses the memory of the one before makes next to none.
double process_minor_faults()
{
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_minflt);
}

// Keeps each step's wall time as the trainer measured it; the CPU time of the step (from the end of
// the previous report to this one: on a shared machine wall time also counts other programs' turns,
// CPU time mostly does not) and its page faults, over the same span; and the time between a step's
// metrics and the layer statistics that follow them (computing ΔM/ΔD).
class BenchObserver : public TrainingObserver {
public:
    explicit BenchObserver(int batch) : m_batch(batch) {}
    void on_step(const StepMetrics& m) override
    {
        if (m.step > kWarmupSteps) {
            step_ms.push_back(1000.0 * m_batch / m.samples_per_second);
            step_cpu_ms.push_back(process_cpu_ms() - m_cpu_mark);
            step_faults.push_back(process_minor_faults() - m_fault_mark);
        }
        last_loss = m.loss;
        m_step_reported = Clock::now();
        mark();
    }
    void on_layer_stats(const LayerStats& stats) override
    {
        if (stats.step > kWarmupSteps)
            layer_stats_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - m_step_reported).count());
        mark();
    }
    void on_eval(const EvalResult&) override { mark(); }
    std::vector<double> step_ms, step_cpu_ms, step_faults, layer_stats_ms;
    double last_loss = 0;

private:
    // The start of whatever the next report measures.
    void mark()
    {
        m_cpu_mark = process_cpu_ms();
        m_fault_mark = process_minor_faults();
    }
    int m_batch;
    Clock::time_point m_step_reported;
    double m_cpu_mark = 0, m_fault_mark = 0;
};

}  // namespace

TrainingBenchResult bench_training(const BenchShape& shape, const std::string& method)
{
    TrainingBenchResult result;
    result.method = method;
    result.gflop_per_step = training_gflop_per_step(shape, method);  // also checks the shape and method

    models::Gpt2Config gpt;
    gpt.vocab_size = shape.vocab;
    gpt.n_positions = shape.seq;
    gpt.n_embd = shape.d;
    gpt.n_layer = shape.layers;
    gpt.n_head = shape.heads;
    torch::manual_seed(0);
    auto impl = std::make_unique<Trainer::Impl>();
    impl->config = bench_run_config(shape, method);
    impl->model = std::make_shared<models::Gpt2Impl>(gpt);
    impl->data = random_tokens(shape);
    Trainer trainer(std::move(impl));
    result.trainable_parameters = trainer.trainable_parameters();

    BenchObserver observer(shape.batch);
    TrainingControl control;
    const RunSummary summary = trainer.train(observer, control);
    if (summary.status != "finished")
        throw Error(method + " training " + summary.status + ": " + summary.message);

    result.step_ms = observer.step_ms;
    result.ms_per_step = median(observer.step_ms);
    result.cpu_ms_per_step = median(observer.step_cpu_ms);
    // The mean, not the median: a heap given back and re-faulted every few steps shows in it.
    for (double faults : observer.step_faults)
        result.page_faults_per_step += faults / static_cast<double>(observer.step_faults.size());
    result.tokens_per_s = 1000.0 * shape.batch * shape.seq / result.ms_per_step;
    result.achieved_gflops = result.gflop_per_step * 1000.0 / result.ms_per_step;
    result.layer_stats_ms = median(observer.layer_stats_ms);
    result.final_loss = observer.last_loss;
    return result;
}

double peak_rss_mb()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stod(line.substr(6)) / 1024.0;  // the kernel reports kB
    return 0;
}

}  // namespace dora
