// A micro-batch split by rows across threads (train/batch_shards.h) against the same batch unsplit,
// the helper threads that run the shares, and DoRA's norm held for a step.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include "adapters/targets.h"
#include "models/gpt2.h"
#include "models/mlp.h"
#include "tensor_compare.h"
#include "train/batch_shards.h"
#include "train/held_norms.h"
#include "train/shard_workers.h"

#include <atomic>
#include <set>
#include <stdexcept>
#include <thread>

using dora::testing::relative_error;

namespace {

struct AdaptedGpt2 {
    std::shared_ptr<dora::models::Gpt2Impl> model;
    std::vector<dora::models::NamedLinear> layers;
    std::vector<torch::Tensor> params;
};

// A float64 GPT-2 with adapters on every linear layer, B drawn at random so that every adapter tensor
// has a gradient (B = 0 would zero dA).
AdaptedGpt2 adapted_gpt2(const std::string& method)
{
    torch::manual_seed(3);
    dora::models::Gpt2Config config;
    config.vocab_size = 40;
    config.n_positions = 16;
    config.n_embd = 32;
    config.n_head = 4;
    config.n_layer = 2;
    AdaptedGpt2 a;
    a.model = std::make_shared<dora::models::Gpt2Impl>(config);
    a.model->to(torch::kFloat64);
    for (auto& p : a.model->parameters())
        p.set_requires_grad(false);
    dora::AdapterConfig adapter;
    adapter.method = method;
    adapter.rank = 4;
    a.layers = dora::adapters::attach_adapters(*a.model, adapter);
    torch::NoGradGuard no_grad;
    for (auto& [name, layer] : a.layers)
        if (layer->lora_B.defined())
            layer->lora_B.normal_(0.0, 0.05);
    for (auto& p : a.model->parameters())
        if (p.requires_grad())
            a.params.push_back(p);
    return a;
}

// Five rows of ten tokens; the third row counts no target and the fourth only three, so the shares'
// counted targets differ and the weighting matters.
dora::models::Batch uneven_batch()
{
    torch::manual_seed(11);
    dora::models::Batch batch{torch::randint(40, {5, 10}, torch::kLong), torch::randint(40, {5, 10}, torch::kLong)};
    batch.target[2].fill_(-100);
    batch.target[3].slice(0, 0, 7).fill_(-100);
    return batch;
}

// The gradients forward_backward leaves in .grad (cloned), which it then clears for the next call.
std::vector<torch::Tensor> take_gradients(const std::vector<torch::Tensor>& params)
{
    std::vector<torch::Tensor> grads;
    for (torch::Tensor p : params) {
        grads.push_back(p.grad().defined() ? p.grad().clone() : torch::Tensor());
        p.mutable_grad() = torch::Tensor();
    }
    return grads;
}

}  // namespace

