// The GUI's training session: a run on the worker thread reaches the GUI in batches (never more than
// 20 deliveries a second), every step exactly once, and ends recorded in the store; stop ends it as
// `stopped` and resume finishes it; a bad config arrives as a failure, not a crash.
#include <QtTest/QtTest>

#include <QSignalSpy>
#include <QTemporaryDir>

#include "dora/run_store.h"
#include "training/training_session.h"

#include <set>

using dora::ui::MetricsChunk;
using dora::ui::TrainingSession;

namespace {

dora::RunConfig quick_config(int steps)
{
    dora::RunConfig c;
    c.model.builtin = c.data.builtin = "demo-gpt";
    c.adapter.targets = {".*c_attn"};
    c.data.seq_len = 32;
    c.train.steps = steps;
    c.train.batch_size = 8;
    c.train.threads = 1;
    c.train.eval_every = 20;
    return c;
}

}  // namespace

class TestTrainingSession : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void runDeliversBatchedMetricsAndIsStored()
    {
        QTemporaryDir dir;
        TrainingSession session(dir.filePath("runs.sqlite"));
        QSignalSpy created(&session, &TrainingSession::runCreated);
        QSignalSpy finished(&session, &TrainingSession::finished);
        std::vector<int> steps;
        int deliveries = 0, evals = 0;
        connect(&session, &TrainingSession::metricsArrived, this, [&](const MetricsChunk& chunk) {
            ++deliveries;
            for (const auto& m : chunk.steps)
                steps.push_back(m.step);
            evals += int(chunk.evals.size());
        });
        QElapsedTimer clock;
        clock.start();
        session.start(quick_config(60));
        QVERIFY(session.isRunning());
        QVERIFY(finished.wait(60000));
        const double seconds = clock.elapsed() / 1000.0;

        QCOMPARE(created.count(), 1);
        QCOMPARE(finished.first().at(1).toString(), QString("finished"));
        QCOMPARE(int(steps.size()), 60);
        for (int i = 0; i < 60; ++i)
            QCOMPARE(steps[i], i + 1);  // each step once, in order
        QCOMPARE(evals, 4);             // steps 0, 20, 40, 60
        QVERIFY2(deliveries <= seconds * 20 + 2, qPrintable(QString("%1 deliveries in %2 s").arg(deliveries).arg(seconds)));
        QVERIFY(deliveries < 60);  // batched, not one per step

        const dora::RunStore store(dir.filePath("runs.sqlite").toStdString());
        const auto run = store.find_run(session.runId());
        QVERIFY(run.has_value());
        QCOMPARE(run->status, std::string("finished"));
        QCOMPARE(run->steps_done, 60);
    }

    void stopThenResume()
    {
        QTemporaryDir dir;
        TrainingSession session(dir.filePath("runs.sqlite"));
        QSignalSpy finished(&session, &TrainingSession::finished);
        connect(&session, &TrainingSession::metricsArrived, this, [&](const MetricsChunk& chunk) {
            if (!chunk.steps.empty() && chunk.steps.back().step >= 5)
                session.stop();
        });
        session.start(quick_config(400));
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().at(1).toString(), QString("stopped"));
        const qint64 id = finished.first().at(0).toLongLong();

        disconnect(&session, &TrainingSession::metricsArrived, this, nullptr);
        session.resume(id);
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.last().at(1).toString(), QString("finished"));
        const dora::RunStore store(dir.filePath("runs.sqlite").toStdString());
        QCOMPARE(store.find_run(id)->steps_done, 400);
        QCOMPARE(int(store.step_metrics(id).size()), 400);
    }

    void badConfigArrivesAsFailure()
    {
        QTemporaryDir dir;
        TrainingSession session(dir.filePath("runs.sqlite"));
        QSignalSpy finished(&session, &TrainingSession::finished);
        dora::RunConfig c = quick_config(10);
        c.adapter.targets = {"nothing"};
        session.start(c);
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.first().at(1).toString(), QString("failed"));
        QVERIFY(finished.first().at(2).toString().contains("match"));
    }
};

QTEST_MAIN(TestTrainingSession)
#include "test_training_session.moc"
