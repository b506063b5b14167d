// Comparing runs: the settings diff, the LoRA-vs-DoRA configs and the results of a stored run,
// each checked against values worked out by hand from the data the test writes.
#include <QtTest/QtTest>

#include "dora/comparison.h"
#include "dora/error.h"
#include "dora/run_naming.h"
#include "dora/run_store.h"

#include <cmath>

namespace {

using namespace dora;

QStringList keys_of(const std::vector<std::string>& keys)
{
    QStringList out;
    for (const std::string& k : keys)
        out << QString::fromStdString(k);
    return out;
}

RunConfig base_config()
{
    RunConfig c;
    c.name = "spirals";
    c.model.builtin = "demo-mlp";
    c.data.builtin = "demo-mlp";
    c.adapter.rank = 6;
    c.adapter.targets = {"fc1", "fc2"};
    c.train.steps = 40;
    c.train.batch_size = 32;
    c.train.grad_accum = 2;
    return c;
}

}  // namespace

class TestComparison : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void flattenedSettingsUseDottedKeysAndKeepListsWhole()
    {
        const auto flat = flatten_settings(R"({"a": 1, "b": {"c": "x", "d": [1, 2]}, "e": {}})");
        QCOMPARE(flat.size(), size_t(4));
        QCOMPARE(QString::fromStdString(flat[0].first), QStringLiteral("a"));
        QCOMPARE(QString::fromStdString(flat[2].first), QStringLiteral("b.d"));
        QCOMPARE(QString::fromStdString(flat[2].second), QStringLiteral("[1,2]"));
        QCOMPARE(QString::fromStdString(flat[3].first), QStringLiteral("e"));  // an empty section is a value
        QVERIFY_THROWS_EXCEPTION(Error, flatten_settings("{not json"));
    }

    void differingSettingsAreExactlyTheKeysThatDiffer()
    {
        RunConfig a = base_config(), b = base_config();
        b.name = "another name";                  // a name is not a setting
        b.train.lr = 0.5;
        b.adapter.targets = {"fc1"};
        b.log.layer_stats_every = 0;
        const auto keys = differing_settings({run_config_to_json(a), run_config_to_json(b)});
        QCOMPARE(keys_of(keys), (QStringList{"adapter.targets", "log.layer_stats_every", "train.lr"}));  // in the config's order
        // Identical configs: nothing differs.
        QVERIFY(differing_settings({run_config_to_json(a), run_config_to_json(a)}).empty());
        // A key that only one config has differs.
        QCOMPARE(keys_of(differing_settings({R"({"x": 1})", R"({"x": 1, "y": 2})"})), QStringList{"y"});
        QCOMPARE(keys_of(differing_settings({R"({"x": 1, "y": 2})", R"({"x": 1})"})), QStringList{"y"});
    }

    void loraVsDoraDiffersInTheMethodOnly()
    {
        const RunConfig base = base_config();
        const std::vector<RunConfig> pair = lora_vs_dora_configs(base, false);
        QCOMPARE(pair.size(), size_t(2));
        QCOMPARE(QString::fromStdString(pair[0].adapter.method), QStringLiteral("lora"));
        QCOMPARE(QString::fromStdString(pair[1].adapter.method), QStringLiteral("dora"));
        QCOMPARE(keys_of(differing_settings({run_config_to_json(pair[0]), run_config_to_json(pair[1])})),
                 QStringList{"adapter.method"});
        QVERIFY(pair[0].name != pair[1].name);

        const std::vector<RunConfig> three = lora_vs_dora_configs(base, true);
        QCOMPARE(three.size(), size_t(3));
        QCOMPARE(three[2].adapter.rank, 3);
        QCOMPARE(keys_of(differing_settings({run_config_to_json(three[1]), run_config_to_json(three[2])})),
                 QStringList{"adapter.rank"});
        QCOMPARE(keys_of(differing_settings({run_config_to_json(three[0]), run_config_to_json(three[2])})),
                 (QStringList{"adapter.method", "adapter.rank"}));
        RunConfig rank_one = base;
        rank_one.adapter.rank = 1;
        QCOMPARE(lora_vs_dora_configs(rank_one, true)[2].adapter.rank, 1);  // never below 1
    }

    void runsAreNamedAfterModelMethodAndRank()
    {
        ModelSource builtin{"demo-gpt", ""};
        QCOMPARE(QString::fromStdString(default_run_name(builtin, "dora", 8)), QStringLiteral("demo-gpt DoRA r8"));
        QCOMPARE(QString::fromStdString(default_run_name(builtin, "lora", 4)), QStringLiteral("demo-gpt LoRA r4"));
        QCOMPARE(QString::fromStdString(default_run_name(builtin, "full", 8)), QStringLiteral("demo-gpt Full"));
        // A folder is named by its last part, with or without the trailing slash.
        QCOMPARE(QString::fromStdString(default_run_name({"", "/models/gpt2/"}, "dora", 16)), QStringLiteral("gpt2 DoRA r16"));
        QCOMPARE(QString::fromStdString(default_run_name({"", "/models/gpt2"}, "lora", 2)), QStringLiteral("gpt2 LoRA r2"));
        QCOMPARE(QString::fromStdString(default_run_name({"", "/"}, "lora", 2)), QStringLiteral("model LoRA r2"));
        // The experiment's runs carry the same name plus the experiment.
        RunConfig base = base_config();
        base.model = builtin;
        base.adapter.rank = 6;
        const std::vector<RunConfig> three = lora_vs_dora_configs(base, true);
        QCOMPARE(QString::fromStdString(three[0].name), QStringLiteral("demo-gpt LoRA r6 · LoRA vs DoRA"));
        QCOMPARE(QString::fromStdString(three[2].name), QStringLiteral("demo-gpt DoRA r3 · LoRA vs DoRA"));
    }

    void resultsOfAStoredRun()
    {
        QTemporaryDir dir;
        RunStore store(dir.filePath("runs.sqlite").toStdString());
        const RunConfig config = base_config();
        NewRun run{"r", "dora", "demo-mlp", "builtin:demo-mlp", "builtin:demo-mlp", run_config_to_json(config), 6, 120, 999};
        const long long id = store.create_run(run);
        MetricsBatch batch;
        // Steps 1-6 at 0.1 s each, except step 4, which waited 2 s for an evaluation: the median ignores it.
        const double seconds[] = {0.1, 0.2, 0.3, 2.3, 2.4, 2.5};
        for (int s = 1; s <= 6; ++s)
            batch.steps.push_back({s, 1.0 / s, 1e-3, 1.0, 640.0, 640.0 * 16, seconds[s - 1]});
        batch.evals = {{0, 2.0}, {3, 0.7}, {6, 0.9}};
        store.write_metrics(id, batch);

        RunResults r = run_results(store, id);
        QCOMPARE(r.run_id, id);
        QCOMPARE(r.best_eval_loss, 0.7);
        QCOMPARE(r.final_eval_loss, 0.9);
        QCOMPARE(r.trainable_parameters, 120LL);
        QVERIFY(std::abs(r.seconds_per_step - 0.1) < 1e-9);
        QVERIFY(std::isnan(r.peak_memory_mb));
        QCOMPARE(r.samples_per_step, 64.0);  // batch 32 x accumulation 2
        QCOMPARE(r.tokens_per_sample, 16.0);

        store.record_peak_memory(id, 512.0);
        QCOMPARE(run_results(store, id).peak_memory_mb, 512.0);
        QVERIFY_THROWS_EXCEPTION(Error, run_results(store, id + 1));
    }

    void aRunWithoutMetricsHasNoResultsYet()
    {
        QTemporaryDir dir;
        RunStore store(dir.filePath("runs.sqlite").toStdString());
        NewRun run{"r", "lora", "demo-mlp", "x", "y", run_config_to_json(base_config()), 6, 1, 2};
        const RunResults r = run_results(store, store.create_run(run));
        QVERIFY(std::isnan(r.best_eval_loss));
        QVERIFY(std::isnan(r.final_eval_loss));
        QVERIFY(std::isnan(r.seconds_per_step));
    }
};

QTEST_GUILESS_MAIN(TestComparison)
#include "test_comparison.moc"
