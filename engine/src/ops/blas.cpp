#include "ops/blas.h"

#include "dora/error.h"

#include <limits>

// The Fortran BLAS interface (column-major), as every BLAS exports it.
extern "C" {
void sgemm_(const char* transa, const char* transb, const int* m, const int* n, const int* k, const float* alpha,
            const float* a, const int* lda, const float* b, const int* ldb, const float* beta, float* c, const int* ldc);
void dgemm_(const char* transa, const char* transb, const int* m, const int* n, const int* k, const double* alpha,
            const double* a, const int* lda, const double* b, const int* ldb, const double* beta, double* c,
            const int* ldc);
}

namespace dora::ops {
namespace {

int as_blas_int(int64_t value)
{
    if (value < 0 || value > std::numeric_limits<int>::max())
        throw Error("a matrix dimension (" + std::to_string(value) + ") is beyond what BLAS takes");
    return static_cast<int>(value);
}

// Row-major C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ, and a row-major matrix read as
// column-major is its transpose: so the operands swap places and keep their flags.
template <typename T, typename Gemm>
void row_major_gemm(Gemm fortran_gemm, bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, T alpha,
                    const T* a, int64_t lda, const T* b, int64_t ldb, T beta, T* c, int64_t ldc)
{
    if (m == 0 || n == 0)
        return;
    const char ta = transpose_b ? 'T' : 'N', tb = transpose_a ? 'T' : 'N';
    const int rows = as_blas_int(n), cols = as_blas_int(m), inner = as_blas_int(k);
    const int ld_b = as_blas_int(ldb), ld_a = as_blas_int(lda), ld_c = as_blas_int(ldc);
    fortran_gemm(&ta, &tb, &rows, &cols, &inner, &alpha, b, &ld_b, a, &ld_a, &beta, c, &ld_c);
}

}  // namespace

void gemm(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
          int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc)
{
    row_major_gemm(sgemm_, transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void gemm(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, double alpha, const double* a,
          int64_t lda, const double* b, int64_t ldb, double beta, double* c, int64_t ldc)
{
    row_major_gemm(dgemm_, transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

}  // namespace dora::ops
