// Export round trips: a trained adapter written in the PEFT layout and read back onto a fresh base
// model gives identical outputs; the merged model folder, loaded again, gives the adapted model's
// outputs (relative error ≤ 1e-5) at the base model's cost.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <QTemporaryDir>

#include "dora/error.h"
#include "dora/language_model.h"
#include "export/peft_adapter.h"
#include "io/safetensors.h"
#include "models/builtin_models.h"
#include "models/gpt2.h"
#include "models/mlp.h"
#include "models/model_folder.h"
#include "train/trainer_impl.h"

#include <nlohmann/json.hpp>

#include <fstream>

namespace {

struct Quiet : dora::TrainingObserver {};

// Model outputs for a fixed input: logits of demo-gpt on token ids, of demo-mlp on points.
torch::Tensor outputs(dora::models::Model& model, const std::string& demo)
{
    torch::NoGradGuard no_grad;
    model.eval();
    torch::manual_seed(11);
    if (demo == "demo-gpt")
        return dynamic_cast<dora::models::Gpt2Impl&>(model).forward(torch::randint(0, 96, {3, 40}));
    return dynamic_cast<dora::models::MlpImpl&>(model).forward(torch::rand({50, 2}) * 2 - 1);
}

double relative_error(const torch::Tensor& a, const torch::Tensor& b)
{
    return (a - b).norm().item<double>() / b.norm().item<double>();
}

// A trainer that has taken a few steps, so B and m have moved away from their starting values.
std::unique_ptr<dora::Trainer> trained(const std::string& demo, const std::string& method)
{
    dora::RunConfig c;
    c.model.builtin = c.data.builtin = demo;
    c.adapter.method = method;
    c.adapter.rank = 4;
    c.adapter.targets = {demo == "demo-gpt" ? ".*(c_attn|c_fc|c_proj)" : "fc[12]"};
    c.data.seq_len = 32;
    c.train.steps = 15;
    c.train.lr = 1e-2;
    c.train.threads = 1;
    c.train.eval_every = 0;
    c.log.layer_stats_every = 0;
    auto trainer = std::make_unique<dora::Trainer>(c);
    Quiet quiet;
    dora::TrainingControl control;
    trainer->train(quiet, control);
    return trainer;
}

dora::models::Model& model_of(dora::Trainer& trainer)
{
    return *trainer.internals().model;
}

}  // namespace

class TestExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTrips_data()
    {
        QTest::addColumn<QString>("demo");
        QTest::addColumn<QString>("method");
        for (const char* demo : {"demo-gpt", "demo-mlp"})
            for (const char* method : {"lora", "dora"})
                QTest::newRow(qPrintable(QString("%1 %2").arg(demo, method))) << demo << method;
    }

    void roundTrips()
    {
        QFETCH(QString, demo);
        QFETCH(QString, method);
        QTemporaryDir dir;
        auto trainer = trained(demo.toStdString(), method.toStdString());
        const torch::Tensor adapted = outputs(model_of(*trainer), demo.toStdString());
        const torch::Tensor base = outputs(*dora::models::load_builtin_model(demo.toStdString()), demo.toStdString());
        QVERIFY(relative_error(adapted, base) > 1e-3);  // training changed the outputs

        trainer->export_adapter(dir.filePath("adapter").toStdString());
        auto reloaded = dora::models::load_builtin_model(demo.toStdString());
        const auto layers = dora::exporting::apply_peft_adapter(*reloaded, dir.filePath("adapter").toStdString());
        QCOMPARE(layers.size(), trainer->adapted_layers().size());
        QVERIFY(torch::equal(outputs(*reloaded, demo.toStdString()), adapted));

        trainer->export_merged(dir.filePath("merged").toStdString());
        auto merged = dora::models::load_model_folder(dir.filePath("merged").toStdString());
        const torch::Tensor merged_out = outputs(*merged, demo.toStdString());
        QVERIFY2(relative_error(merged_out, adapted) <= 1e-5, qPrintable(QString::number(relative_error(merged_out, adapted))));
        // The merged model is a plain model: no adapter tensors, the base model's parameter count.
        for (const auto& item : merged->named_parameters())
            QVERIFY(item.key().find("lora") == std::string::npos);
        QCOMPARE(merged->parameters().size(), reloaded->parameters().size() - 2 * layers.size() -
                                                   (method == "dora" ? layers.size() : 0));
        if (demo == "demo-gpt") {  // the folder carries its tokenizer: text in and out as with the built-in
            const std::string text = "stir the flour,\nthen rest 5 minutes.";
            const auto ids = dora::encode_text(dir.filePath("merged").toStdString(), text);
            QCOMPARE(ids, dora::encode_text("demo-gpt", text));
            QCOMPARE(dora::decode_ids(dir.filePath("merged").toStdString(), ids), text);
        }
        // Exporting left the trainer's model unmerged and unchanged.
        QVERIFY(relative_error(outputs(model_of(*trainer), demo.toStdString()), adapted) <= 1e-6);
    }

    void peftLayoutAndConfig()
    {
        QTemporaryDir dir;
        auto trainer = trained("demo-gpt", "dora");
        trainer->export_adapter(dir.path().toStdString());
        std::ifstream in(dir.filePath("adapter_config.json").toStdString());
        const nlohmann::json config = nlohmann::json::parse(in);
        QCOMPARE(config["peft_type"].get<std::string>(), std::string("LORA"));
        QVERIFY(config["use_dora"].get<bool>());
        QCOMPARE(config["r"].get<int>(), 4);
        QCOMPARE(config["lora_alpha"].get<double>(), 16.0);
        QCOMPARE(config["task_type"].get<std::string>(), std::string("CAUSAL_LM"));
        QCOMPARE(config["target_modules"].size(), size_t(8));  // c_attn, attn.c_proj, c_fc, mlp.c_proj in 2 blocks
        const auto file = dora::io::SafetensorsFile::open(dir.filePath("adapter_model.safetensors").toStdString());
        const auto* a = file.header().find("base_model.model.transformer.h.0.attn.c_attn.lora_A.weight");
        const auto* b = file.header().find("base_model.model.transformer.h.0.attn.c_attn.lora_B.weight");
        const auto* m = file.header().find("base_model.model.transformer.h.0.attn.c_attn.lora_magnitude_vector");
        QVERIFY(a && b && m);
        QCOMPARE(a->shape, (std::vector<int64_t>{4, 64}));
        QCOMPARE(b->shape, (std::vector<int64_t>{192, 4}));
        QCOMPARE(m->shape, (std::vector<int64_t>{192}));
        QCOMPARE(file.header().tensors.size(), size_t(24));  // A, B and m of each
    }

    void adapterForAnotherModelIsRefused()
    {
        QTemporaryDir dir;
        trained("demo-gpt", "lora")->export_adapter(dir.path().toStdString());
        auto mlp = dora::models::load_builtin_model("demo-mlp");
        try {
            dora::exporting::apply_peft_adapter(*mlp, dir.path().toStdString());
            QFAIL("expected an error");
        } catch (const dora::Error& e) {
            QVERIFY2(QString(e.what()).contains("adapter_model.safetensors"), e.what());
        }
    }

    // An exported adapter as the starting point of a new run: training resumes from its outputs.
    void newRunStartsFromAnExportedAdapter()
    {
        QTemporaryDir dir;
        auto first = trained("demo-gpt", "dora");
        first->export_adapter(dir.path().toStdString());
        const torch::Tensor adapted = outputs(model_of(*first), "demo-gpt");

        dora::RunConfig c = first->config();
        c.adapter.targets = {"nothing-needed"};  // the adapter decides the modules
        c.adapter.init_from = dir.path().toStdString();
        dora::Trainer second(c);
        QCOMPARE(second.adapted_layers().size(), first->adapted_layers().size());
        QVERIFY(torch::equal(outputs(model_of(second), "demo-gpt"), adapted));

        c.adapter.rank = 2;
        try {
            dora::Trainer mismatched(c);
            QFAIL("expected an error");
        } catch (const dora::Error& e) {
            QVERIFY2(QString(e.what()).contains("rank 4 (the run says 2)"), e.what());
        }
    }

    void fullFineTuningHasNoAdapter()
    {
        QTemporaryDir dir;
        auto trainer = trained("demo-mlp", "full");
        QVERIFY_THROWS_EXCEPTION(dora::Error, trainer->export_adapter(dir.path().toStdString()));
        trainer->export_merged(dir.filePath("merged").toStdString());  // the trained weights themselves
        const torch::Tensor out = outputs(*dora::models::load_model_folder(dir.filePath("merged").toStdString()), "demo-mlp");
        QVERIFY(relative_error(out, outputs(model_of(*trainer), "demo-mlp")) <= 1e-6);
    }
};

QTEST_APPLESS_MAIN(TestExport)
#include "test_export.moc"
