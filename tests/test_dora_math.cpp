// DoRA/LoRA layer numerics against independent dense computations (DESIGN.md, "DoRA in one screen"):
// forward, factorised norm, merge/unmerge, start-at-base, gradients in both norm modes, zero rows.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include "tensor_compare.h"

#include "adapters/adaptable_linear.h"
#include "adapters/dora_math.h"
#include "adapters/adapter_kernels_cpu.h"

using dora::adapters::AdaptableLinear;
using dora::adapters::AdapterOptions;
using dora::adapters::Method;

using dora::testing::relative_error;

namespace {

// A layer with an adapter whose B and m have moved away from their starting values, as after training.
AdaptableLinear trained_layer(Method method, bool detach_norm, torch::ScalarType dtype = torch::kFloat32,
                              int64_t in = 24, int64_t out = 16, int64_t rank = 4)
{
    AdaptableLinear layer(in, out, true);
    layer->to(dtype);  // before attach: the cached ‖W0‖² must come from the weights in this precision
    AdapterOptions options;
    options.method = method;
    options.rank = rank;
    options.alpha = 8;
    options.detach_norm = detach_norm;
    layer->attach(options);
    torch::NoGradGuard no_grad;
    if (method == Method::LoRA || method == Method::DoRA)
        layer->lora_B.normal_(0.0, 0.3);
    if (method == Method::DoRA)
        layer->magnitude.mul_(torch::rand_like(layer->magnitude) + 0.5);
    return layer;
}

// W' = m ⊙ (W0 + s·B·A) / ‖W0 + s·B·A‖_row, built densely.
torch::Tensor dense_dora_weight(const AdaptableLinear& layer, bool detach_norm)
{
    const torch::Tensor v = layer->weight + layer->scale() * torch::mm(layer->lora_B, layer->lora_A);
    torch::Tensor norm = v.norm(2, 1, true);
    if (detach_norm)
        norm = norm.detach();
    return layer->magnitude.unsqueeze(1) * v / norm;
}

}  // namespace

