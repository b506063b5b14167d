// Training end to end on the built-in demos, through the public Trainer API.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include "dora/error.h"
#include "dora/training.h"
#include "io/safetensors.h"
#include "models/builtin_models.h"
#include "models/embedded_files.h"
#include "data/demo_data.h"

namespace {

struct Recorder : dora::TrainingObserver {
    std::vector<dora::StepMetrics> steps;
    std::vector<dora::EvalResult> evals;
    std::vector<dora::LayerStats> stats;
    std::vector<std::string> messages;
    std::function<void(const dora::StepMetrics&)> after_step;
    void on_step(const dora::StepMetrics& m) override
    {
        steps.push_back(m);
        if (after_step)
            after_step(m);
    }
    void on_eval(const dora::EvalResult& e) override { evals.push_back(e); }
    void on_layer_stats(const dora::LayerStats& s) override { stats.push_back(s); }
    void on_message(const std::string& m) override { messages.push_back(m); }
};

dora::RunConfig demo_config(const std::string& demo, const std::string& method)
{
    dora::RunConfig c;
    c.model.builtin = c.data.builtin = demo;
    c.adapter.method = method;
    c.train.threads = 2;
    c.train.eval_every = 0;
    c.log.layer_stats_every = 10;
    if (demo == "demo-mlp") {
        c.adapter.targets = {"fc1", "fc2"};
        c.adapter.rank = 2;
        c.train.steps = 80;
        c.train.batch_size = 64;
        c.train.lr = method == "full" ? 3e-3 : 1e-2;
    } else {
        c.adapter.targets = {".*c_attn", ".*c_fc"};
        c.data.seq_len = 32;
        c.train.steps = 30;
        c.train.batch_size = 8;
        c.train.lr = method == "full" ? 1e-3 : 5e-3;
    }
    return c;
}

}  // namespace

