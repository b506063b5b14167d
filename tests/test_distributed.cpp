// Data-parallel training over c10d/Gloo on loopback, through `dora-cli train --nproc 2`:
// - two processes that share each global batch end where one process ends (every step's loss and
//   gradient norm, and the final held-out loss, within 1e-4 relative: only the summation order differs),
//   including a global batch that does not split evenly (7 samples on 2 ranks);
// - killing one of two workers with SIGKILL ends the other within a bounded time, names the lost rank,
//   leaves the run `interrupted`, and `train --resume` (again on 2 processes) finishes it at the same
//   losses as the run left alone;
// - Ctrl-C stops every rank after the same step, with a checkpoint and no lost-peer report;
// - the cluster-launcher environment is checked before anything starts.
#include <QtTest/QtTest>

#include "cli_process.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <cmath>
#include <csignal>

namespace {

using namespace dora::testing;

// Adapter dropout would draw different masks per rank (each draws for its own slice), so it is off.
const char* kGptDora = R"({
    "name": "dp gpt", "model": {"builtin": "demo-gpt"}, "data": {"seq_len": 32},
    "adapter": {"method": "dora", "targets": [".*c_attn", ".*c_fc"], "rank": 4},
    "train": {"steps": %1, "batch_size": 8, "grad_accum": 2, "lr": 0.005, "eval_every": 10,
              "checkpoint_every": 10, "threads": 1}})";
const char* kMlpLoraUneven = R"({
    "name": "dp mlp", "model": {"builtin": "demo-mlp"},
    "adapter": {"method": "lora", "rank": 4},
    "train": {"steps": %1, "batch_size": 7, "lr": 0.01, "eval_every": 10, "threads": 1}})";

constexpr double kTolerance = 1e-4;
constexpr int kGptSteps = 60;

QString write_config(const QTemporaryDir& dir, const QString& name, const char* text, int steps)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write(QString::fromUtf8(text).arg(steps).toUtf8());
    return path;
}

bool close_enough(double a, double b) { return std::fabs(a - b) <= kTolerance * std::max(std::fabs(b), 1e-6); }

// Every step's loss and gradient norm, and the final held-out loss, of two stored runs.
QString differences(const QJsonObject& run, const QJsonObject& reference)
{
    const QJsonArray steps = run.value("step_metrics").toArray();
    const QJsonArray want = reference.value("step_metrics").toArray();
    if (steps.size() != want.size())
        return QString("%1 steps stored, %2 expected").arg(steps.size()).arg(want.size());
    for (int i = 0; i < steps.size(); ++i) {
        const QJsonObject got = steps[i].toObject(), expected = want[i].toObject();
        if (got.value("step").toInt() != i + 1)
            return QString("step %1 is stored as %2").arg(i + 1).arg(got.value("step").toInt());
        for (const char* field : {"loss", "grad_norm"})
            if (!close_enough(got.value(field).toDouble(), expected.value(field).toDouble()))
                return QString("step %1 %2: %3 vs %4").arg(i + 1).arg(field).arg(got.value(field).toDouble(), 0, 'g', 9)
                    .arg(expected.value(field).toDouble(), 0, 'g', 9);
    }
    const double final_loss = run.value("final_eval_loss").toDouble();
    const double reference_loss = reference.value("final_eval_loss").toDouble();
    if (!close_enough(final_loss, reference_loss))
        return QString("final eval loss %1 vs %2").arg(final_loss, 0, 'g', 9).arg(reference_loss, 0, 'g', 9);
    return {};
}

// `dora-cli train ... --nproc 2` running while the test reads its output.
struct LiveLauncher {
    QProcess process;
    QString out, err;
    qint64 rank1_pid = 0;

    explicit LiveLauncher(const QStringList& args) { process.start(QStringLiteral(DORA_CLI), args); }

    // Reads until a progress line of step `step` or later (or the end); returns the last step seen.
    int wait_for_step(int step)
    {
        const QRegularExpression pid_line("rank 1 pid (\\d+)"), step_line("step (\\d+)/");
        int last_step = 0;
        QElapsedTimer waiting;
        waiting.start();
        while (last_step < step && waiting.elapsed() < 120000 && process.state() != QProcess::NotRunning) {
            process.waitForReadyRead(200);
            out += QString::fromUtf8(process.readAllStandardOutput());
            err += QString::fromUtf8(process.readAllStandardError());
            if (const auto m = pid_line.match(err); m.hasMatch())
                rank1_pid = m.captured(1).toLongLong();
            for (auto it = step_line.globalMatch(out); it.hasNext();)
                last_step = std::max(last_step, it.next().captured(1).toInt());
        }
        return last_step;
    }
};

}  // namespace

