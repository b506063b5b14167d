// dora-cli as a user runs it: a tiny training run ends with the documented JSON line, and bad
// configs end with one clear line on stderr and a non-zero exit code.
#include <QtTest/QtTest>

#include "cli_process.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

namespace {

using namespace dora::testing;

QString write_file(const QTemporaryDir& dir, const QString& name, const QByteArray& content)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(content);
    return path;
}

}  // namespace

class TestCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void trainPrintsProgressAndASummaryLine()
    {
        QTemporaryDir dir;
        const QString config = write_file(dir, "run.json", R"({
            "name": "cli test", "model": {"builtin": "demo-mlp"},
            "adapter": {"method": "dora", "targets": ["fc1", "fc2"], "rank": 2},
            "train": {"steps": 40, "batch_size": 64, "lr": 0.01, "eval_every": 20, "threads": 1}})");
        const CliResult r = run_cli({"train", config, "--db", dir.filePath("runs.sqlite")});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const QStringList lines = r.out.trimmed().split('\n');
        QVERIFY(lines.size() > 3);
        QVERIFY(r.out.contains("step 40/40"));
        const QJsonObject summary = QJsonDocument::fromJson(lines.last().toUtf8()).object();
        QCOMPARE(summary.value("status").toString(), QString("finished"));
        QCOMPARE(summary.value("steps").toInt(), 40);
        QCOMPARE(summary.value("run_id").toInt(), 1);  // the first run of a new database
        QVERIFY(summary.value("seconds").toDouble() > 0);
        QVERIFY(summary.value("final_eval_loss").toDouble() < summary.value("first_eval_loss").toDouble());
    }

    // The store and model commands together, as a user chains them.
    void runsShowRenameExportScoreGenerateDelete()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath("runs.sqlite");
        const QString config = write_file(dir, "run.json", R"({
            "name": "first", "model": {"builtin": "demo-gpt"}, "data": {"seq_len": 32},
            "adapter": {"method": "dora", "targets": [".*c_attn"], "rank": 4},
            "train": {"steps": 30, "batch_size": 8, "lr": 0.005, "threads": 1}})");
        QCOMPARE(run_cli({"train", config, "--db", db}).exit_code, 0);

        QCOMPARE(run_cli({"rename", "1", "kitchen", "--db", db}).exit_code, 0);
        const QJsonArray runs = QJsonDocument::fromJson(run_cli({"runs", "--db", db, "--json"}).out.toUtf8()).array();
        QCOMPARE(runs.size(), 1);
        QCOMPARE(runs[0].toObject().value("name").toString(), QString("kitchen"));
        QCOMPARE(runs[0].toObject().value("status").toString(), QString("finished"));
        const QJsonObject shown = QJsonDocument::fromJson(run_cli({"show", "1", "--db", db, "--json"}).out.toUtf8()).object();
        QCOMPARE(shown.value("step_metrics").toArray().size(), 30);
        QCOMPARE(shown.value("config").toObject().value("adapter").toObject().value("rank").toInt(), 4);
        QCOMPARE(shown.value("layer_stats").toArray().size(), 4);  // steps 0, 10, 20, 30
        QVERIFY(run_cli({"show", "7", "--db", db, "--json"}).err.contains("there is no run 7"));

        QCOMPARE(run_cli({"export", "1", "--adapter", dir.filePath("adapter"), "--db", db}).exit_code, 0);
        QCOMPARE(run_cli({"export", "1", "--merged", dir.filePath("merged"), "--db", db}).exit_code, 0);
        auto score = [&](const QStringList& args) {
            return QJsonDocument::fromJson(run_cli(QStringList{"score"} + args + QStringList{"--json"}).out.toUtf8()).object();
        };
        const QJsonObject base_score = score({"demo-gpt", "--text", "stir the flour."});
        QStringList ids;
        for (const auto& id : base_score.value("ids").toArray())
            ids << QString::number(id.toInt());
        QCOMPARE(ids.size(), 15);  // one id per character
        const double base = base_score.value("loss").toDouble(-1);
        const double adapted = score({"demo-gpt", "--ids", ids.join(','), "--adapter", dir.filePath("adapter")}).value("loss").toDouble(-1);
        const double merged = score({dir.filePath("merged"), "--ids", ids.join(',')}).value("loss").toDouble(-1);
        QVERIFY(base > 0 && adapted > 0 && adapted < base);
        QVERIFY(std::fabs(merged - adapted) <= 1e-5 * adapted);

        const CliResult generated = run_cli({"generate", "demo-gpt", "--prompt", "stir ", "--max-new-tokens", "20",
                                          "--adapter", dir.filePath("adapter")});
        QCOMPARE(generated.exit_code, 0);
        QVERIFY(generated.out.startsWith("stir "));
        QVERIFY(generated.out.trimmed().size() > 5);
        QCOMPARE(run_cli({"generate", "demo-gpt", "--prompt", "stir ", "--max-new-tokens", "20", "--adapter",
                          dir.filePath("adapter")}).out,
                 generated.out);  // greedy: the same every time

        QCOMPARE(run_cli({"delete", "1", "--db", db}).exit_code, 0);
        QCOMPARE(QJsonDocument::fromJson(run_cli({"runs", "--db", db, "--json"}).out.toUtf8()).array().size(), 0);
        QVERIFY(QDir(dir.filePath("checkpoints/run-1")).isEmpty());
    }

    void badConfigsFailWithOneLine_data()
    {
        QTest::addColumn<QByteArray>("config");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown field") << QByteArray(R"({"model": {"builtin": "demo-mlp"}, "trian": {}})")
                                       << "unknown field 'trian'";
        QTest::newRow("rank 0") << QByteArray(R"({"model": {"builtin": "demo-mlp"}, "adapter": {"rank": 0}})")
                                << "adapter.rank must be at least 1";
        QTest::newRow("steps 0") << QByteArray(R"({"model": {"builtin": "demo-mlp"}, "train": {"steps": 0}})")
                                 << "train.steps must be at least 1";
        QTest::newRow("targets match nothing")
            << QByteArray(R"({"model": {"builtin": "demo-gpt"}, "adapter": {"targets": ["q_proj"]}})")
            << "'q_proj' matches none of the model's";
        QTest::newRow("unknown model") << QByteArray(R"({"model": {"builtin": "gpt-5"}})") << "no built-in model 'gpt-5'";
        QTest::newRow("truncated json") << QByteArray(R"({"model": {"builtin": )") << "not valid JSON";
    }

    void badConfigsFailWithOneLine()
    {
        QFETCH(QByteArray, config);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const CliResult r = run_cli({"train", write_file(dir, "bad.json", config), "--db", dir.filePath("runs.sqlite")});
        QVERIFY(r.exit_code > 0);
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
        QCOMPARE(r.err.trimmed().count('\n'), 0);
        QVERIFY(!QFile::exists(dir.filePath("runs.sqlite")));  // a bad config stores nothing
    }

    void tokenizeAndInspect()
    {
        const CliResult hello = run_cli({"tokenize", QStringLiteral(DORA_TEST_DATA "/gpt2/tokenizer.json"), "--text", "Hello world", "--json"});
        QVERIFY2(hello.exit_code == 0, qPrintable(hello.err));
        QCOMPARE(QJsonDocument::fromJson(hello.out.toUtf8()).object().value("ids").toArray(), (QJsonArray{15496, 995}));

        const CliResult inspect = run_cli({"inspect", "demo-gpt", "--json"});
        const QJsonObject info = QJsonDocument::fromJson(inspect.out.toUtf8()).object();
        QCOMPARE(info.value("architecture").toString(), QString("gpt2"));
        QCOMPARE(info.value("parameters").toInt(), 114432);
        bool found = false;
        for (const auto& m : info.value("modules").toArray()) {
            const QJsonObject module = m.toObject();
            if (module.value("name").toString() == "transformer.h.1.mlp.c_fc") {
                found = true;
                QCOMPARE(module.value("kind").toString(), QString("linear"));
                QCOMPARE(module.value("shape").toArray(), (QJsonArray{256, 64}));
            }
        }
        QVERIFY(found);
        QVERIFY(run_cli({"inspect", "/nonexistent"}).err.contains("neither a built-in model"));
    }

    void missingConfigFile()
    {
        const CliResult r = run_cli({"train", "/nonexistent/config.json"});
        QVERIFY(r.exit_code > 0);
        QVERIFY2(r.err.contains("/nonexistent/config.json: cannot open"), qPrintable(r.err));
    }

    void usageErrors()
    {
        QVERIFY(run_cli({}).exit_code > 0);
        const CliResult unknown = run_cli({"trian"});
        QVERIFY(unknown.exit_code > 0 && unknown.err.contains("unknown command 'trian'"));
        const CliResult flag = run_cli({"train", "x.json", "--verbose"});
        QVERIFY(flag.exit_code > 0 && flag.err.contains("unknown option --verbose"));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
