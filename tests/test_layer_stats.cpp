// ΔM and ΔD (DoRA paper §3.2) against a direct computation with plain loops over the dense effective
// weight, for LoRA, DoRA and full fine-tuning.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include "adapters/adaptable_linear.h"
#include "train/layer_stats.h"

#include <cmath>

using dora::adapters::AdaptableLinear;
using dora::adapters::AdapterOptions;
using dora::adapters::Method;

namespace {

struct Expected {
    double dm = 0, dd = 0;
};

// Row by row, in double, with no torch reductions: an independent reading of the definition.
Expected direct(const torch::Tensor& current, const torch::Tensor& base)
{
    const torch::Tensor w = current.to(torch::kFloat64).contiguous(), w0 = base.to(torch::kFloat64).contiguous();
    const int64_t rows = w.size(0), cols = w.size(1);
    const double* a = w.data_ptr<double>();
    const double* b = w0.data_ptr<double>();
    Expected e;
    for (int64_t i = 0; i < rows; ++i) {
        double na = 0, nb = 0, dot = 0;
        for (int64_t j = 0; j < cols; ++j) {
            na += a[i * cols + j] * a[i * cols + j];
            nb += b[i * cols + j] * b[i * cols + j];
            dot += a[i * cols + j] * b[i * cols + j];
        }
        e.dm += std::fabs(std::sqrt(na) - std::sqrt(nb)) / rows;
        e.dd += (1.0 - dot / (std::sqrt(na) * std::sqrt(nb))) / rows;
    }
    return e;
}

}  // namespace

class TestLayerStats : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // LoRA and DoRA statistics come from the adapter's factors (AdaptableLinear::direction_change),
    // full fine-tuning's from the dense weights; all against the loop over the dense weight. In float64
    // a change of B ~ 1e-5 gives 1 − cos ~ 1e-10, which the factored form must still get right.
    void matchesDirectComputation_data()
    {
        QTest::addColumn<int>("method");
        QTest::addColumn<bool>("float64");
        QTest::addColumn<double>("b_std");
        QTest::addColumn<bool>("negative_magnitudes");
        QTest::newRow("lora") << static_cast<int>(Method::LoRA) << false << 0.2 << false;
        QTest::newRow("dora") << static_cast<int>(Method::DoRA) << false << 0.2 << false;
        QTest::newRow("full") << static_cast<int>(Method::Full) << false << 0.2 << false;
        QTest::newRow("lora, tiny change, float64") << static_cast<int>(Method::LoRA) << true << 1e-5 << false;
        QTest::newRow("dora, tiny change, float64") << static_cast<int>(Method::DoRA) << true << 1e-5 << false;
        QTest::newRow("dora, negative magnitudes") << static_cast<int>(Method::DoRA) << true << 0.2 << true;
    }

    void matchesDirectComputation()
    {
        QFETCH(int, method);
        QFETCH(bool, float64);
        QFETCH(double, b_std);
        QFETCH(bool, negative_magnitudes);
        torch::manual_seed(3);
        AdaptableLinear layer(20, 12, true);
        if (float64)
            layer->to(torch::kFloat64);
        const torch::Tensor w0 = layer->weight.detach().clone();
        AdapterOptions options;
        options.method = static_cast<Method>(method);
        options.rank = 4;
        layer->attach(options);

        // Before any change, both statistics are zero.
        auto stats = dora::train::compute_layer_stats(0, {{"layer", layer}});
        QCOMPARE(stats.layers.size(), size_t(1));
        QVERIFY(stats.layers[0].delta_magnitude < 1e-7 && stats.layers[0].delta_direction < 1e-7);

        torch::Tensor current;
        {
            torch::NoGradGuard no_grad;
            if (options.method == Method::Full) {
                layer->weight.add_(torch::randn_like(layer->weight) * 0.2);
                current = layer->weight.clone();
            } else {
                layer->lora_B.normal_(0.0, b_std);
                current = w0 + layer->scale() * torch::mm(layer->lora_B, layer->lora_A);
                if (options.method == Method::DoRA) {
                    layer->magnitude.mul_(torch::rand_like(layer->magnitude) + 0.5);
                    if (negative_magnitudes)
                        layer->magnitude.slice(0, 0, 5).neg_();  // a flipped row points the other way
                    current = layer->magnitude.unsqueeze(1) * current / current.norm(2, 1, true);
                }
            }
        }
        const Expected want = direct(current, w0);
        stats = dora::train::compute_layer_stats(10, {{"layer", layer}});
        QCOMPARE(stats.step, 10);
        QCOMPARE(stats.layers[0].layer, std::string("layer"));
        QVERIFY(want.dd > (b_std < 1e-3 ? 1e-12 : 1e-3));  // the change is large enough to be measured
        QVERIFY(std::fabs(stats.layers[0].delta_magnitude - want.dm) <= 1e-5 * want.dm);
        QVERIFY(std::fabs(stats.layers[0].delta_direction - want.dd) <= 1e-4 * want.dd);
    }

    void pureRotationIsDirectionOnlyAndScalingIsMagnitudeOnly()
    {
        AdaptableLinear layer(2, 3, false);
        layer->attach(AdapterOptions{Method::Full});
        const torch::Tensor w0 = layer->weight.detach().clone();
        const double angle = 0.3;
        const torch::Tensor rotation =
            torch::tensor({std::cos(angle), -std::sin(angle), std::sin(angle), std::cos(angle)}).view({2, 2}).to(torch::kFloat);
        {
            torch::NoGradGuard no_grad;
            layer->weight.copy_(torch::mm(w0, rotation.t()));
        }
        auto stats = dora::train::compute_layer_stats(1, {{"fc1", layer}});
        QVERIFY(stats.layers[0].delta_magnitude < 1e-6);
        QVERIFY(std::fabs(stats.layers[0].delta_direction - (1.0 - std::cos(angle))) < 1e-6);
        {
            torch::NoGradGuard no_grad;
            layer->weight.copy_(w0 * 2.0);
        }
        stats = dora::train::compute_layer_stats(2, {{"fc1", layer}});
        QVERIFY(stats.layers[0].delta_direction < 1e-6);
        QVERIFY(std::fabs(stats.layers[0].delta_magnitude - w0.norm(2, 1).mean().item<double>()) < 1e-5);
    }
};

QTEST_APPLESS_MAIN(TestLayerStats)
#include "test_layer_stats.moc"