class TestDistributed : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_gpt_config;       // the run most tests share: long enough to be killed or stopped midway
    QString m_gpt_reference;    // its database after one process trained it alone

private Q_SLOTS:
    void initTestCase()
    {
        m_gpt_config = write_config(m_dir, "gpt.json", kGptDora, kGptSteps);
        m_gpt_reference = m_dir.filePath("gpt-reference.sqlite");
        const CliResult one = run_cli({"train", m_gpt_config, "--db", m_gpt_reference});
        QVERIFY2(one.exit_code == 0, qPrintable(one.err));
    }

    void twoProcessesEqualOne_data()
    {
        QTest::addColumn<QString>("config");
        QTest::addColumn<QString>("reference_db");
        QTest::newRow("demo-gpt DoRA, batch 8, accumulation 2") << m_gpt_config << m_gpt_reference;
        QTest::newRow("demo-mlp LoRA, batch 7 split 3 + 4") << write_config(m_dir, "mlp.json", kMlpLoraUneven, 40)
                                                           << QString();
    }

    void twoProcessesEqualOne()
    {
        QFETCH(QString, config);
        QFETCH(QString, reference_db);
        QTemporaryDir dir;
        const QString one_db = reference_db.isEmpty() ? dir.filePath("one.sqlite") : reference_db;
        const QString two_db = dir.filePath("two.sqlite");
        if (reference_db.isEmpty()) {
            const CliResult one = run_cli({"train", config, "--db", one_db});
            QVERIFY2(one.exit_code == 0, qPrintable(one.err));
        }
        const CliResult two = run_cli({"train", config, "--db", two_db, "--nproc", "2"});
        QVERIFY2(two.exit_code == 0 && !two.crashed, qPrintable(two.err));
        QVERIFY2(two.err.contains("2 workers on 127.0.0.1"), qPrintable(two.err));
        const QJsonObject summary = last_json_line(two.out);  // rank 0's; the other rank's output is discarded
        QCOMPARE(summary.value("world_size").toInt(), 2);
        QCOMPARE(summary.value("status").toString(), QString("finished"));

        const QJsonObject reference = show_run(one_db, 1), run = show_run(two_db, 1);
        QVERIFY(!reference.value("step_metrics").toArray().isEmpty());
        const QString why = differences(run, reference);
        QVERIFY2(why.isEmpty(), qPrintable(why));
        // Rank 0 alone records: one run, with the checkpoints of one process.
        const QJsonArray runs = QJsonDocument::fromJson(run_cli({"runs", "--db", two_db, "--json"}).out.toUtf8()).array();
        QCOMPARE(runs.size(), 1);
    }

    void killedWorkerEndsTheRunResumably()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath("runs.sqlite");
        LiveLauncher launcher({"train", m_gpt_config, "--db", db, "--nproc", "2"});
        const int last_step = launcher.wait_for_step(12);  // past the checkpoint at step 10
        QVERIFY2(launcher.rank1_pid > 0, qPrintable(launcher.err));
        QVERIFY2(last_step >= 12 && last_step < kGptSteps, qPrintable(QString("last step seen %1\n%2").arg(last_step).arg(launcher.out)));
        const qint64 rank1_pid = launcher.rank1_pid;
        QString err = launcher.err;

        QVERIFY(::kill(static_cast<pid_t>(rank1_pid), SIGKILL) == 0);
        QElapsedTimer ending;
        ending.start();
        QVERIFY(launcher.process.waitForFinished(60000));
        const double seconds_to_end = ending.elapsed() / 1000.0;
        qInfo("the launcher ended %.2f s after rank 1 was killed", seconds_to_end);
        QVERIFY2(seconds_to_end < 30, "the run did not end within a bounded time");
        err += QString::fromUtf8(launcher.process.readAllStandardError());
        QVERIFY(launcher.process.exitCode() != 0);
        QVERIFY2(err.contains("worker rank 1") && err.contains("signal 9"), qPrintable(err));

        const QJsonObject killed = show_run(db, 1);
        QCOMPARE(killed.value("status").toString(), QString("interrupted"));
        QVERIFY2(killed.value("message").toString().contains("rank 1 did not answer"),
                 qPrintable(killed.value("message").toString()));

        const CliResult resumed = run_cli({"train", "--resume", "1", "--db", db, "--nproc", "2"});
        QVERIFY2(resumed.exit_code == 0, qPrintable(resumed.err));
        QVERIFY2(resumed.out.contains("resuming after step"), qPrintable(resumed.out));
        QCOMPARE(last_json_line(resumed.out).value("status").toString(), QString("finished"));
        const QString why = differences(show_run(db, 1), show_run(m_gpt_reference, 1));
        QVERIFY2(why.isEmpty(), qPrintable(why));
    }

    // Ctrl-C (here SIGINT to the launcher, which passes it on) is one decision for all ranks: they stop
    // after the same step, rank 0 writes its checkpoint, and no rank reports a lost peer.
    void stopReachesEveryRankAtTheSameStep()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath("runs.sqlite");
        LiveLauncher launcher({"train", m_gpt_config, "--db", db, "--nproc", "2"});
        const int last_step = launcher.wait_for_step(6);
        QVERIFY2(last_step >= 6 && last_step < kGptSteps, qPrintable(launcher.out + launcher.err));
        QVERIFY(::kill(static_cast<pid_t>(launcher.process.processId()), SIGINT) == 0);
        QVERIFY(launcher.process.waitForFinished(30000));
        const QString out = launcher.out + QString::fromUtf8(launcher.process.readAllStandardOutput());
        const QString err = launcher.err + QString::fromUtf8(launcher.process.readAllStandardError());
        QVERIFY2(launcher.process.exitCode() == 0, qPrintable(err));
        QVERIFY2(!err.contains("lost contact") && !err.contains("worker rank"), qPrintable(err));
        QCOMPARE(last_json_line(out).value("status").toString(), QString("stopped"));
        const QJsonObject run = show_run(db, 1);
        QCOMPARE(run.value("status").toString(), QString("stopped"));
        const int stopped_at = run.value("steps_done").toInt();
        QVERIFY(stopped_at >= last_step && stopped_at < kGptSteps);
        const QJsonArray checkpoints = run.value("checkpoints").toArray();
        QVERIFY(!checkpoints.isEmpty());
        QCOMPARE(checkpoints.last().toObject().value("step").toInt(), stopped_at);
    }

    void clusterEnvironmentIsChecked_data()
    {
        QTest::addColumn<QStringList>("variables");
        QTest::addColumn<QString>("message");
        QTest::newRow("no RANK") << QStringList{"WORLD_SIZE=2", "MASTER_ADDR=127.0.0.1", "MASTER_PORT=29511"}
                                 << "RANK is not set";
        QTest::newRow("RANK too large") << QStringList{"WORLD_SIZE=2", "RANK=2", "MASTER_ADDR=127.0.0.1", "MASTER_PORT=1"}
                                        << "RANK='2' is not a whole number from 0 to 1";
        QTest::newRow("no MASTER_PORT") << QStringList{"WORLD_SIZE=2", "RANK=0", "MASTER_ADDR=127.0.0.1"}
                                        << "MASTER_PORT is not set";
    }

    void clusterEnvironmentIsChecked()
    {
        QFETCH(QStringList, variables);
        QFETCH(QString, message);
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString& v : variables)
            env.insert(v.section('=', 0, 0), v.section('=', 1));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(DORA_CLI), {"train", write_config(m_dir, "env.json", kMlpLoraUneven, 5), "--db",
                                           m_dir.filePath("env.sqlite")});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 2);
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(err.contains(message) && err.count('\n') == 1, qPrintable(err));
    }

    void badProcessCountIsRefused()
    {
        const CliResult r = run_cli({"train", write_config(m_dir, "n.json", kMlpLoraUneven, 5), "--nproc", "0"});
        QCOMPARE(r.exit_code, 2);
        QVERIFY2(r.err.contains("--nproc needs a number of processes from 1 to 256, got 0"), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestDistributed)
#include "test_distributed.moc"
