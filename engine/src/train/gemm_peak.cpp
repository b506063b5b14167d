// measure_gemm_peak_gflops (dora/training_bench.h): the yardstick of the model FLOP use. Square
// float32 products of a few sizes, each timed alone, best of several: the most this process's BLAS
// delivers with the given threads right now (the machine is shared, so "now" matters).
#include "dora/training_bench.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>

namespace dora {

double measure_gemm_peak_gflops(int threads)
{
    torch::set_num_threads(threads);  // the calling thread's setting, as the trainer sets its own
    torch::NoGradGuard no_grad;
    double best = 0;
    for (const int64_t n : {512, 1024, 1536}) {
        const torch::Tensor a = torch::randn({n, n}), b = torch::randn({n, n});
        torch::Tensor c = torch::mm(a, b);  // loads and warms the library, allocates c
        const int repeats = n > 1024 ? 3 : 6;
        for (int i = 0; i < repeats; ++i) {
            const auto start = std::chrono::steady_clock::now();
            torch::mm_out(c, a, b);
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            best = std::max(best, 2.0 * n * n * n / std::max(seconds, 1e-9) / 1e9);
        }
    }
    return best;
}

}  // namespace dora
