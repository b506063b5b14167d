#include "train/bench_observer.h"

#include "models/gpt2.h"
#include "train/trainer_impl.h"

#include <algorithm>
#include <sys/resource.h>
#include <time.h>

namespace dora::train {
namespace {

RunConfig bench_run_config(const BenchShape& s, const std::string& method)
{
    RunConfig config;
    config.name = "bench-" + method;
    config.model.builtin = "bench";  // only a label: the model is built here, not looked up
    config.adapter.method = method;
    config.adapter.targets = {".*"};  // all four linear layers of every block (the head is tied, not a linear)
    config.adapter.rank = s.rank;
    config.adapter.alpha = 2.0 * s.rank;
    config.train.steps = kBenchWarmupSteps + s.steps;
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

}  // namespace

std::unique_ptr<Trainer> make_bench_trainer(const BenchShape& shape, const std::string& method)
{
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
    return std::make_unique<Trainer>(std::move(impl));
}

void BenchObserver::on_step(const StepMetrics& m)
{
    if (m.step > kBenchWarmupSteps) {
        step_ms.push_back(1000.0 * m_batch / m.samples_per_second);
        step_end_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now().time_since_epoch()).count());
        step_cpu_ms.push_back(process_cpu_ms() - m_cpu_mark);
        step_faults.push_back(process_minor_faults() - m_fault_mark);
    }
    last_loss = m.loss;
    m_stepped = true;
    if (m_hooks.stepped)
        m_hooks.stepped();
    m_step_reported = Clock::now();
    mark();
}

void BenchObserver::on_layer_stats(const LayerStats& stats)
{
    if (stats.step > kBenchWarmupSteps)
        layer_stats_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - m_step_reported).count());
    mark();
}

void BenchObserver::on_eval(const EvalResult&)
{
    if (!m_stepped && m_hooks.ready)
        m_hooks.ready();
    mark();
}

void BenchObserver::mark()
{
    m_cpu_mark = process_cpu_ms();
    m_fault_mark = process_minor_faults();
}

double median(std::vector<double> values)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const size_t mid = values.size() / 2;
    return values.size() % 2 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
}

void fill_bench_result(const BenchObserver& observer, const BenchShape& shape, TrainingBenchResult& result)
{
    result.step_ms = observer.step_ms;
    result.step_end_ms = observer.step_end_ms;
    result.ms_per_step = median(observer.step_ms);
    result.cpu_ms_per_step = median(observer.step_cpu_ms);
    // The mean, not the median: a heap given back and re-faulted every few steps shows in it.
    result.page_faults_per_step = 0;
    for (double faults : observer.step_faults)
        result.page_faults_per_step += faults / static_cast<double>(observer.step_faults.size());
    result.tokens_per_s = 1000.0 * shape.batch * shape.seq / result.ms_per_step;
    result.achieved_gflops = result.gflop_per_step * 1000.0 / result.ms_per_step;
    result.layer_stats_ms = median(observer.layer_stats_ms);
    result.final_loss = observer.last_loss;
}

}  // namespace dora::train
