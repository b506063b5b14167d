// What data parallelism costs per step: trains the bench model of the performance issue (GPT-2
// shaped: 6 layers, width 512, 8 heads, vocabulary 8192, 128 positions; global batch 4, adapters of
// rank 8 on every block linear) on N processes over loopback Gloo, and prints the step time next to
// the time of the step's one all-reduce of the trainable gradients (flatten, sum over ranks, copy
// back), for LoRA and DoRA. The target is an all-reduce under 2% of the step.
//   build/tests/bench/bench_allreduce [processes=2] [steps=8] [threads per process=1]
// The processes are this program started again as ranks (RANK, WORLD_SIZE, ... as a cluster launcher
// sets them); rank 0 prints. Random weights: the cost does not depend on what the model knows.
#include "distributed/data_parallel.h"
#include "dora/distributed.h"
#include "models/gpt2.h"
#include "models/model_folder.h"
#include "train/trainer_impl.h"

#include <torch/torch.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values.empty() ? 0.0 : values[values.size() / 2];
}

class StepTimes : public dora::TrainingObserver {
public:
    explicit StepTimes(double samples_per_step) : m_samples(samples_per_step) {}
    void on_step(const dora::StepMetrics& m) override
    {
        if (m.step > 1)  // the first step pays for allocations and thread start-up
            seconds.push_back(m_samples / m.samples_per_second);
    }
    std::vector<double> seconds;

private:
    double m_samples;
};

void write_bench_model(const std::string& dir)
{
    dora::models::Gpt2Config c;
    c.vocab_size = 8192;
    c.n_positions = 128;
    c.n_embd = 512;
    c.n_layer = 6;
    c.n_head = 8;
    torch::manual_seed(7);
    dora::models::Gpt2 model(c);
    dora::models::save_model_folder(*model, dir);
}

dora::RunConfig bench_config(const std::string& model_dir, const std::string& method, int steps, int threads)
{
    dora::RunConfig config;
    config.model.path = model_dir;
    config.data.builtin = "demo-gpt";  // characters: ids below 96 fit the vocabulary
    config.data.seq_len = 128;
    config.data.eval_fraction = 0.02;
    config.adapter.method = method;
    config.adapter.rank = 8;
    config.adapter.targets = {".*\\.h\\.\\d+\\..*"};  // every linear of every block
    config.train.steps = steps;
    config.train.batch_size = 4;
    config.train.eval_every = 0;
    config.train.threads = threads;
    config.log.layer_stats_every = 0;
    return config;
}

int run_rank(const std::string& model_dir, int steps, int threads)
{
    const std::optional<dora::ProcessGroupSettings> settings = dora::process_group_settings_from_environment();
    dora::DistributedSession session(*settings);
    if (session.rank() == 0)
        std::printf("%-5s %5s %11s %10s %9s %13s %7s\n", "method", "ranks", "trainable", "buffer_KB", "step_ms",
                    "allreduce_ms", "share");
    for (const std::string method : {"lora", "dora"}) {
        dora::Trainer trainer(bench_config(model_dir, method, steps, threads));
        StepTimes times(4.0);
        dora::TrainingControl control;
        const dora::RunSummary summary = trainer.train(times, control);
        if (summary.status != "finished") {
            std::fprintf(stderr, "rank %d: %s\n", session.rank(), summary.message.c_str());
            return 1;
        }
        // The step's all-reduce again, alone, on the gradients the last step left.
        std::vector<torch::Tensor> params;
        for (const auto& [name, p] : trainer.internals().trainable_named)
            params.push_back(p);
        std::vector<double> reduce_seconds;
        for (int i = 0; i < 30; ++i) {
            const auto started = Clock::now();
            dora::distributed::all_reduce_gradients(params, 0.0, control);
            reduce_seconds.push_back(std::chrono::duration<double>(Clock::now() - started).count());
        }
        const double step = median(times.seconds), reduce = median(reduce_seconds);
        if (session.rank() == 0)
            std::printf("%-5s %5d %11lld %10.1f %9.1f %13.3f %6.2f%%\n", method.c_str(), session.world_size(),
                        trainer.trainable_parameters(), (trainer.trainable_parameters() + 1) * 4 / 1024.0,
                        step * 1e3, reduce * 1e3, 100.0 * reduce / step);
        std::fflush(stdout);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv)
{
    const int processes = argc > 1 ? std::atoi(argv[1]) : 2;
    const int steps = argc > 2 ? std::atoi(argv[2]) : 8;
    const int threads = argc > 3 ? std::atoi(argv[3]) : 1;
    const char* model_dir = std::getenv("DORA_BENCH_MODEL");
    if (model_dir)  // this process is one rank
        return run_rank(model_dir, steps, threads);

    const std::string dir = (std::filesystem::temp_directory_path() / "dora-bench-allreduce-model").string();
    std::filesystem::remove_all(dir);
    write_bench_model(dir);
    std::printf("bench model: GPT-2 6 layers, width 512, 8 heads, vocabulary 8192, seq 128, global batch 4, rank 8; "
                "%d processes x %d threads, median of %d steps\n", processes, threads, steps - 1);
    std::fflush(stdout);
    std::vector<pid_t> ranks;
    for (int rank = 0; rank < processes; ++rank) {
        const pid_t pid = ::fork();
        if (pid == 0) {  // exec at once: a forked copy must not use the parent's OpenMP threads
            ::setenv("DORA_BENCH_MODEL", dir.c_str(), 1);
            ::setenv("RANK", std::to_string(rank).c_str(), 1);
            ::setenv("WORLD_SIZE", std::to_string(processes).c_str(), 1);
            ::setenv("LOCAL_WORLD_SIZE", std::to_string(processes).c_str(), 1);
            ::setenv("MASTER_ADDR", "127.0.0.1", 1);
            ::setenv("MASTER_PORT", "29517", 1);
            ::execv("/proc/self/exe", argv);
            ::_exit(127);
        }
        ranks.push_back(pid);
    }
    int failures = 0;
    for (pid_t pid : ranks) {
        int status = 0;
        ::waitpid(pid, &status, 0);
        failures += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    std::filesystem::remove_all(dir);
    return failures ? 1 : 0;
}
