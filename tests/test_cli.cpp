// dora-cli as a user runs it: a tiny training run ends with the documented JSON line, and bad
// configs end with one clear line on stderr and a non-zero exit code.
#include <QtTest/QtTest>

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

namespace {

struct Result {
    int exit_code = -1;
    QString out, err;
};

Result run_cli(const QStringList& args)
{
    QProcess p;
    p.start(QStringLiteral(DORA_CLI), args);
    if (!p.waitForFinished(120000))
        return {};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

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
        const Result r = run_cli({"train", config, "--db", dir.filePath("runs.sqlite")});
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
        const Result r = run_cli({"train", write_file(dir, "bad.json", config), "--db", dir.filePath("runs.sqlite")});
        QVERIFY(r.exit_code > 0);
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
        QCOMPARE(r.err.trimmed().count('\n'), 0);
        QVERIFY(!QFile::exists(dir.filePath("runs.sqlite")));  // a bad config stores nothing
    }

    void missingConfigFile()
    {
        const Result r = run_cli({"train", "/nonexistent/config.json"});
        QVERIFY(r.exit_code > 0);
        QVERIFY2(r.err.contains("/nonexistent/config.json: cannot open"), qPrintable(r.err));
    }

    void usageErrors()
    {
        QVERIFY(run_cli({}).exit_code > 0);
        const Result unknown = run_cli({"trian"});
        QVERIFY(unknown.exit_code > 0 && unknown.err.contains("unknown command 'trian'"));
        const Result flag = run_cli({"train", "x.json", "--verbose"});
        QVERIFY(flag.exit_code > 0 && flag.err.contains("unknown option --verbose"));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
