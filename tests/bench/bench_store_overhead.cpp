// How much of a training run goes to recording it: trains demo-gpt (and demo-mlp, whose steps are
// far shorter, so the store's share is at its largest) through the same engine call as dora-cli,
// with layer statistics every 10 steps, and prints the time spent in database writes as a share of
// the run: once with metrics only (the target, under 1%), once with a checkpoint every 50 steps
// (each adds a transaction for its row, on top of the checkpoint file itself).
//   build/tests/bench/bench_store_overhead [steps]
#include "dora/recorded_run.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

int main(int argc, char** argv)
{
    const int steps = argc > 1 ? std::atoi(argv[1]) : 300;
    const std::string folder = (std::filesystem::temp_directory_path() / "dora-bench-store").string();
    std::filesystem::remove_all(folder);
    std::filesystem::create_directories(folder);
    std::printf("%-9s %6s %11s %10s %10s %8s\n", "model", "steps", "checkpoints", "run_s", "store_s", "share");
    for (const char* demo : {"demo-gpt", "demo-mlp"}) {
        for (const int checkpoint_every : {0, 50}) {
            dora::RunConfig config;
            config.model.builtin = config.data.builtin = demo;
            config.train.steps = steps;
            config.train.eval_every = 50;
            config.train.checkpoint_every = checkpoint_every;
            config.log.layer_stats_every = 10;
            dora::RecordedRunObserver quiet;
            dora::TrainingControl control;
            const dora::RecordedRun run = dora::train_recorded(folder + "/runs.sqlite", config, quiet, control);
            std::printf("%-9s %6d %11s %10.3f %10.4f %7.2f%%\n", demo, run.summary.steps,
                        checkpoint_every ? "every 50" : "last only", run.summary.seconds, run.store_seconds,
                        100.0 * run.store_seconds / run.summary.seconds);
        }
    }
    std::filesystem::remove_all(folder);
    return 0;
}
