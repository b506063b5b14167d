// One training run driven from the GUI: the engine's train_recorded/resume_recorded on a worker
// thread, with stop and pause as atomics the trainer polls every step (a queued stop() slot would
// never run while the worker is busy), and metrics handed to the GUI thread in batches at most 20
// times a second, never one signal per step. Exceptions never cross the thread: a failure arrives
// as finished() with status "failed" and the message.
#pragma once

#include "dora/run_config.h"
#include "dora/training.h"

#include <QObject>
#include <QString>
#include <QThread>
#include <QTimer>

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace dora {
class RecordedRunObserver;
struct RecordedRun;
}

namespace dora::ui {

struct SessionState;  // what the worker thread writes and the GUI thread drains, under a mutex

struct MetricsChunk {
    std::vector<StepMetrics> steps;
    std::vector<EvalResult> evals;
    std::vector<LayerStats> layer_stats;
    bool empty() const { return steps.empty() && evals.empty() && layer_stats.empty(); }
};

class TrainingSession : public QObject {
    Q_OBJECT
public:
    explicit TrainingSession(QString database_path, QObject* parent = nullptr);
    ~TrainingSession() override;  // stops a run still going and waits for it: the run stays in the store

    // Runs to come use this many processes of this machine (data parallel; 1 by default).
    void setProcesses(int count) { m_processes = count; }
    void start(const RunConfig& config);
    void resume(long long run_id);
    void setPaused(bool paused);
    // Slow motion for teaching: each step is followed by a pause of this length, so a run that takes
    // a second can be watched. Reported times (and time per step) include the pauses.
    void setStepDelay(int milliseconds);
    int stepDelay() const { return m_step_delay_ms; }
    void stop();
    bool isRunning() const;
    long long runId() const { return m_run_id; }

    static constexpr int kDeliveryIntervalMs = 50;  // 20 deliveries a second at most

Q_SIGNALS:
    void runCreated(qint64 run_id, int total_steps, int start_step, const QString& description);
    void metricsArrived(const dora::ui::MetricsChunk& chunk);
    void message(const QString& text);
    void finished(qint64 run_id, const QString& status, const QString& message, double final_eval_loss);

private:
    using Work = std::function<RecordedRun(RecordedRunObserver&, TrainingControl&)>;
    void launch(Work work);
    void deliver();

    QString m_database;
    std::shared_ptr<SessionState> m_shared;
    QThread* m_thread = nullptr;
    QTimer m_delivery;
    long long m_run_id = 0;
    int m_step_delay_ms = 0;
    int m_processes = 1;
};

}  // namespace dora::ui

Q_DECLARE_METATYPE(dora::ui::MetricsChunk)
