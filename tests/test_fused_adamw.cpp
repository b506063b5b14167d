// The fused optimizer step (train/fused_adamw.h) against LibTorch's AdamW and clip_grad_norm_: the
// same parameters, moments and step counts over several steps, for two groups with different
// learning rates and weight decay, in float32 and float64; clipping on and off.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include "tensor_compare.h"

#include "train/fused_adamw.h"

using dora::testing::relative_error;

namespace {

std::vector<torch::optim::OptimizerParamGroup> groups_of(const std::vector<torch::Tensor>& a,
                                                         const std::vector<torch::Tensor>& b)
{
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.emplace_back(a, std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(2e-2).weight_decay(0.1)));
    groups.emplace_back(b, std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(5e-3).weight_decay(0)));
    return groups;
}

std::vector<torch::Tensor> copies(const std::vector<torch::Tensor>& from)
{
    std::vector<torch::Tensor> out;
    for (const torch::Tensor& t : from)
        out.push_back(t.detach().clone().requires_grad_(true));
    return out;
}

}  // namespace

class TestFusedAdamw : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::manual_seed(3); }

    void matchesLibTorch_data()
    {
        QTest::addColumn<int>("dtype");
        QTest::addColumn<double>("max_norm");
        QTest::newRow("float32, clipped") << int(torch::kFloat32) << 0.5;
        QTest::newRow("float32, not clipped") << int(torch::kFloat32) << std::numeric_limits<double>::infinity();
        QTest::newRow("float64, clipped") << int(torch::kFloat64) << 0.5;
    }
    void matchesLibTorch()
    {
        QFETCH(int, dtype);
        QFETCH(double, max_norm);
        const auto type = static_cast<torch::ScalarType>(dtype);
        // Sizes on both sides of the parallel grain.
        const std::vector<torch::Tensor> start_a{torch::randn({70000}, type), torch::randn({8, 33}, type)};
        const std::vector<torch::Tensor> start_b{torch::randn({17}, type)};
        std::vector<torch::Tensor> ours_a = copies(start_a), ours_b = copies(start_b);
        std::vector<torch::Tensor> ref_a = copies(start_a), ref_b = copies(start_b);
        torch::optim::AdamW ours(groups_of(ours_a, ours_b), torch::optim::AdamWOptions());
        torch::optim::AdamW ref(groups_of(ref_a, ref_b), torch::optim::AdamWOptions());
        std::vector<torch::Tensor> ours_all = ours_a, ref_all = ref_a;
        ours_all.push_back(ours_b[0]);
        ref_all.push_back(ref_b[0]);

        for (int step = 0; step < 5; ++step) {
            ref.zero_grad();
            ours.zero_grad();
            for (size_t i = 0; i < ours_all.size(); ++i) {
                const torch::Tensor grad = torch::randn_like(ours_all[i]);
                ours_all[i].mutable_grad() = grad.clone();
                ref_all[i].mutable_grad() = grad.clone();
            }
            const double our_norm = dora::train::clip_gradients(ours_all, max_norm);
            const double ref_norm = torch::nn::utils::clip_grad_norm_(ref_all, max_norm);
            QVERIFY(std::abs(our_norm - ref_norm) <= 1e-5 * ref_norm);
            dora::train::adamw_step(ours);
            ref.step();
            for (size_t i = 0; i < ours_all.size(); ++i) {
                QVERIFY2(relative_error(ours_all[i], ref_all[i]) <= (type == torch::kFloat32 ? 1e-6 : 1e-13),
                         qPrintable(QString("step %1, tensor %2").arg(step).arg(i)));
                QVERIFY(!ours_all[i].grad().defined());  // released for the next backward
            }
        }
        // The state the checkpoint saves: step count and both moments.
        for (size_t i = 0; i < ours_all.size(); ++i) {
            const auto key = [](const torch::Tensor& p) { return c10::guts::to_string(p.unsafeGetTensorImpl()); };
            auto& mine = static_cast<torch::optim::AdamWParamState&>(*ours.state().at(key(ours_all[i])));
            auto& theirs = static_cast<torch::optim::AdamWParamState&>(*ref.state().at(key(ref_all[i])));
            QCOMPARE(mine.step(), theirs.step());
            QVERIFY(relative_error(mine.exp_avg(), theirs.exp_avg()) <= 1e-6);
            QVERIFY(relative_error(mine.exp_avg_sq(), theirs.exp_avg_sq()) <= 1e-6);
        }
    }

    // AMSGrad (or a tensor off the CPU) hands the whole step to LibTorch; gradients are still released.
    void amsgradFallsBackToLibTorch()
    {
        const torch::Tensor start = torch::randn({50});
        torch::Tensor ours = start.clone().requires_grad_(true), ref = start.clone().requires_grad_(true);
        torch::optim::AdamW ours_opt({ours}, torch::optim::AdamWOptions(1e-2).amsgrad(true));
        torch::optim::AdamW ref_opt({ref}, torch::optim::AdamWOptions(1e-2).amsgrad(true));
        for (int step = 0; step < 3; ++step) {
            const torch::Tensor grad = torch::randn({50});
            ours.mutable_grad() = grad.clone();
            ref.mutable_grad() = grad.clone();
            dora::train::adamw_step(ours_opt);
            ref_opt.step();
            QVERIFY(relative_error(ours, ref) <= 1e-7);
            QVERIFY(!ours.grad().defined());
        }
    }

    // A NaN gradient gives a NaN norm (the trainer stops the run on it) and scales nothing.
    void nonFiniteNormIsReported()
    {
        torch::Tensor p = torch::zeros({4}).requires_grad_(true);
        p.mutable_grad() = torch::tensor({1.0f, std::numeric_limits<float>::quiet_NaN(), 0.0f, 2.0f});
        QVERIFY(std::isnan(dora::train::clip_gradients({p}, 1.0)));
        QCOMPARE(p.grad()[3].item<float>(), 2.0f);
    }
};

QTEST_APPLESS_MAIN(TestFusedAdamw)
#include "test_fused_adamw.moc"
