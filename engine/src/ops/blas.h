// Row-major matrix products straight through the BLAS that LibTorch itself uses (OpenBLAS here), for
// loops that run many small products in parallel: at::mm per product would allocate and dispatch each
// time, and a product of an OpenMP BLAS called inside an OpenMP parallel region runs on the calling
// thread alone, which is what such loops want. A LibTorch without a system BLAS to link (some CUDA
// builds bundle MKL) gets the same products through ATen instead (gemm_aten, also used by the tests).
#pragma once

#include <cstdint>

namespace dora::ops {

// C (m × n) = alpha · op(A) · op(B) + beta · C, every matrix row-major with the given row strides;
// op(X) = Xᵀ when the flag says so. A is (m × k) or, transposed, (k × m); B is (k × n) or (n × k).
void gemm(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
          int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc);
void gemm(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, double alpha, const double* a,
          int64_t lda, const double* b, int64_t ldb, double beta, double* c, int64_t ldc);

// The same through at::mm on views of the memory.
template <typename T>
void gemm_aten(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda,
               const T* b, int64_t ldb, T beta, T* c, int64_t ldc);

// Whether gemm() goes to the Fortran BLAS (true with Debian's LibTorch) or to gemm_aten.
bool gemm_uses_fortran_blas();

}  // namespace dora::ops
