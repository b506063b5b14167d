// ops::cross_entropy against torch::nn::functional::cross_entropy (ignore_index -100): the loss and
// the gradient of the logits, in float32 and float64, with ignored targets, a class count that leaves
// a ragged vector tail and one that splits over threads; and its errors.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include "tensor_compare.h"

#include "ops/cross_entropy.h"

using dora::testing::relative_error;

class TestCrossEntropy : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::manual_seed(13); }

    void matchesAten_data()
    {
        QTest::addColumn<int>("dtype");
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("classes");
        QTest::newRow("float32, ragged") << int(torch::kFloat32) << 40 << 37;
        QTest::newRow("float32, GPT-2 head") << int(torch::kFloat32) << 300 << 8192;
        QTest::newRow("float64") << int(torch::kFloat64) << 40 << 37;
    }
    void matchesAten()
    {
        QFETCH(int, dtype);
        QFETCH(int, rows);
        QFETCH(int, classes);
        const auto type = static_cast<torch::ScalarType>(dtype);
        const torch::Tensor logits = torch::randn({rows, classes}, torch::kFloat64) * 4;
        torch::Tensor targets = torch::randint(classes, {rows}, torch::kLong);
        targets.slice(0, 0, rows, 7).fill_(-100);  // every seventh ignored

        const torch::Tensor ours_x = logits.to(type).detach().clone().requires_grad_(true);
        const torch::Tensor ours = dora::ops::cross_entropy(ours_x, targets);
        (ours * 3.0).backward();
        const torch::Tensor ref_x = logits.detach().clone().requires_grad_(true);
        const torch::Tensor ref = torch::nn::functional::cross_entropy(
            ref_x, targets, torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-100));
        (ref * 3.0).backward();

        const double tolerance = type == torch::kFloat64 ? 1e-12 : 2e-6;
        QCOMPARE(ours.dim(), 0);
        QVERIFY(std::abs(ours.item<double>() - ref.item<double>()) <= tolerance * std::abs(ref.item<double>()));
        QVERIFY(relative_error(ours_x.grad(), ref_x.grad()) <= tolerance);
        QCOMPARE(ours_x.grad()[0].abs().sum().item<double>(), 0.0);  // an ignored row
    }

    void nothingCountedIsNaN()
    {
        const torch::Tensor loss = dora::ops::cross_entropy(torch::randn({3, 5}), torch::full({3}, -100, torch::kLong));
        QVERIFY(std::isnan(loss.item<double>()));
    }

    void targetOutsideTheClassesIsAnError()
    {
        try {
            dora::ops::cross_entropy(torch::randn({2, 5}), torch::tensor({1, 5}, torch::kLong));
            QFAIL("no error");
        } catch (const std::exception& e) {
            QVERIFY2(QString(e.what()).contains("target 5"), e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestCrossEntropy)
#include "test_cross_entropy.moc"