class TestBatchShards : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void splitBatchGivesTheUnsplitLossAndGradients_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<int>("shares");
        QTest::newRow("lora, 2 shares") << "lora" << 2;
        QTest::newRow("dora, 2 shares") << "dora" << 2;
        QTest::newRow("dora, 3 shares (one of a single uncounted row)") << "dora" << 3;
        QTest::newRow("full, 5 shares (one per row)") << "full" << 5;
    }
    void splitBatchGivesTheUnsplitLossAndGradients()
    {
        QFETCH(QString, method);
        QFETCH(int, shares);
        AdaptedGpt2 a = adapted_gpt2(method.toStdString());
        const dora::models::Batch batch = uneven_batch();
        const double weight = 0.75;  // a rank's share and accumulation scale, passed through

        const double unsplit_loss = dora::train::forward_backward(*a.model, batch, weight, a.params, nullptr);
        const std::vector<torch::Tensor> unsplit = take_gradients(a.params);
        dora::train::ShardWorkers workers(shares - 1, 1);
        const double split_loss = dora::train::forward_backward(*a.model, batch, weight, a.params, &workers);
        const std::vector<torch::Tensor> split = take_gradients(a.params);

        // The unsplit loss, independently: the model's mean over the counted targets.
        const double direct = a.model->loss(batch).item<double>() * weight;
        QVERIFY2(std::abs(unsplit_loss - direct) < 1e-12, qPrintable(QString::number(unsplit_loss - direct)));
        QVERIFY2(std::abs(split_loss - unsplit_loss) < 1e-12 * std::abs(unsplit_loss),
                 qPrintable(QString("split %1 unsplit %2").arg(split_loss, 0, 'g', 17).arg(unsplit_loss, 0, 'g', 17)));
        QCOMPARE(split.size(), a.params.size());
        for (size_t i = 0; i < split.size(); ++i) {
            QVERIFY(unsplit[i].defined() && split[i].defined());
            QVERIFY(unsplit[i].abs().max().item<double>() > 0);
            const double err = relative_error(split[i], unsplit[i]);
            QVERIFY2(err < 1e-12, qPrintable(QString("parameter %1: relative error %2").arg(i).arg(err)));
        }
    }

    void classifierBatchSplitsToo()
    {
        // The demo MLP's targets are one class per row, (B,), not (B, T).
        torch::manual_seed(4);
        dora::models::MlpConfig config;
        auto model = std::make_shared<dora::models::MlpImpl>(config);
        model->to(torch::kFloat64);
        for (auto& p : model->parameters())
            p.set_requires_grad(false);
        dora::AdapterConfig adapter;
        adapter.rank = 2;
        const std::vector<dora::models::NamedLinear> layers = dora::adapters::attach_adapters(*model, adapter);
        std::vector<torch::Tensor> params;
        {
            torch::NoGradGuard no_grad;
            for (const auto& [name, layer] : layers)
                layer->lora_B.normal_(0.0, 0.1);
        }
        for (auto& p : model->parameters())
            if (p.requires_grad())
                params.push_back(p);
        const dora::models::Batch batch{torch::randn({7, config.inputs}, torch::kFloat64),
                                        torch::randint(config.classes, {7}, torch::kLong)};
        const double unsplit_loss = dora::train::forward_backward(*model, batch, 1.0, params, nullptr);
        const std::vector<torch::Tensor> unsplit = take_gradients(params);
        dora::train::ShardWorkers workers(2, 1);
        const double split_loss = dora::train::forward_backward(*model, batch, 1.0, params, &workers);
        const std::vector<torch::Tensor> split = take_gradients(params);
        QVERIFY(std::abs(split_loss - unsplit_loss) < 1e-12 * std::abs(unsplit_loss));
        for (size_t i = 0; i < split.size(); ++i)
            QVERIFY2(relative_error(split[i], unsplit[i]) < 1e-12, qPrintable(QString("parameter %1").arg(i)));
    }

    void gradientsAddToThoseOfEarlierMicroBatches()
    {
        AdaptedGpt2 a = adapted_gpt2("dora");
        const dora::models::Batch batch = uneven_batch();
        dora::train::forward_backward(*a.model, batch, 0.5, a.params, nullptr);
        dora::train::forward_backward(*a.model, batch, 0.5, a.params, nullptr);
        const std::vector<torch::Tensor> twice = take_gradients(a.params);
        dora::train::forward_backward(*a.model, batch, 1.0, a.params, nullptr);
        const std::vector<torch::Tensor> once = take_gradients(a.params);
        dora::train::ShardWorkers workers(1, 1);
        dora::train::forward_backward(*a.model, batch, 0.5, a.params, &workers);
        dora::train::forward_backward(*a.model, batch, 0.5, a.params, &workers);
        const std::vector<torch::Tensor> split_twice = take_gradients(a.params);
        for (size_t i = 0; i < once.size(); ++i) {
            QVERIFY(relative_error(twice[i], once[i]) < 1e-12);
            QVERIFY(relative_error(split_twice[i], once[i]) < 1e-12);
        }
    }

    void splitRunRepeatsItselfBitForBit()
    {
        AdaptedGpt2 a = adapted_gpt2("dora");
        a.model->to(torch::kFloat32);  // float32, where the order of additions shows most
        const dora::models::Batch batch = uneven_batch();
        dora::train::ShardWorkers workers(1, 1);
        std::vector<std::vector<torch::Tensor>> runs;
        for (int run = 0; run < 3; ++run) {
            dora::train::forward_backward(*a.model, batch, 1.0, a.params, &workers);
            runs.push_back(take_gradients(a.params));
        }
        for (size_t i = 0; i < runs[0].size(); ++i)
            for (int run = 1; run < 3; ++run)
                QVERIFY2(torch::equal(runs[run][i], runs[0][i]),
                         qPrintable(QString("parameter %1, run %2").arg(i).arg(run)));
    }

    void batchWithNothingCountedFallsBackToTheUnsplitPass()
    {
        AdaptedGpt2 a = adapted_gpt2("lora");
        dora::models::Batch batch = uneven_batch();
        batch.target.fill_(-100);
        dora::train::ShardWorkers workers(1, 1);
        const double split = dora::train::forward_backward(*a.model, batch, 1.0, a.params, &workers);
        take_gradients(a.params);
        const double unsplit = dora::train::forward_backward(*a.model, batch, 1.0, a.params, nullptr);
        take_gradients(a.params);
        QCOMPARE(std::isnan(split), std::isnan(unsplit));
        if (!std::isnan(unsplit))
            QCOMPARE(split, unsplit);
    }

    void sharesRunOnTheirOwnThreadsWithTheirOwnThreadCount()
    {
        at::set_num_threads(2);
        const int before = at::get_num_threads();
        dora::train::ShardWorkers workers(2, 1);
        QCOMPARE(workers.capacity(), 3);
        std::mutex mutex;
        std::set<std::thread::id> ids;
        std::vector<int> counts(3, -1);
        workers.run(3, [&](int i) {
            std::lock_guard<std::mutex> lock(mutex);
            ids.insert(std::this_thread::get_id());
            counts[static_cast<size_t>(i)] = at::get_num_threads();
        });
        QCOMPARE(ids.size(), size_t(3));
        QCOMPARE(ids.count(std::this_thread::get_id()), size_t(1));
        QCOMPARE(counts, std::vector<int>({1, 1, 1}));
        QCOMPARE(at::get_num_threads(), before);  // the caller's count is given back

        std::atomic<int> ran{0};
        workers.run(2, [&](int) { ++ran; });  // fewer jobs than threads
        QCOMPARE(ran.load(), 2);
    }

    void aShareThatThrowsIsReportedAndTheWorkersCarryOn()
    {
        dora::train::ShardWorkers workers(2, 1);
        std::atomic<int> finished{0};
        try {
            workers.run(3, [&](int i) {
                if (i >= 1)
                    throw std::runtime_error("share " + std::to_string(i) + " failed");
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
                ++finished;
            });
            QFAIL("run() did not throw");
        } catch (const std::runtime_error& e) {
            QCOMPARE(QString(e.what()), QString("share 1 failed"));  // the lowest-numbered failure
        }
        QCOMPARE(finished.load(), 1);
        std::atomic<int> ran{0};
        workers.run(3, [&](int) { ++ran; });
        QCOMPARE(ran.load(), 3);
    }

    void planFollowsTheRules()
    {
        dora::RunConfig c;
        c.adapter.method = "lora";
        c.train.batch_size = 8;
        using dora::train::plan_batch_shards;
        const int64_t small = 1 << 20;
        const double ample = 1e9;  // FLOP per row: any split leaves each share plenty of work
        QCOMPARE(plan_batch_shards(c, true, 2, small, ample).shards, 2);
        QCOMPARE(plan_batch_shards(c, true, 2, small, ample).threads_per_shard, 1);
        QCOMPARE(plan_batch_shards(c, true, 1, small, ample).shards, 1);
        QCOMPARE(plan_batch_shards(c, false, 2, small, ample).shards, 1);  // a GPU
        QCOMPARE(plan_batch_shards(c, true, 16, small, ample).shards, 8);  // one row each
        QCOMPARE(plan_batch_shards(c, true, 16, small, ample).threads_per_shard, 2);
        c.train.batch_size = 1;
        QCOMPARE(plan_batch_shards(c, true, 2, small, ample).shards, 1);
        c.train.batch_size = 8;
        // Work: 8 rows of 1e7 FLOP make 4 shares of the minimum 2e7, and 8 rows of 4e6 only one.
        QCOMPARE(plan_batch_shards(c, true, 16, small, 1e7).shards, 4);
        QCOMPARE(plan_batch_shards(c, true, 16, small, 1e7).threads_per_shard, 4);
        QCOMPARE(plan_batch_shards(c, true, 2, small, 4e6).shards, 1);
        QCOMPARE(plan_batch_shards(c, true, 2, small, 4e6).threads_per_shard, 1);  // and on one thread
        c.adapter.dropout = 0.1;  // not split for another reason: the threads stay with the operations
        QCOMPARE(plan_batch_shards(c, true, 2, small, ample).threads_per_shard, 2);
        c.adapter.dropout = 0;
        // Gradient copies: 3 extra of 20 MB fit under 64 MB, 4 do not.
        QCOMPARE(plan_batch_shards(c, true, 8, int64_t(20) << 20, ample).shards, 4);
        QCOMPARE(plan_batch_shards(c, true, 8, int64_t(80) << 20, ample).shards, 1);
        c.adapter.dropout = 0.1;
        QCOMPARE(plan_batch_shards(c, true, 2, small, ample).shards, 1);
        c.adapter.method = "full";  // dropout is an adapter setting: full fine-tuning has none
        QCOMPARE(plan_batch_shards(c, true, 2, small, ample).shards, 2);
    }

    void normsHeldByTheSharesAreTheSame()
    {
        // Dealt out to three shares (one thread each) or computed on this thread with two: the same bits.
        AdaptedGpt2 a = adapted_gpt2("dora");
        a.model->to(torch::kFloat32);
        torch::NoGradGuard no_grad;
        at::set_num_threads(2);
        std::vector<torch::Tensor> inputs, alone;
        {
            const dora::train::HeldStepNorms held(a.layers);
            for (auto& [name, layer] : a.layers) {
                inputs.push_back(torch::randn({5, layer->in_features()}));
                alone.push_back(layer->forward(inputs.back()));
            }
        }
        dora::train::ShardWorkers workers(2, 1);
        const dora::train::HeldStepNorms held(a.layers, &workers);
        for (size_t i = 0; i < a.layers.size(); ++i) {
            QVERIFY2(torch::equal(a.layers[i].second->forward(inputs[i]), alone[i]), a.layers[i].first.c_str());
            // and both are the held norm: B changed within the step does not reach g
            const torch::Tensor b = a.layers[i].second->lora_B.clone();
            a.layers[i].second->lora_B.mul_(2);
            const torch::Tensor doubled_b = a.layers[i].second->forward(inputs[i]);
            a.layers[i].second->lora_B.copy_(b);
            const dora::adapters::AdaptableLinear& layer = a.layers[i].second;
            const torch::Tensor gain_before =
                layer->magnitude / (layer->weight + layer->scale() * torch::mm(b, layer->lora_A)).norm(2, 1);
            const torch::Tensor z = torch::mm(inputs[i], layer->weight.t()) +
                                    2 * layer->scale() * torch::mm(torch::mm(inputs[i], layer->lora_A.t()), b.t());
            QVERIFY(relative_error(doubled_b, z * gain_before + layer->bias) < 1e-5);
        }
    }

    void heldNormIsTheNormOfThatStepOnly()
    {
        AdaptedGpt2 a = adapted_gpt2("dora");
        dora::adapters::AdaptableLinear layer = a.layers.front().second;
        torch::NoGradGuard no_grad;
        const torch::Tensor x = torch::randn({6, layer->in_features()}, torch::kFloat64);
        // The dense formula: y = b + g ⊙ (x W0ᵀ + s·x Aᵀ Bᵀ), g = m / ‖W0 + s·B·A‖_row for a given B.
        auto gain_for = [&](const torch::Tensor& b) {
            return layer->magnitude / (layer->weight + layer->scale() * torch::mm(b, layer->lora_A)).norm(2, 1);
        };
        auto dense = [&](const torch::Tensor& gain) {
            const torch::Tensor z = torch::mm(x, layer->weight.t()) +
                                    layer->scale() * torch::mm(torch::mm(x, layer->lora_A.t()), layer->lora_B.t());
            return z * gain + layer->bias;
        };
        const torch::Tensor gain_before = gain_for(layer->lora_B.clone());
        QVERIFY(relative_error(layer->forward(x), dense(gain_before)) < 1e-12);
        {
            const dora::train::HeldStepNorms held(a.layers);
            QVERIFY(relative_error(layer->forward(x), dense(gain_before)) < 1e-12);
            layer->lora_B.mul_(1.5);  // what an update would do: the held norm does not follow
            QVERIFY(relative_error(layer->forward(x), dense(gain_before)) < 1e-12);
        }
        const torch::Tensor gain_after = gain_for(layer->lora_B);
        QVERIFY(relative_error(gain_after, gain_before) > 1e-4);  // the two expectations differ
        QVERIFY(relative_error(layer->forward(x), dense(gain_after)) < 1e-12);  // released: the new norm
    }
};

QTEST_GUILESS_MAIN(TestBatchShards)
#include "test_batch_shards.moc"
