// ops::gelu_tanh against ATen's torch::gelu(x, "tanh") and its autograd: values and gradients, in
// float64 (the plain formula) and float32 (the vectorised exp-based tanh), over ordinary and extreme
// inputs, with lengths that leave a ragged vector tail and that split over threads.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include "ops/avx512_math.h"
#include "ops/gelu.h"

namespace {

double max_abs_error(const torch::Tensor& got, const torch::Tensor& want)
{
    return (got.to(torch::kFloat64) - want.to(torch::kFloat64)).abs().max().item<double>();
}

}  // namespace

class TestGelu : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::manual_seed(9); }
    void cleanup() { dora::ops::allow_avx512_kernels(true); }

    void matchesAten_data()
    {
        QTest::addColumn<int>("dtype");
        QTest::addColumn<int>("length");
        QTest::addColumn<bool>("avx512");  // where the CPU has it; off, the AVX2 loop
        QTest::newRow("float32, ragged") << int(torch::kFloat32) << 1003 << true;
        QTest::newRow("float32, ragged, AVX2") << int(torch::kFloat32) << 1003 << false;
        QTest::newRow("float32, several threads' worth") << int(torch::kFloat32) << 300001 << true;
        QTest::newRow("float64") << int(torch::kFloat64) << 1003 << true;
    }
    void matchesAten()
    {
        QFETCH(int, dtype);
        QFETCH(int, length);
        QFETCH(bool, avx512);
        dora::ops::allow_avx512_kernels(avx512);
        const auto type = static_cast<torch::ScalarType>(dtype);
        torch::Tensor x = torch::randn({length}, torch::kFloat64) * 3;
        x.slice(0, 0, 8).copy_(torch::tensor({0.0, -1e-20, 1e-20, 12.0, -12.0, 40.0, -40.0, 1e4}, torch::kFloat64));
        const torch::Tensor probe = torch::randn({length}, torch::kFloat64);

        const torch::Tensor ours_x = x.to(type).detach().clone().requires_grad_(true);
        const torch::Tensor ours = dora::ops::gelu_tanh(ours_x);
        (ours * probe.to(type)).sum().backward();
        // The reference in float64 whatever the dtype under test.
        const torch::Tensor ref_x = x.detach().clone().requires_grad_(true);
        const torch::Tensor ref = torch::gelu(ref_x, "tanh");
        (ref * probe).sum().backward();

        QVERIFY(torch::isfinite(ours).all().item<bool>() && torch::isfinite(ours_x.grad()).all().item<bool>());
        // Errors relative to the size of the numbers involved: |x| for GELU, |dy| for the gradient.
        const double tolerance = type == torch::kFloat64 ? 1e-13 : 2e-6;
        const torch::Tensor scale = x.abs().clamp_min(1.0);
        QVERIFY2(max_abs_error(ours / scale.to(type), ref / scale) <= tolerance, "values");
        QVERIFY2(max_abs_error(ours_x.grad() / probe.abs().clamp_min(1.0).to(type), ref_x.grad() / probe.abs().clamp_min(1.0)) <=
                     tolerance,
                 "gradients");
    }

    void keepsShapeOfStridedInput()
    {
        const torch::Tensor x = torch::randn({6, 10}).t();  // not contiguous
        const torch::Tensor y = dora::ops::gelu_tanh(x);
        QCOMPARE(y.sizes(), x.sizes());
        QVERIFY(max_abs_error(y, torch::gelu(x, "tanh")) <= 1e-6);
    }
};

QTEST_APPLESS_MAIN(TestGelu)
#include "test_gelu.moc"