class TestDoraMath : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::manual_seed(7); }

    void forwardMatchesDenseFormula()
    {
        AdaptableLinear layer = trained_layer(Method::DoRA, true);
        const torch::Tensor x = torch::randn({3, 5, 24});
        torch::NoGradGuard no_grad;
        const torch::Tensor want = torch::linear(x.to(torch::kFloat64), dense_dora_weight(layer, true).to(torch::kFloat64),
                                                 layer->bias.to(torch::kFloat64));
        QVERIFY2(relative_error(layer(x), want) <= 1e-5, qPrintable(QString::number(relative_error(layer(x), want))));
    }

    void loraForwardMatchesDenseFormula()
    {
        AdaptableLinear layer = trained_layer(Method::LoRA, true);
        const torch::Tensor x = torch::randn({7, 24});
        torch::NoGradGuard no_grad;
        const torch::Tensor dense = layer->weight + layer->scale() * torch::mm(layer->lora_B, layer->lora_A);
        QVERIFY(relative_error(layer(x), torch::linear(x, dense, layer->bias)) <= 1e-5);
    }

    void factorisedNormEqualsDenseNorm()
    {
        AdaptableLinear layer = trained_layer(Method::DoRA, true, torch::kFloat64, 300, 40, 8);
        torch::NoGradGuard no_grad;
        const torch::Tensor dense =
            (layer->weight + layer->scale() * torch::mm(layer->lora_B, layer->lora_A)).norm(2, 1);
        const torch::Tensor factorised = dora::adapters::dora_row_norm(
            layer->weight, layer->weight.pow(2).sum(1), layer->lora_A, layer->lora_B, layer->scale());
        QVERIFY(relative_error(factorised, dense) <= 1e-12);

        AdaptableLinear single = trained_layer(Method::DoRA, true, torch::kFloat32, 300, 40, 8);
        const torch::Tensor dense32 =
            (single->weight.to(torch::kFloat64) +
             single->scale() * torch::mm(single->lora_B, single->lora_A).to(torch::kFloat64)).norm(2, 1);
        const torch::Tensor factorised32 = dora::adapters::dora_row_norm(
            single->weight, single->weight.pow(2).sum(1), single->lora_A, single->lora_B, single->scale());
        QVERIFY(relative_error(factorised32, dense32) <= 1e-5);
    }

    void rsloraScale()
    {
        AdapterOptions o;
        o.rank = 16;
        o.alpha = 8;
        QCOMPARE(dora::adapters::adapter_scale(o), 0.5);
        o.rslora = true;
        QCOMPARE(dora::adapters::adapter_scale(o), 2.0);
    }

    void mergeAndUnmerge_data()
    {
        QTest::addColumn<int>("method");
        QTest::newRow("lora") << static_cast<int>(Method::LoRA);
        QTest::newRow("dora") << static_cast<int>(Method::DoRA);
    }

    void mergeAndUnmerge()
    {
        QFETCH(int, method);
        AdaptableLinear layer = trained_layer(static_cast<Method>(method), true);
        const torch::Tensor w0 = layer->weight.detach().clone();
        const torch::Tensor x = torch::randn({9, 24});
        torch::NoGradGuard no_grad;
        const torch::Tensor adapted = layer(x);
        layer->merge();
        QVERIFY(layer->merged());
        const torch::Tensor merged = layer(x);
        QVERIFY2(relative_error(merged, adapted) <= 1e-5, qPrintable(QString::number(relative_error(merged, adapted))));
        // After merging the layer is a plain linear layer: its output is x W'ᵀ + b, nothing else.
        QVERIFY(torch::equal(merged, torch::linear(x, layer->weight, layer->bias)));
        layer->unmerge();
        QVERIFY(!layer->merged());
        QVERIFY(relative_error(layer->weight, w0) <= 1e-5);
        QVERIFY(relative_error(layer(x), adapted) <= 1e-5);
    }

    void startsExactlyAtTheBaseLayer_data()
    {
        QTest::addColumn<int>("method");
        QTest::addColumn<double>("dropout");
        QTest::newRow("lora") << static_cast<int>(Method::LoRA) << 0.0;
        QTest::newRow("dora") << static_cast<int>(Method::DoRA) << 0.0;
        QTest::newRow("dora with dropout") << static_cast<int>(Method::DoRA) << 0.5;
    }

    void startsExactlyAtTheBaseLayer()
    {
        QFETCH(int, method);
        QFETCH(double, dropout);
        AdaptableLinear base(48, 32, true);
        AdaptableLinear adapted(48, 32, true);
        {
            torch::NoGradGuard no_grad;
            adapted->weight.copy_(base->weight);
            adapted->bias.copy_(base->bias);
        }
        AdapterOptions options;
        options.method = static_cast<Method>(method);
        options.dropout = dropout;
        adapted->attach(options);
        adapted->train();  // dropout active on the adapter path; the base path must not see it
        const torch::Tensor x = torch::randn({6, 10, 48});
        torch::NoGradGuard no_grad;
        QVERIFY(torch::equal(adapted(x), base(x)));
    }

    void gradientsMatchAutogradThroughDenseFormula_data()
    {
        QTest::addColumn<bool>("detach");
        QTest::newRow("exact norm gradient") << false;
        QTest::newRow("detached norm") << true;
    }

    void gradientsMatchAutogradThroughDenseFormula()
    {
        QFETCH(bool, detach);
        // In float64 so that a wrong term shows far above rounding.
        AdaptableLinear layer = trained_layer(Method::DoRA, detach, torch::kFloat64);
        const torch::Tensor x = torch::randn({4, 6, 24}, torch::kFloat64).requires_grad_(true);
        const torch::Tensor probe = torch::randn({4, 6, 16}, torch::kFloat64);

        (layer(x) * probe).sum().backward();
        const torch::Tensor ga = layer->lora_A.grad().clone(), gb = layer->lora_B.grad().clone();
        const torch::Tensor gm = layer->magnitude.grad().clone(), gx = x.grad().clone();
        layer->zero_grad();
        x.grad().zero_();

        (torch::linear(x, dense_dora_weight(layer, detach), layer->bias) * probe).sum().backward();
        QVERIFY(relative_error(ga, layer->lora_A.grad()) <= 1e-10);
        QVERIFY(relative_error(gb, layer->lora_B.grad()) <= 1e-10);
        QVERIFY(relative_error(gm, layer->magnitude.grad()) <= 1e-10);
        QVERIFY(relative_error(gx, x.grad()) <= 1e-10);
        // The two modes really differ (otherwise this test could not tell them apart).
        AdaptableLinear other = trained_layer(Method::DoRA, !detach, torch::kFloat64);
        {
            torch::NoGradGuard no_grad;
            other->lora_A.copy_(layer->lora_A);
            other->lora_B.copy_(layer->lora_B);
            other->magnitude.copy_(layer->magnitude);
            other->weight.copy_(layer->weight);
            other->bias.copy_(layer->bias);
        }
        (other(x) * probe).sum().backward();
        QVERIFY(relative_error(other->lora_A.grad(), ga) > 1e-6);
    }

    // The scale keeps y = b + g ⊙ z for backward and recovers z = (y − b) / g, except when a row has
    // g == 0 (a zero row of W0 gives m = 0), where it keeps z: both paths, with and without a bias,
    // against the dense formula.
    void gradientsMatchWithZeroRowsAndWithoutBias_data()
    {
        QTest::addColumn<bool>("with_bias");
        QTest::addColumn<bool>("zero_rows");
        QTest::newRow("bias, no zero row") << true << false;
        QTest::newRow("no bias, no zero row") << false << false;
        QTest::newRow("bias, zero rows") << true << true;
        QTest::newRow("no bias, zero rows") << false << true;
    }
    void gradientsMatchWithZeroRowsAndWithoutBias()
    {
        QFETCH(bool, with_bias);
        QFETCH(bool, zero_rows);
        AdaptableLinear layer(24, 16, with_bias);
        layer->to(torch::kFloat64);
        {
            torch::NoGradGuard no_grad;
            if (with_bias)
                layer->bias.normal_(0.0, 2.0);  // large against g ⊙ z, so recovering z has to subtract it well
            if (zero_rows) {
                layer->weight[3].zero_();
                layer->weight[11].zero_();
            }
        }
        layer->attach(AdapterOptions{});
        {
            torch::NoGradGuard no_grad;
            layer->lora_B.normal_(0.0, 0.3);  // zero rows now have a direction (and z), but m is still 0
        }
        QCOMPARE(layer->magnitude[3].item<double>() == 0.0, zero_rows);
        const torch::Tensor x = torch::randn({3, 5, 24}, torch::kFloat64);
        const torch::Tensor probe = torch::randn({3, 5, 16}, torch::kFloat64);

        (layer(x) * probe).sum().backward();
        const torch::Tensor ga = layer->lora_A.grad().clone(), gb = layer->lora_B.grad().clone();
        const torch::Tensor gm = layer->magnitude.grad().clone();
        layer->zero_grad();
        (torch::linear(x, dense_dora_weight(layer, true), layer->bias) * probe).sum().backward();
        QVERIFY(relative_error(gm, layer->magnitude.grad()) <= 1e-10);
        QVERIFY(relative_error(ga, layer->lora_A.grad()) <= 1e-10);
        QVERIFY(relative_error(gb, layer->lora_B.grad()) <= 1e-10);
        if (zero_rows)  // the zero rows' magnitudes get a real gradient, not 0 or NaN
            QVERIFY(layer->magnitude.grad()[3].abs().item<double>() > 1e-6);
    }

    // The fused CPU loop of the scale's backward (float32 path, AVX2 or not, row blocks of 64 with a
    // ragged last block) against the same quantities from tensor operations in float64.
    void fusedScaleBackwardMatchesTensorOps()
    {
        const torch::Tensor dy = torch::randn({3, 70, 200}), kept = torch::randn({3, 70, 200});
        const torch::Tensor g = torch::rand({200}) + 0.5;
        const dora::adapters::ScaleBackwardSums sums = dora::adapters::scale_backward_cpu(dy, kept, g, true);
        const torch::Tensor dy64 = dy.to(torch::kFloat64).reshape({-1, 200});
        QVERIFY(relative_error(sums.dz, dy * g) <= 1e-7);
        QVERIFY(relative_error(sums.dy_kept, (dy64 * kept.to(torch::kFloat64).reshape({-1, 200})).sum(0)) <= 1e-6);
        QVERIFY(relative_error(sums.dy_total, dy64.sum(0)) <= 1e-6);
        QCOMPARE(sums.dz.sizes(), dy.sizes());
        QVERIFY(!dora::adapters::scale_backward_cpu(dy, kept, g, false).dz.defined());
    }

    void zeroNormRowsStayFinite_data()
    {
        QTest::addColumn<bool>("detach");
        QTest::newRow("exact norm gradient") << false;
        QTest::newRow("detached norm") << true;
    }

    void zeroNormRowsStayFinite()
    {
        QFETCH(bool, detach);
        AdaptableLinear layer(24, 16, true);
        {
            torch::NoGradGuard no_grad;
            layer->weight[3].zero_();
            layer->weight[11].zero_();
        }
        AdapterOptions options;
        options.detach_norm = detach;
        layer->attach(options);
        QCOMPARE(layer->magnitude[3].item<float>(), 0.0f);
        const torch::Tensor x = torch::randn({5, 24});
        const torch::Tensor y = layer(x);
        QVERIFY(torch::isfinite(y).all().item<bool>());
        y.pow(2).sum().backward();
        for (const torch::Tensor& p : {layer->lora_A, layer->lora_B, layer->magnitude})
            QVERIFY(torch::isfinite(p.grad()).all().item<bool>());
        // Still finite once B has moved the zero rows away from zero.
        {
            torch::NoGradGuard no_grad;
            layer->lora_B.normal_();
        }
        QVERIFY(torch::isfinite(layer(x)).all().item<bool>());
        layer->merge();
        QVERIFY(torch::isfinite(layer->weight).all().item<bool>());
        layer->unmerge();
        QVERIFY(torch::isfinite(layer->weight).all().item<bool>());
    }

    void frozenMagnitudeIsNotTrainable()
    {
        AdaptableLinear layer(8, 8, true);
        AdapterOptions options;
        options.magnitude_trainable = false;
        layer->attach(options);
        QVERIFY(!layer->magnitude.requires_grad());
        QVERIFY(layer->lora_A.requires_grad() && layer->lora_B.requires_grad());
        QVERIFY(!layer->weight.requires_grad() && !layer->bias.requires_grad());
        layer(torch::randn({2, 8})).sum().backward();
        QVERIFY(!layer->magnitude.grad().defined());
    }
};

QTEST_APPLESS_MAIN(TestDoraMath)
#include "test_dora_math.moc"
