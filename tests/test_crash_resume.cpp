// Killed runs lose nothing: dora-cli is killed with SIGKILL in the middle of a training step, while a
// checkpoint file is being written, while a metrics transaction is open, and at random moments. Each
// time the database passes PRAGMA integrity_check, an earlier finished run is intact, the killed run
// is marked interrupted, and `train --resume` ends with the same losses as the run left alone, with a
// metric series that has no gap and no duplicate step.
#include <QtTest/QtTest>

#include "cli_process.h"
#include "sqlite_integrity.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>

#include <sqlite3.h>

namespace {

using namespace dora::testing;

const QByteArray kConfig = R"({
    "name": "crash test", "model": {"builtin": "demo-gpt"}, "data": {"seq_len": 32},
    "adapter": {"method": "dora", "targets": [".*c_attn", ".*c_fc"], "rank": 4, "dropout": 0.1},
    "train": {"steps": 60, "batch_size": 8, "lr": 0.005, "eval_every": 20, "checkpoint_every": 10, "threads": 1}})";

}  // namespace

class TestCrashResume : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_config;
    QJsonObject m_reference;  // `show` of the same run left alone

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_config = m_dir.filePath("run.json");
        QFile f(m_config);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(kConfig);
        f.close();
        const QString db = m_dir.filePath("reference.sqlite");
        const CliResult r = run_cli({"train", m_config, "--db", db});
        QVERIFY2(r.exit_code == 0 && !r.crashed, qPrintable(r.err));
        m_reference = show_run(db, 1);
        QCOMPARE(m_reference.value("step_metrics").toArray().size(), 60);
    }

    void killedRunResumesExactly_data()
    {
        QTest::addColumn<QString>("crash_at");
        QTest::addColumn<int>("kill_after_ms");
        QTest::newRow("during a training step") << "training-step:25" << -1;
        QTest::newRow("while a checkpoint file is written") << "file-before-rename:2" << -1;
        QTest::newRow("inside a metrics transaction") << "metrics-commit:1" << -1;
        QTest::newRow("while the last checkpoint is written") << "file-before-rename:6" << -1;
        auto* random = QRandomGenerator::global();
        for (int i = 0; i < 3; ++i)
            QTest::newRow(qPrintable(QString("at a random moment %1").arg(i))) << QString() << int(random->bounded(500, 900));
    }

    void killedRunResumesExactly()
    {
        QFETCH(QString, crash_at);
        QFETCH(int, kill_after_ms);
        QTemporaryDir dir;
        const QString db = dir.filePath("runs.sqlite");

        // A finished run that must survive whatever happens to the next one.
        const CliResult earlier = run_cli({"train", m_config, "--db", db});
        QVERIFY2(earlier.exit_code == 0, qPrintable(earlier.err));

        const CliResult killed = run_cli({"train", m_config, "--db", db}, {{"DORA_CRASH_AT", crash_at}}, kill_after_ms);
        if (!killed.crashed && kill_after_ms >= 0)
            QSKIP("the run finished before the random kill; nothing to resume");
        QVERIFY2(killed.crashed, qPrintable("the run was not killed: " + killed.err));

        QCOMPARE(integrity(db), QString("ok"));
        const QJsonArray runs = QJsonDocument::fromJson(run_cli({"runs", "--db", db, "--json"}).out.toUtf8()).array();
        QVERIFY(!runs.isEmpty());
        QCOMPARE(runs.last().toObject().value("status").toString(), QString("finished"));
        QCOMPARE(runs.last().toObject().value("steps_done").toInt(), 60);
        if (runs.size() == 1 && kill_after_ms >= 0)
            QSKIP("killed while starting, before the run was stored; the earlier run is intact");
        QCOMPARE(runs.size(), 2);
        QCOMPARE(runs[0].toObject().value("status").toString(), QString("interrupted"));

        const CliResult resumed = run_cli({"train", "--resume", "2", "--db", db});
        QVERIFY2(resumed.exit_code == 0, qPrintable(resumed.err));
        const QJsonObject summary = last_json_line(resumed.out);
        QCOMPARE(summary.value("status").toString(), QString("finished"));
        QCOMPARE(integrity(db), QString("ok"));

        const QJsonObject run = show_run(db, 2);
        const QJsonArray steps = run.value("step_metrics").toArray();
        const QJsonArray want = m_reference.value("step_metrics").toArray();
        QCOMPARE(steps.size(), want.size());
        for (int i = 0; i < steps.size(); ++i) {
            const QJsonObject got = steps[i].toObject();
            QCOMPARE(got.value("step").toInt(), i + 1);  // no gap, no duplicate
            const double a = got.value("loss").toDouble(), b = want[i].toObject().value("loss").toDouble();
            QVERIFY2(std::fabs(a - b) <= 1e-5 * std::fabs(b), qPrintable(QString("step %1: %2 vs %3").arg(i + 1).arg(a).arg(b)));
        }
        const double final_loss = run.value("final_eval_loss").toDouble();
        const double reference = m_reference.value("final_eval_loss").toDouble();
        QVERIFY2(std::fabs(final_loss - reference) <= 1e-5 * reference, qPrintable(QString("%1 vs %2").arg(final_loss).arg(reference)));
        QCOMPARE(run.value("first_eval_loss").toDouble(), m_reference.value("first_eval_loss").toDouble());
        QCOMPARE(run.value("eval_results").toArray().size(), m_reference.value("eval_results").toArray().size());
    }
};

QTEST_GUILESS_MAIN(TestCrashResume)
#include "test_crash_resume.moc"
