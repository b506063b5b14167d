// The LoRA-vs-DoRA experiment and "try it": the two runs of a comparison start from the same batch
// and the same adapter initialisation, and a stored run's side-by-side outputs equal what the
// independent paths compute (the shipped base model alone; the exported PEFT adapter on a fresh model).
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <QTemporaryDir>

#include "data/demo_data.h"
#include "dora/comparison.h"
#include "dora/error.h"
#include "dora/export.h"
#include "dora/language_model.h"
#include "dora/recorded_run.h"
#include "dora/try_run.h"
#include "export/peft_adapter.h"
#include "models/builtin_models.h"
#include "models/mlp.h"
#include "train/layer_stats.h"
#include "train/trainer_impl.h"

namespace {

using namespace dora;

struct Quiet : RecordedRunObserver {};

RunConfig mlp_config(int steps)
{
    RunConfig c;
    c.name = "try";
    c.model.builtin = c.data.builtin = "demo-mlp";
    c.adapter.rank = 2;
    c.adapter.alpha = 4;
    c.train.steps = steps;
    c.train.lr = 1e-2;
    c.train.batch_size = 64;
    c.train.threads = 1;
    return c;
}

long long train_stored(const QString& db, const RunConfig& config)
{
    Quiet quiet;
    TrainingControl control;
    const RecordedRun run = train_recorded(db.toStdString(), config, quiet, control);
    if (run.summary.status != "finished")
        qFatal("the test run did not finish: %s", run.summary.message.c_str());
    return run.run_id;
}

double accuracy_of(models::Model& model, const data::TensorDataset& held_out)
{
    torch::NoGradGuard no_grad;
    model.eval();
    auto& mlp = dynamic_cast<models::MlpImpl&>(model);
    return mlp.forward(held_out.inputs).argmax(1).eq(held_out.targets).to(torch::kDouble).mean().item<double>();
}

}  // namespace

class TestTryRun : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(1); }

    void loraAndDoraRunsStartFromTheSameBatchAndInitialisation()
    {
        for (const char* model : {"demo-mlp", "demo-gpt"}) {
            RunConfig base = mlp_config(10);
            base.model.builtin = base.data.builtin = model;
            base.adapter.targets = {".*"};
            const std::vector<RunConfig> configs = lora_vs_dora_configs(base, true);
            std::vector<std::unique_ptr<Trainer>> trainers;
            for (const RunConfig& c : configs)
                trainers.push_back(std::make_unique<Trainer>(c));
            std::vector<models::Batch> first;
            for (auto& t : trainers) {
                Trainer::Impl& impl = t->internals();
                first.push_back(impl.data.train.gather(impl.order->next()));
            }
            for (size_t i = 1; i < first.size(); ++i) {
                QVERIFY2(torch::equal(first[0].input, first[i].input), model);
                QVERIFY2(torch::equal(first[0].target, first[i].target), model);
            }
            // Same seed, same rank: LoRA's and DoRA's A start equal, layer by layer (B starts at zero).
            const auto& lora_layers = trainers[0]->internals().adapted;
            const auto& dora_layers = trainers[1]->internals().adapted;
            QCOMPARE(lora_layers.size(), dora_layers.size());
            for (size_t i = 0; i < lora_layers.size(); ++i)
                QVERIFY2(torch::equal(lora_layers[i].second->lora_A, dora_layers[i].second->lora_A),
                         lora_layers[i].first.c_str());
        }
    }

    void heldOutPredictionsMatchTheBaseModelAndTheExportedAdapter()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath("runs.sqlite");
        const RunConfig config = mlp_config(60);
        const long long id = train_stored(db, config);
        const HeldOutPredictions p = predict_with_run(db.toStdString(), id, 25);

        const data::SplitDataset data = data::demo_dataset("demo-mlp", data::DemoPhase::Adapt, config.data.seq_len,
                                                           config.data.eval_fraction);
        QCOMPARE(p.held_out, static_cast<int>(data.eval.size()));
        QCOMPARE(p.samples.size(), size_t(25));
        // Base: the shipped model on its own.
        auto base = models::load_model("demo-mlp");
        QVERIFY(std::abs(p.base_accuracy - accuracy_of(*base, data.eval)) < 1e-12);
        // Trained: the PEFT export of the run, attached to a fresh base model.
        const std::string adapter = dir.filePath("adapter").toStdString();
        export_run_adapter(db.toStdString(), id, adapter);
        auto adapted = models::load_model("demo-mlp");
        exporting::apply_peft_adapter(*adapted, adapter);
        QVERIFY(std::abs(p.adapted_accuracy - accuracy_of(*adapted, data.eval)) < 1e-12);
        QVERIFY2(p.adapted_accuracy > p.base_accuracy, "60 steps on the rotated spirals should help");
        for (int i = 0; i < 25; ++i) {
            QCOMPARE(p.samples[i].input.size(), size_t(2));
            QCOMPARE(p.samples[i].input[0], data.eval.inputs[i][0].item<float>());
            QCOMPARE(p.samples[i].truth, static_cast<int>(data.eval.targets[i].item<int64_t>()));
        }
        QVERIFY_THROWS_EXCEPTION(Error, continue_with_run(db.toStdString(), id, "a", {}));  // not a language model
        QVERIFY_THROWS_EXCEPTION(Error, predict_with_run(db.toStdString(), id + 1, 5));       // no such run
    }

    void continuationsMatchGenerateWithAndWithoutTheAdapter()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath("runs.sqlite");
        RunConfig config = mlp_config(15);
        config.model.builtin = config.data.builtin = "demo-gpt";
        config.train.batch_size = 8;
        config.train.lr = 5e-2;  // large, so the adapted continuation visibly differs
        config.adapter.targets = {".*"};
        const long long id = train_stored(db, config);
        GenerateOptions options;
        options.max_new_tokens = 24;
        const SideBySideText text = continue_with_run(db.toStdString(), id, "the cat", options);
        QCOMPARE(QString::fromStdString(text.base), QString::fromStdString(generate_text("demo-gpt", "the cat", options)));
        const std::string adapter = dir.filePath("adapter").toStdString();
        export_run_adapter(db.toStdString(), id, adapter);
        options.adapter_dir = adapter;
        QCOMPARE(QString::fromStdString(text.adapted), QString::fromStdString(generate_text("demo-gpt", "the cat", options)));
        QVERIFY_THROWS_EXCEPTION(Error, predict_with_run(db.toStdString(), id, 5));  // not a classifier
    }

    void twoInputLayersCarryTheirWeightRows()
    {
        Trainer trainer(mlp_config(1));
        auto& layers = trainer.internals().adapted;
        const LayerStats stats = train::compute_layer_stats(0, layers);
        QCOMPARE(stats.layers.size(), layers.size());
        for (size_t i = 0; i < layers.size(); ++i) {
            const torch::Tensor w = layers[i].second->effective_weight().detach().contiguous();
            if (w.size(1) != 2) {
                QVERIFY(stats.layers[i].weight_rows.empty());
                continue;
            }
            QCOMPARE(stats.layers[i].weight_rows.size(), static_cast<size_t>(w.numel()));
            QCOMPARE(stats.layers[i].base_weight_rows.size(), static_cast<size_t>(w.numel()));
            for (int64_t k = 0; k < w.numel(); ++k)
                QCOMPARE(stats.layers[i].weight_rows[k], w.view(-1)[k].item<float>());
        }
        QVERIFY(!stats.layers.front().weight_rows.empty());  // fc1 sees the input plane
    }
};

QTEST_GUILESS_MAIN(TestTryRun)
#include "test_try_run.moc"
