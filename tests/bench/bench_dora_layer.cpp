// DoRA against LoRA on one linear layer of the bench model's shapes: forward plus backward (with the
// input's gradient, and inside an OutputReuseScope, as in a training step), the two interleaved and
// the minimum of many repeats kept (on a shared machine the minimum is the figure least disturbed by
// other programs). Then DoRA's parts: g = m / ‖W0 + s·B·A‖ (detached), the scale's backward as the
// fused CPU loop and as tensor operations, and the norm's one product that reads all of W0 (the
// rank-r kernel and BLAS).
//   build/tests/bench/bench_dora_layer [threads] [tokens]
#include "adapters/adaptable_linear.h"
#include "adapters/adapter_kernels_cpu.h"
#include "adapters/output_reuse.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>

using dora::adapters::AdaptableLinear;
using dora::adapters::AdapterOptions;
using dora::adapters::Method;

namespace {

double ms_of(const std::function<void()>& work)
{
    const auto start = std::chrono::steady_clock::now();
    work();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

AdaptableLinear adapted(int64_t in, int64_t out, Method method)
{
    AdaptableLinear layer(in, out, true);
    AdapterOptions options;
    options.method = method;
    layer->attach(options);
    torch::NoGradGuard no_grad;
    layer->lora_B.normal_(0.0, 0.02);
    return layer;
}

}  // namespace

int main(int argc, char** argv)
{
    const int threads = argc > 1 ? std::atoi(argv[1]) : 2;
    const int64_t tokens = argc > 2 ? std::atoll(argv[2]) : 512;
    torch::set_num_threads(threads);
    torch::manual_seed(0);
    const int repeats = 40;
    std::printf("%d threads, %lld tokens, minimum of %d repeats (ms)\n", threads, static_cast<long long>(tokens), repeats);
    std::printf("%6s %6s %8s %8s %7s %8s %8s %8s %8s %8s %8s\n", "in", "out", "lora", "dora", "ratio", "dora-lora",
                "gain", "scale_k", "scale_ops", "W0·Aᵀ_k", "W0·Aᵀ_mm");
    const int64_t shapes[][2] = {{512, 1536}, {512, 512}, {512, 2048}, {2048, 512}};
    for (const auto& shape : shapes) {
        const int64_t in = shape[0], out = shape[1];
        AdaptableLinear lora = adapted(in, out, Method::LoRA), dora = adapted(in, out, Method::DoRA);
        const torch::Tensor x = torch::randn({tokens, in}).requires_grad_(), dy = torch::randn({tokens, out});
        const torch::Tensor kept = torch::randn({tokens, out}), g = torch::rand({out}) + 0.5;
        double best[7];
        std::fill(std::begin(best), std::end(best), std::numeric_limits<double>::infinity());
        for (int i = 0; i < repeats; ++i) {
            {
                const dora::adapters::OutputReuseScope as_in_a_training_step;
                best[0] = std::min(best[0], ms_of([&] { lora(x).backward(dy); }));
                best[1] = std::min(best[1], ms_of([&] { dora(x).backward(dy); }));
            }
            best[2] = std::min(best[2], ms_of([&] { dora::adapters::scale_backward_cpu(dy, kept, g, true); }));
            best[3] = std::min(best[3], ms_of([&] {
                const torch::Tensor dz = dy * g, sum_kept = (dy * kept).sum(0), sum = dy.sum(0);
            }));
            // g = m / ‖W0 + s·B·A‖ (detached norm), and its one product that reads all of W0: the
            // rank-r kernel against BLAS.
            torch::NoGradGuard no_grad;
            best[4] = std::min(best[4], ms_of([&] { dora->dora_gain(); }));
            best[5] = std::min(best[5], ms_of([&] { dora::adapters::rank_project(dora->weight, dora->lora_A); }));
            best[6] = std::min(best[6], ms_of([&] { torch::mm(dora->weight, dora->lora_A.t()); }));
        }
        std::printf("%6lld %6lld %8.3f %8.3f %7.3f %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f\n", static_cast<long long>(in),
                    static_cast<long long>(out), best[0], best[1], best[1] / best[0], best[1] - best[0], best[4], best[2],
                    best[3], best[5], best[6]);
    }
    return 0;
}
