// check_blas (dora/system_check.h).
#include "dora/system_check.h"

#include <torch/torch.h>

#include <chrono>
#include <fstream>

namespace dora {
namespace {

// The BLAS library mapped into this process, from /proc/self/maps (Linux).
std::string loaded_blas_library()
{
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line)) {
        const auto slash = line.find('/');
        if (slash == std::string::npos)
            continue;
        const std::string path = line.substr(slash);
        if (path.find("blas") != std::string::npos && path.find(".so") != std::string::npos)
            return path;
    }
    return {};
}

}  // namespace

BlasCheck check_blas()
{
    torch::NoGradGuard no_grad;
    const int64_t n = 256;
    const torch::Tensor a = torch::randn({n, n}), b = torch::randn({n, n});
    torch::mm(a, b);  // first call loads and warms the library
    const int repeats = 10;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < repeats; ++i)
        torch::mm(a, b);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    BlasCheck check;
    check.library = loaded_blas_library();
    check.gflops = 2.0 * n * n * n * repeats / std::max(seconds, 1e-9) / 1e9;
    const bool reference = check.library.find("/blas/libblas.so") != std::string::npos;
    // A known optimised library is trusted whatever the timing says: a busy machine (a build, another
    // run) can slow one product below the threshold, and a false alarm would send people to fix nothing.
    const bool optimised = check.library.find("openblas") != std::string::npos ||
                           check.library.find("mkl") != std::string::npos ||
                           check.library.find("blis") != std::string::npos;
    check.slow = reference || (!optimised && check.gflops < 10);
    if (check.slow)
        check.advice = "Matrix products run at " + std::to_string(static_cast<int>(check.gflops)) +
                       " GFLOP/s" + (reference ? " with the reference BLAS" : "") +
                       ": training will be very slow. Install an optimised BLAS: sudo apt-get install "
                       "libopenblas0-openmp";
    return check;
}

}  // namespace dora
