// ops::residual_layer_norm against the same computation as separate ATen operations (an add and
// torch::layer_norm), forward and gradients, through autograd.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include "ops/residual_layer_norm.h"
#include "tensor_compare.h"

using dora::testing::relative_error;

namespace {

struct Inputs {
    torch::Tensor x, a, weight, bias;
};

Inputs make_inputs(torch::ScalarType type, int64_t c, bool train_norm)
{
    torch::manual_seed(9);
    Inputs in;
    in.x = (torch::randn({3, 5, c}, type) * 2 + 0.5).requires_grad_();
    in.a = torch::randn({3, 5, c}, type).requires_grad_();
    in.weight = (torch::randn({c}, type) * 0.3 + 1).requires_grad_(train_norm);
    in.bias = (torch::randn({c}, type) * 0.1).requires_grad_(train_norm);
    return in;
}

// Gradients of Σ h ⊙ probe_h + Σ y ⊙ probe_y (either probe may be absent) for x, a and, when they
// train, weight and bias.
std::vector<torch::Tensor> gradients(const Inputs& in, const torch::Tensor& h, const torch::Tensor& y,
                                     const torch::Tensor& probe_h, const torch::Tensor& probe_y)
{
    torch::Tensor objective = torch::zeros({}, h.options());
    if (probe_h.defined())
        objective = objective + (h * probe_h).sum();
    if (probe_y.defined())
        objective = objective + (y * probe_y).sum();
    std::vector<torch::Tensor> inputs{in.x, in.a};
    if (in.weight.requires_grad())
        inputs.insert(inputs.end(), {in.weight, in.bias});
    return torch::autograd::grad({objective}, inputs, {}, false, false, true);
}

}  // namespace

class TestResidualLayerNorm : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void matchesAddThenLayerNorm_data()
    {
        QTest::addColumn<int>("dtype");
        QTest::addColumn<int>("width");
        QTest::addColumn<bool>("train_norm");
        QTest::addColumn<int>("uses");  // 1: h only, 2: y only, 3: both
        QTest::newRow("float64, both outputs used") << int(torch::kFloat64) << 37 << false << 3;
        QTest::newRow("float64, trainable norm") << int(torch::kFloat64) << 37 << true << 3;
        QTest::newRow("float64, only y used (the last block)") << int(torch::kFloat64) << 16 << false << 2;
        QTest::newRow("float64, only h used") << int(torch::kFloat64) << 16 << false << 1;
        QTest::newRow("float32, GPT-2 width") << int(torch::kFloat32) << 512 << false << 3;
        QTest::newRow("float32, odd width, trainable norm") << int(torch::kFloat32) << 61 << true << 3;
    }
    void matchesAddThenLayerNorm()
    {
        QFETCH(int, dtype);
        QFETCH(int, width);
        QFETCH(bool, train_norm);
        QFETCH(int, uses);
        const auto type = static_cast<torch::ScalarType>(dtype);
        const double tolerance = type == torch::kFloat64 ? 1e-12 : 2e-6;
        const Inputs in = make_inputs(type, width, train_norm);
        const double eps = 1e-5;

        const auto [h, y] = dora::ops::residual_layer_norm(in.x, in.a, in.weight, in.bias, eps);
        const torch::Tensor want_h = in.x + in.a;
        const torch::Tensor want_y = torch::layer_norm(want_h, {width}, in.weight, in.bias, eps);
        QVERIFY(relative_error(h, want_h) <= tolerance);
        QVERIFY2(relative_error(y, want_y) <= tolerance, qPrintable(QString::number(relative_error(y, want_y))));

        const torch::Tensor probe_h = uses & 1 ? torch::randn_like(h) : torch::Tensor();
        const torch::Tensor probe_y = uses & 2 ? torch::randn_like(y) : torch::Tensor();
        const std::vector<torch::Tensor> got = gradients(in, h, y, probe_h, probe_y);
        const std::vector<torch::Tensor> want = gradients(in, want_h, want_y, probe_h, probe_y);
        QCOMPARE(got.size(), want.size());
        for (size_t i = 0; i < got.size(); ++i) {
            QVERIFY(got[i].defined() && want[i].defined());
            const double err = relative_error(got[i], want[i]);
            QVERIFY2(err <= 10 * tolerance, qPrintable(QString("gradient %1: %2").arg(i).arg(err)));
        }
    }

    void otherDtypesTakeTheCompositePath()
    {
        Inputs in = make_inputs(torch::kFloat64, 8, false);
        const torch::Tensor a = in.a.detach().to(torch::kFloat32);  // mixed dtypes: ATen's promotion rules
        const auto [h, y] = dora::ops::residual_layer_norm(in.x.detach(), a, in.weight, in.bias, 1e-5);
        const torch::Tensor want_h = in.x.detach() + a;
        QVERIFY(relative_error(h, want_h) < 1e-12);
        QVERIFY(relative_error(y, torch::layer_norm(want_h, {8}, in.weight, in.bias, 1e-5)) < 1e-12);
    }
};

QTEST_GUILESS_MAIN(TestResidualLayerNorm)
#include "test_residual_layer_norm.moc"
