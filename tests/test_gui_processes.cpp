// The GUI's "Processes" option end to end: a TrainingSession with 2 processes runs rank 0 on its
// worker thread and rank 1 as `dora-cli train --worker` (found next to the test, as it is next to
// dora-studio), delivers every step to the window once, records one run, and ends at the loss of
// the same run on one process (within 1e-4 relative: only the summation order differs). A Stop
// ends both ranks after the same step, and the stopped run resumes on 2 processes to the same end.
#include <QtTest/QtTest>

#include <QSignalSpy>
#include <QTemporaryDir>

#include "dora/run_store.h"
#include "training/training_session.h"

#include <cmath>

using dora::ui::MetricsChunk;
using dora::ui::TrainingSession;

namespace {

dora::RunConfig quick_config()
{
    dora::RunConfig c;
    c.model.builtin = c.data.builtin = "demo-gpt";
    c.adapter.targets = {".*c_attn", ".*c_fc"};
    c.data.seq_len = 32;
    c.train.steps = 40;
    c.train.batch_size = 8;
    c.train.threads = 1;
    c.train.eval_every = 20;
    c.train.checkpoint_every = 10;
    return c;
}

struct Outcome {
    QString status;
    double final_eval_loss = 0;
    std::vector<int> steps;
};

// Runs `begin` on a session and collects what reaches the window until it finishes.
Outcome run_session(TrainingSession& session, const std::function<void()>& begin, int stop_after_step = 0)
{
    Outcome outcome;
    QSignalSpy finished(&session, &TrainingSession::finished);
    QObject context;
    QObject::connect(&session, &TrainingSession::metricsArrived, &context, [&](const MetricsChunk& chunk) {
        for (const auto& m : chunk.steps)
            outcome.steps.push_back(m.step);
        if (stop_after_step > 0 && !outcome.steps.empty() && outcome.steps.back() >= stop_after_step)
            session.stop();
    });
    begin();
    if (!finished.wait(120000))
        return outcome;
    outcome.status = finished.first().at(1).toString();
    outcome.final_eval_loss = finished.first().at(3).toDouble();
    return outcome;
}

}  // namespace

class TestGuiProcesses : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void twoProcessesFromTheWindow()
    {
        QTemporaryDir dir;
        TrainingSession alone(dir.filePath("one.sqlite"));
        const Outcome one = run_session(alone, [&] { alone.start(quick_config()); });
        QCOMPARE(one.status, QString("finished"));

        const QString db = dir.filePath("two.sqlite");
        TrainingSession session(db);
        session.setProcesses(2);
        const Outcome two = run_session(session, [&] { session.start(quick_config()); });
        QCOMPARE(two.status, QString("finished"));
        QCOMPARE(int(two.steps.size()), 40);
        QVERIFY2(std::fabs(two.final_eval_loss - one.final_eval_loss) <= 1e-4 * one.final_eval_loss,
                 qPrintable(QString("%1 vs %2").arg(two.final_eval_loss, 0, 'g', 9).arg(one.final_eval_loss, 0, 'g', 9)));
        QCOMPARE(int(dora::RunStore(db.toStdString()).list_runs().size()), 1);  // rank 1 records nothing

        // Stop, then resume on two processes: the same end.
        const QString stop_db = dir.filePath("stop.sqlite");
        TrainingSession stopping(stop_db);
        stopping.setProcesses(2);
        const Outcome stopped = run_session(stopping, [&] { stopping.start(quick_config()); }, 15);
        QCOMPARE(stopped.status, QString("stopped"));
        const Outcome resumed = run_session(stopping, [&] { stopping.resume(stopping.runId()); });
        QCOMPARE(resumed.status, QString("finished"));
        QVERIFY2(std::fabs(resumed.final_eval_loss - one.final_eval_loss) <= 1e-4 * one.final_eval_loss,
                 qPrintable(QString("%1 vs %2").arg(resumed.final_eval_loss, 0, 'g', 9).arg(one.final_eval_loss, 0, 'g', 9)));
    }
};

QTEST_MAIN(TestGuiProcesses)
#include "test_gui_processes.moc"
