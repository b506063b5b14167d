#include "ops/blas.h"

#include "dora/error.h"

#include <torch/torch.h>

#include <limits>
#include <string>
#include <type_traits>

#ifdef DORA_FORTRAN_BLAS
// The Fortran BLAS interface (column-major), as every BLAS exports it.
extern "C" {
void sgemm_(const char* transa, const char* transb, const int* m, const int* n, const int* k, const float* alpha,
            const float* a, const int* lda, const float* b, const int* ldb, const float* beta, float* c, const int* ldc);
void dgemm_(const char* transa, const char* transb, const int* m, const int* n, const int* k, const double* alpha,
            const double* a, const int* lda, const double* b, const int* ldb, const double* beta, double* c,
            const int* ldc);
}
#endif

namespace dora::ops {
namespace {

#ifdef DORA_FORTRAN_BLAS
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
#endif

// A row-major (rows × cols) matrix with row stride ld, as a tensor view (no copy), transposed on request.
template <typename T>
torch::Tensor view_of(const T* data, int64_t rows, int64_t cols, int64_t ld, bool transpose)
{
    const auto options = torch::TensorOptions().dtype(c10::CppTypeToScalarType<T>::value);
    const torch::Tensor t = torch::from_blob(const_cast<T*>(data), {rows, cols}, {ld, 1}, options);
    return transpose ? t.t() : t;
}

}  // namespace

template <typename T>
void gemm_aten(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda,
               const T* b, int64_t ldb, T beta, T* c, int64_t ldc)
{
    if (m == 0 || n == 0)
        return;
    torch::NoGradGuard no_grad;
    const torch::Tensor op_a = transpose_a ? view_of(a, k, m, lda, true) : view_of(a, m, k, lda, false);
    const torch::Tensor op_b = transpose_b ? view_of(b, n, k, ldb, true) : view_of(b, k, n, ldb, false);
    torch::Tensor out = view_of(c, m, n, ldc, false);
    if (beta == T(0))
        out.copy_(torch::mm(op_a, op_b).mul_(alpha));  // C is not read: it may hold anything
    else
        out.mul_(beta).add_(torch::mm(op_a, op_b), alpha);
}

template void gemm_aten<float>(bool, bool, int64_t, int64_t, int64_t, float, const float*, int64_t, const float*,
                               int64_t, float, float*, int64_t);
template void gemm_aten<double>(bool, bool, int64_t, int64_t, int64_t, double, const double*, int64_t, const double*,
                                int64_t, double, double*, int64_t);

bool gemm_uses_fortran_blas()
{
#ifdef DORA_FORTRAN_BLAS
    return true;
#else
    return false;
#endif
}

namespace {

template <typename T>
void gemm_of(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda,
             const T* b, int64_t ldb, T beta, T* c, int64_t ldc)
{
#ifdef DORA_FORTRAN_BLAS
    if constexpr (std::is_same_v<T, float>)
        row_major_gemm(sgemm_, transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    else
        row_major_gemm(dgemm_, transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
#else
    gemm_aten(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
#endif
}

}  // namespace

void gemm(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
          int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc)
{
    gemm_of(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void gemm(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, double alpha, const double* a,
          int64_t lda, const double* b, int64_t ldb, double beta, double* c, int64_t ldc)
{
    gemm_of(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

}  // namespace dora::ops
