// Whether this machine's matrix products run at the speed LibTorch can reach: Debian's LibTorch falls
// back to the reference BLAS when no optimised one is installed, and then trains about 30 times slower
// (3 vs 121 GFLOP/s measured on the project's 2-core machine).
#pragma once

#include <string>

namespace dora {

struct BlasCheck {
    std::string library;   // the BLAS shared library this process loaded, or "" when none was seen
    double gflops = 0;     // measured on a 256 x 256 float32 matrix product, all threads
    bool slow = false;     // the reference BLAS, or an unknown library under 10 GFLOP/s
    std::string advice;    // what to do about it, empty when all is well
};

// Takes about 0.1 s on a slow machine, a few milliseconds on a fast one.
BlasCheck check_blas();

}  // namespace dora
