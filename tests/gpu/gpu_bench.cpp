// The GPU training benchmark (README.md, "On a GPU"): the bench of `dora-cli bench` (a random GPT-2
// shaped model, adapters on all four linear layers of every block, the product's own Trainer) with
// train.device = cuda, at the performance issue's shape and at GPT-2 small's. Methods alternate
// round by round, so a drift of the card's clocks reaches each of them alike. Plain C++, no Qt,
// like gpu_check: it builds in an engine-only build against pip's CUDA torch.
//
//   gpu_bench [--rounds N] [--steps N] [--device cuda|cpu]
//   (cpu: a dry run of this program, at the issue's shape alone)
//
// Prints one line per method and round, then per shape each method's median step time, its counted
// TFLOP/s and DoRA's step time against LoRA's. Exit 77 where LibTorch sees no CUDA device.
#include <torch/torch.h>

#include "dora/training_bench.h"
#include "train/bench_observer.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

namespace {

using dora::train::median;

struct NamedShape {
    const char* name;
    dora::BenchShape shape;
};

std::vector<NamedShape> shapes(int steps, const std::string& device)
{
    dora::BenchShape issue;  // the defaults are the performance issue's shape
    dora::BenchShape gpt2_small;
    gpt2_small.layers = 12;
    gpt2_small.d = 768;
    gpt2_small.heads = 12;
    gpt2_small.vocab = 50257;
    gpt2_small.seq = 1024;
    gpt2_small.batch = 8;
    std::vector<NamedShape> out = {{"issue shape (6 x 512, seq 128, batch 4)", issue},
                                   {"GPT-2 small (12 x 768, vocab 50257, seq 1024, batch 8)", gpt2_small}};
    if (device != "cuda")
        out.pop_back();  // minutes a step on a CPU
    for (NamedShape& s : out) {
        s.shape.steps = steps;
        s.shape.device = device;
        s.shape.threads = 1;  // the host thread only issues kernels
    }
    return out;
}

}  // namespace

int main(int argc, char** argv)
{
    int rounds = 3, steps = 20;
    std::string device = "cuda";
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--rounds" && i + 1 < argc)
            rounds = std::max(1, std::atoi(argv[++i]));
        else if (arg == "--steps" && i + 1 < argc)
            steps = std::max(1, std::atoi(argv[++i]));
        else if (arg == "--device" && i + 1 < argc)
            device = argv[++i];
        else {
            std::fprintf(stderr, "usage: gpu_bench [--rounds N] [--steps N] [--device cuda|cpu]\n");
            return 2;
        }
    }
    if (device == "cuda" && !torch::cuda::is_available()) {
        std::printf("SKIPPED: this LibTorch build sees no CUDA device\n");
        return 77;
    }
    const char* methods[] = {"lora", "dora", "full"};
    for (const NamedShape& s : shapes(steps, device)) {
        std::printf("== %s, %s, %d timed steps per method and round\n", s.name, device.c_str(), steps);
        std::map<std::string, std::vector<double>> ms;
        std::vector<double> ratios;
        double gflop[3] = {};
        for (int round = 0; round < rounds; ++round) {
            std::map<std::string, double> this_round;
            for (int m = 0; m < 3; ++m) {
                const dora::TrainingBenchResult r = dora::bench_training(s.shape, methods[m]);
                gflop[m] = r.gflop_per_step;
                this_round[methods[m]] = r.ms_per_step;
                ms[methods[m]].push_back(r.ms_per_step);
                std::printf("round %d %-4s %9.3f ms/step  loss %.4f\n", round + 1, methods[m], r.ms_per_step,
                            r.final_loss);
            }
            ratios.push_back(this_round["dora"] / this_round["lora"]);
        }
        for (int m = 0; m < 3; ++m) {
            const double t = median(ms[methods[m]]);
            std::printf("%-4s median %9.3f ms/step, %8.1f GFLOP counted, %7.2f TFLOP/s\n", methods[m], t, gflop[m],
                        gflop[m] / t);
        }
        std::printf("dora / lora: median of rounds %.3f (rounds:", median(ratios));
        for (double r : ratios)
            std::printf(" %.3f", r);
        std::printf(")\n");
    }
    return 0;
}