class TestTraining : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void shippedWeightsReproduceTheirPretraining_data()
    {
        QTest::addColumn<QString>("demo");
        QTest::newRow("demo-mlp") << "demo-mlp";
        QTest::newRow("demo-gpt") << "demo-gpt";
    }

    // The file records the held-out loss its pretraining reached; loading must give the same model.
    void shippedWeightsReproduceTheirPretraining()
    {
        QFETCH(QString, demo);
        const std::string name = demo.toStdString();
        const auto file = dora::models::embedded_file(name);
        QVERIFY(file.size > 0);
        const auto header = dora::io::parse_safetensors(file.data, file.size, name);
        const double recorded = std::stod(header.metadata.at("pretrain_eval_loss"));
        auto model = dora::models::load_builtin_model(name);
        const auto data = dora::data::demo_dataset(name, dora::data::DemoPhase::Pretrain, 64, 0.1);
        torch::NoGradGuard no_grad;
        model->eval();
        const double loss = model->loss(data.eval.gather(torch::arange(data.eval.size()))).item<double>();
        QVERIFY2(std::fabs(loss - recorded) <= 1e-4 * recorded, qPrintable(QString("%1 vs %2").arg(loss).arg(recorded)));
    }

    void everyMethodLowersHeldOutLoss_data()
    {
        QTest::addColumn<QString>("demo");
        QTest::addColumn<QString>("method");
        for (const char* demo : {"demo-mlp", "demo-gpt"})
            for (const char* method : {"lora", "dora", "full"})
                QTest::newRow(qPrintable(QString("%1 %2").arg(demo, method))) << demo << method;
    }

    void everyMethodLowersHeldOutLoss()
    {
        QFETCH(QString, demo);
        QFETCH(QString, method);
        dora::Trainer trainer(demo_config(demo.toStdString(), method.toStdString()));
        Recorder recorder;
        dora::TrainingControl control;
        const dora::RunSummary summary = trainer.train(recorder, control);
        QCOMPARE(summary.status, std::string("finished"));
        QCOMPARE(summary.steps, trainer.config().train.steps);
        QCOMPARE(int(recorder.steps.size()), summary.steps);
        QVERIFY2(summary.final_eval_loss < 0.8 * summary.first_eval_loss,
                 qPrintable(QString("%1 -> %2").arg(summary.first_eval_loss).arg(summary.final_eval_loss)));
        QCOMPARE(recorder.evals.front().step, 0);
        QCOMPARE(recorder.evals.back().step, summary.steps);
        // Layer statistics at step 0 and every 10 steps, one entry per adapted layer, moving away from 0.
        QCOMPARE(int(recorder.stats.size()), 1 + summary.steps / 10);
        QCOMPARE(recorder.stats.back().layers.size(), trainer.adapted_layers().size());
        QVERIFY(recorder.stats.back().layers.front().delta_direction > 0);
    }

    void sameSeedSameLossSequence()
    {
        auto run = [] {
            dora::RunConfig c = demo_config("demo-gpt", "dora");
            c.train.steps = 8;
            c.adapter.dropout = 0.1;  // dropout draws random numbers too: they must repeat as well
            dora::Trainer trainer(c);
            Recorder recorder;
            dora::TrainingControl control;
            trainer.train(recorder, control);
            std::vector<double> losses;
            for (const auto& m : recorder.steps)
                losses.push_back(m.loss);
            return losses;
        };
        const auto first = run();
        QCOMPARE(first.size(), size_t(8));
        QCOMPARE(run(), first);
    }

    void trainableParameterCounts()
    {
        // demo-gpt, n_embd 64: c_attn is 64 -> 192, c_fc is 64 -> 256, in 2 blocks.
        dora::RunConfig c = demo_config("demo-gpt", "lora");
        c.adapter.rank = 8;
        QCOMPARE(dora::Trainer(c).trainable_parameters(), 2LL * (8 * (64 + 192) + 8 * (64 + 256)));
        c.adapter.method = "dora";  // plus one magnitude per output row
        QCOMPARE(dora::Trainer(c).trainable_parameters(), 2LL * (8 * (64 + 192) + 192 + 8 * (64 + 256) + 256));
        c.adapter.magnitude.trainable = false;
        QCOMPARE(dora::Trainer(c).trainable_parameters(), 2LL * (8 * (64 + 192) + 8 * (64 + 256)));
        c.adapter.method = "full";  // weights and biases of the chosen layers
        QCOMPARE(dora::Trainer(c).trainable_parameters(), 2LL * (64 * 192 + 192 + 64 * 256 + 256));
    }

    void targetsThatMatchNothingAreAnError()
    {
        dora::RunConfig c = demo_config("demo-gpt", "dora");
        c.adapter.targets = {"q_proj"};
        try {
            dora::Trainer trainer(c);
            QFAIL("expected an error");
        } catch (const dora::Error& e) {
            QVERIFY(std::string(e.what()).find("'q_proj'") != std::string::npos);
            QVERIFY(std::string(e.what()).find("transformer.h.0.attn.c_attn") != std::string::npos);
        }
    }

    void divergingRunFailsWithAMessageNamingTheStep()
    {
        dora::RunConfig c = demo_config("demo-mlp", "full");
        c.adapter.targets = {".*"};  // the output layer too, so the logits overflow
        c.train.lr = 1e37;  // Adam steps are about lr in size: float32 overflows within a few steps
        c.train.warmup_steps = 0;
        c.train.clip_grad_norm = 0;
        dora::Trainer trainer(c);
        Recorder recorder;
        dora::TrainingControl control;
        const auto summary = trainer.train(recorder, control);
        QCOMPARE(summary.status, std::string("failed"));
        QVERIFY2(summary.message.find("at step ") != std::string::npos, summary.message.c_str());
        QVERIFY(summary.message.find("NaN") != std::string::npos || summary.message.find("infinite") != std::string::npos);
        QVERIFY(summary.steps < c.train.steps);
    }

    void stopIsHonouredWithinAStep()
    {
        dora::Trainer trainer(demo_config("demo-mlp", "dora"));
        Recorder recorder;
        dora::TrainingControl control;
        recorder.after_step = [&](const dora::StepMetrics& m) {
            if (m.step == 5)
                control.stop = true;
        };
        const auto summary = trainer.train(recorder, control);
        QCOMPARE(summary.status, std::string("stopped"));
        QCOMPARE(summary.steps, 5);
    }
};

QTEST_APPLESS_MAIN(TestTraining)
#include "test_training.moc"
