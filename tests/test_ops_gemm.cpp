// ops::gemm (the Fortran BLAS, row-major) and ops::gemm_aten (its fallback through at::mm) against
// torch::mm in float64: every transpose combination, row strides wider than the rows, beta 0 over
// memory holding NaN (C must not be read) and beta 1 (accumulate).
#include <torch/torch.h>
#include <QtTest/QtTest>

#include "ops/blas.h"
#include "tensor_compare.h"

using dora::testing::relative_error;

namespace {

// A (rows × cols) matrix stored with row stride cols + 3, as the loops see q, k and v.
struct Strided {
    torch::Tensor storage, view;
};
Strided strided(int64_t rows, int64_t cols, torch::ScalarType type)
{
    Strided s;
    s.storage = torch::randn({rows, cols + 3}, type);
    s.view = s.storage.narrow(1, 0, cols);
    return s;
}

template <typename T>
void check(bool use_aten, bool ta, bool tb, T beta, torch::ScalarType type)
{
    const int64_t m = 7, n = 9, k = 11;
    const Strided a = ta ? strided(k, m, type) : strided(m, k, type);
    const Strided b = tb ? strided(n, k, type) : strided(k, n, type);
    Strided c = strided(m, n, type);
    const torch::Tensor c_before = c.view.clone();
    if (beta == T(0))
        c.view.fill_(std::numeric_limits<T>::quiet_NaN());
    const T alpha = T(0.75);
    auto* run = use_aten ? &dora::ops::gemm_aten<T> : static_cast<void (*)(bool, bool, int64_t, int64_t, int64_t, T, const T*, int64_t,
                                                                            const T*, int64_t, T, T*, int64_t)>(&dora::ops::gemm);
    run(ta, tb, m, n, k, alpha, a.storage.template data_ptr<T>(), a.storage.size(1), b.storage.template data_ptr<T>(),
        b.storage.size(1), beta, c.storage.template data_ptr<T>(), c.storage.size(1));
    const torch::Tensor op_a = (ta ? a.view.t() : a.view).to(torch::kFloat64);
    const torch::Tensor op_b = (tb ? b.view.t() : b.view).to(torch::kFloat64);
    const torch::Tensor want = alpha * torch::mm(op_a, op_b) + (beta == T(0) ? torch::zeros({m, n}, torch::kFloat64)
                                                                             : beta * c_before.to(torch::kFloat64));
    QVERIFY2(relative_error(c.view, want) <= (type == torch::kFloat64 ? 1e-13 : 1e-6),
             qPrintable(QString("aten %1, transpose %2 %3, beta %4").arg(use_aten).arg(ta).arg(tb).arg(double(beta))));
}

}  // namespace

class TestOpsGemm : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::manual_seed(17); }

    void matchesMatrixProduct()
    {
        for (const bool use_aten : {false, true})
            for (const bool ta : {false, true})
                for (const bool tb : {false, true}) {
                    check<double>(use_aten, ta, tb, 0.0, torch::kFloat64);
                    check<double>(use_aten, ta, tb, 1.0, torch::kFloat64);
                    check<float>(use_aten, ta, tb, 0.0f, torch::kFloat32);
                    check<float>(use_aten, ta, tb, 1.0f, torch::kFloat32);
                }
    }

    // Debian's LibTorch links a system BLAS, so the products take the direct path here.
    void usesTheSystemBlasHere() { QVERIFY(dora::ops::gemm_uses_fortran_blas()); }
};

QTEST_APPLESS_MAIN(TestOpsGemm)
#include "test_ops_gemm.moc"
