// Where a training step's time goes: runs the `dora-cli bench` model under LibTorch's profiler and
// writes a Chrome trace (chrome://tracing, or any trace viewer) of every operation.
//   build/tests/bench/bench_step_profile METHOD TRACE.json [threads] [steps] [layers d heads vocab seq batch]
#include "dora/training_bench.h"

#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv)
{
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s lora|dora|full TRACE.json [threads] [steps]\n", argv[0]);
        return 2;
    }
    dora::BenchShape shape;
    shape.threads = argc > 3 ? std::atoi(argv[3]) : 2;
    shape.steps = argc > 4 ? std::atoi(argv[4]) : 3;
    shape.layer_stats_every = 0;
    if (argc > 10) {
        shape.layers = std::atoi(argv[5]);
        shape.d = std::atoi(argv[6]);
        shape.heads = std::atoi(argv[7]);
        shape.vocab = std::atoi(argv[8]);
        shape.seq = std::atoi(argv[9]);
        shape.batch = std::atoi(argv[10]);
    }
    dora::TrainingBenchResult result;
    {
        torch::autograd::profiler::RecordProfile profile(argv[2]);
        result = dora::bench_training(shape, argv[1]);
    }
    std::printf("%s: %.1f ms per step (median, profiled)\n", argv[1], result.ms_per_step);
    return 0;
}
