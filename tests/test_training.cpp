// Training end to end on the built-in demos, through the public Trainer API.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <QTemporaryDir>

#include "dora/data_preview.h"
#include "dora/error.h"
#include "dora/system_check.h"
#include "dora/training.h"
#include "io/safetensors.h"
#include "adapters/targets.h"
#include "models/builtin_models.h"
#include "models/gpt2.h"
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

    void adaptedModelStartsExactlyAtTheBaseModel_data()
    {
        QTest::addColumn<QString>("method");
        QTest::newRow("lora") << "lora";
        QTest::newRow("dora") << "dora";
    }

    void adaptedModelStartsExactlyAtTheBaseModel()
    {
        QFETCH(QString, method);
        auto base = std::dynamic_pointer_cast<dora::models::Gpt2Impl>(dora::models::load_builtin_model("demo-gpt"));
        auto adapted = std::dynamic_pointer_cast<dora::models::Gpt2Impl>(dora::models::load_builtin_model("demo-gpt"));
        dora::AdapterConfig config;
        config.method = method.toStdString();
        config.dropout = 0.2;
        QCOMPARE(dora::adapters::attach_adapters(*adapted, config).size(), size_t(8));
        base->eval();
        adapted->train();  // dropout on: the adapter path sees it, and B = 0 must still cancel it exactly
        const torch::Tensor ids = torch::randint(0, 96, {2, 48});
        torch::NoGradGuard no_grad;
        QVERIFY(torch::equal(adapted->forward(ids), base->forward(ids)));
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

    // A run stopped (or killed) and resumed from its checkpoint ends exactly like the run left alone:
    // same weights, optimizer moments, data order and dropout random numbers.
    void resumedRunMatchesUninterruptedRun()
    {
        QTemporaryDir dir;
        dora::RunConfig c = demo_config("demo-gpt", "dora");
        c.train.steps = 24;
        c.train.checkpoint_every = 10;
        c.adapter.dropout = 0.1;

        dora::Trainer whole(c);
        Recorder all;
        dora::TrainingControl control;
        const auto reference = whole.train(all, control);
        QCOMPARE(reference.status, std::string("finished"));

        dora::Trainer first(c);
        first.set_checkpoint_dir(dir.filePath("ckpt").toStdString());
        dora::TrainingControl stop_at_13;
        std::vector<dora::CheckpointInfo> written;
        struct : Recorder {
            std::vector<dora::CheckpointInfo>* out;
            void on_checkpoint(const dora::CheckpointInfo& info) override { out->push_back(info); }
        } checkpoints;
        checkpoints.out = &written;
        checkpoints.after_step = [&](const dora::StepMetrics& m) {
            if (m.step == 13)
                stop_at_13.stop = true;
        };
        QCOMPARE(first.train(checkpoints, stop_at_13).status, std::string("stopped"));
        QCOMPARE(int(written.size()), 2);  // step 10 (periodic) and step 13 (on stop)
        QCOMPARE(written.back().step, 13);

        for (const auto& resume_point : written) {
            dora::Trainer second(c);
            second.resume_from_checkpoint(resume_point.path);
            QCOMPARE(second.start_step(), resume_point.step);
            Recorder after;
            dora::TrainingControl go;
            const auto resumed = second.train(after, go);
            QCOMPARE(resumed.status, std::string("finished"));
            QCOMPARE(int(after.steps.size()), c.train.steps - resume_point.step);
            QCOMPARE(after.steps.front().step, resume_point.step + 1);
            for (const auto& m : after.steps)
                QVERIFY2(std::fabs(m.loss - all.steps[m.step - 1].loss) <= 1e-5 * std::fabs(all.steps[m.step - 1].loss),
                         qPrintable(QString("step %1: %2 vs %3").arg(m.step).arg(m.loss).arg(all.steps[m.step - 1].loss)));
            QVERIFY(std::fabs(resumed.final_eval_loss - reference.final_eval_loss) <= 1e-5 * reference.final_eval_loss);
        }
    }

    void checkpointOfAnotherSetupIsRefused()
    {
        QTemporaryDir dir;
        dora::RunConfig c = demo_config("demo-mlp", "lora");
        c.train.steps = 3;
        dora::Trainer lora(c);
        lora.set_checkpoint_dir(dir.path().toStdString());
        Recorder r;
        dora::TrainingControl control;
        lora.train(r, control);
        c.adapter.rank = 4;
        dora::Trainer other(c);
        try {
            other.resume_from_checkpoint(dir.filePath("step-3.safetensors").toStdString());
            QFAIL("expected an error");
        } catch (const dora::Error& e) {
            QVERIFY2(QString(e.what()).contains("this run needs"), e.what());
        }
    }

    // A CSV table of the user's: points of the rotated spirals, classes named in the file.
    void trainsTheMlpOnACsvFile()
    {
        QTemporaryDir dir;
        torch::Tensor points, arms;
        dora::data::spiral_points(300, 40.0, 21, points, arms);
        const QString path = dir.filePath("points.csv");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("x,y,arm\n");
        const char* names[] = {"red", "\"green, light\"", "blue"};  // quoting and a comma inside a label
        for (int64_t i = 0; i < points.size(0); ++i)
            f.write(QString("%1,%2,%3\n").arg(points[i][0].item<float>()).arg(points[i][1].item<float>())
                        .arg(names[arms[i].item<int64_t>()]).toUtf8());
        f.close();
        dora::RunConfig c = demo_config("demo-mlp", "dora");
        c.data.builtin.clear();
        c.data.path = path.toStdString();
        c.data.format = "csv";
        dora::Trainer trainer(c);
        QVERIFY(trainer.data_description().find("900 rows of 2 features") != std::string::npos);
        Recorder recorder;
        dora::TrainingControl control;
        const auto summary = trainer.train(recorder, control);
        QCOMPARE(summary.status, std::string("finished"));
        QVERIFY2(summary.final_eval_loss < 0.8 * summary.first_eval_loss,
                 qPrintable(QString("%1 -> %2").arg(summary.first_eval_loss).arg(summary.final_eval_loss)));

        const dora::DataPreview preview = dora::preview_data(c, 2);
        QCOMPARE(preview.samples.size(), size_t(2));
        QCOMPARE(preview.samples[0].size(), size_t(3));  // x, y, and the class it is trained to predict
        QVERIFY(preview.samples[0][0].text.rfind("x=", 0) == 0 && !preview.samples[0][0].trained);
        QCOMPARE(preview.samples[0][2].text, std::string("red"));
        QVERIFY(preview.samples[0][2].trained);
        QCOMPARE(preview.total_samples, 900LL);
        QCOMPARE(preview.held_out_samples, 90LL);  // eval_fraction 0.1

        c.data.format = "text";
        QVERIFY_THROWS_EXCEPTION(dora::Error, dora::Trainer{c});  // the MLP reads tables only
    }

    // The install script brings OpenBLAS; the reference BLAS would make every run ~30x slower.
    void blasCheckFindsAnOptimisedLibrary()
    {
        const dora::BlasCheck check = dora::check_blas();
        QVERIFY(check.gflops > 0);
        QVERIFY2(check.library.find("openblas") != std::string::npos, check.library.c_str());
        QVERIFY2(!check.slow, check.advice.c_str());
        QVERIFY(check.advice.empty());
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
