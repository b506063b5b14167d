#include "training/training_session.h"

#include "dora/distributed.h"
#include "dora/recorded_run.h"
#include "training/local_workers.h"

#include <algorithm>
#include <atomic>
#include <cmath>

namespace dora::ui {

struct SessionState {
    TrainingControl control;
    std::atomic<int> step_delay_ms{0};
    std::mutex mutex;
    MetricsChunk pending;
    std::vector<QString> messages;
    bool created = false;
    long long run_id = 0;
    int total_steps = 0, start_step = 0;
    QString description;
    bool done = false;
    RunSummary summary;
};

namespace {

// Runs on the worker thread: only appends under the mutex, so the trainer never waits on the GUI.
class Collector : public RecordedRunObserver {
public:
    explicit Collector(SessionState* shared) : m_shared(shared) {}
    void on_run_created(long long run_id, const Trainer& trainer) override
    {
        std::lock_guard<std::mutex> lock(m_shared->mutex);
        m_shared->created = true;
        m_shared->run_id = run_id;
        m_shared->total_steps = trainer.config().train.steps;
        m_shared->start_step = trainer.start_step();
        m_shared->description = QString::fromStdString(trainer.data_description());
    }
    void on_step(const StepMetrics& m) override
    {
        append([&](MetricsChunk& c) { c.steps.push_back(m); });
        // Slow motion for live demonstrations: wait on the training thread, a slice at a time so
        // that Stop still takes effect at once.
        for (int waited = 0; waited < m_shared->step_delay_ms && !m_shared->control.stop; waited += 5)
            QThread::msleep(5);
    }
    void on_eval(const EvalResult& e) override { append([&](MetricsChunk& c) { c.evals.push_back(e); }); }
    void on_layer_stats(const LayerStats& s) override { append([&](MetricsChunk& c) { c.layer_stats.push_back(s); }); }
    void on_message(const std::string& text) override
    {
        std::lock_guard<std::mutex> lock(m_shared->mutex);
        m_shared->messages.push_back(QString::fromStdString(text));
    }

private:
    template <typename F> void append(F f)
    {
        std::lock_guard<std::mutex> lock(m_shared->mutex);
        f(m_shared->pending);
    }
    SessionState* m_shared;
};

}  // namespace

TrainingSession::TrainingSession(QString database_path, QObject* parent)
    : QObject(parent), m_database(std::move(database_path))
{
    qRegisterMetaType<MetricsChunk>();
    m_delivery.setInterval(kDeliveryIntervalMs);
    connect(&m_delivery, &QTimer::timeout, this, &TrainingSession::deliver);
}

TrainingSession::~TrainingSession()
{
    if (m_thread) {
        m_shared->control.stop = true;
        m_thread->wait();
        delete m_thread;
    }
}

bool TrainingSession::isRunning() const { return m_thread && m_thread->isRunning(); }

void TrainingSession::setPaused(bool paused)
{
    if (m_shared)
        m_shared->control.pause = paused;
}

void TrainingSession::setStepDelay(int milliseconds)
{
    m_step_delay_ms = std::max(0, milliseconds);
    if (m_shared)
        m_shared->step_delay_ms = m_step_delay_ms;
}

void TrainingSession::stop()
{
    if (m_shared)
        m_shared->control.stop = true;
}

void TrainingSession::start(const RunConfig& config)
{
    const std::string db = m_database.toStdString();
    const int processes = m_processes;
    launch([db, config, processes](RecordedRunObserver& observer, TrainingControl& control) {
        if (processes <= 1)
            return train_recorded(db, config, observer, control);
        LocalWorkers workers;  // declared first: the workers outlive rank 0's session and end after it
        DistributedSession rank0(workers.start(processes));
        return rank0.train_new(db, config, observer, control);
    });
}

void TrainingSession::resume(long long run_id)
{
    const std::string db = m_database.toStdString();
    const int processes = m_processes;
    launch([db, run_id, processes](RecordedRunObserver& observer, TrainingControl& control) {
        if (processes <= 1)
            return resume_recorded(db, run_id, observer, control);
        LocalWorkers workers;
        DistributedSession rank0(workers.start(processes));
        return rank0.resume(db, run_id, observer, control);
    });
}

void TrainingSession::launch(Work work)
{
    if (isRunning())
        return;
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
    }
    m_shared = std::make_shared<SessionState>();
    m_shared->step_delay_ms = m_step_delay_ms;
    m_run_id = 0;
    std::shared_ptr<SessionState> shared = m_shared;
    m_thread = QThread::create([work = std::move(work), shared]() {
        Collector collector(shared.get());
        RecordedRun run;
        try {
            run = work(collector, shared->control);
        } catch (const std::exception& e) {  // a bad config or an unusable store: report, never crash
            run.summary.status = "failed";
            run.summary.message = e.what();
        }
        std::lock_guard<std::mutex> lock(shared->mutex);
        if (run.run_id != 0)
            shared->run_id = run.run_id;
        shared->summary = run.summary;
        shared->done = true;
    });
    m_thread->start();
    m_delivery.start();
}

void TrainingSession::deliver()
{
    MetricsChunk chunk;
    std::vector<QString> messages;
    bool created = false, done = false;
    int total = 0, start = 0;
    QString description;
    RunSummary summary;
    {
        std::lock_guard<std::mutex> lock(m_shared->mutex);
        std::swap(chunk, m_shared->pending);
        std::swap(messages, m_shared->messages);
        if (m_shared->created && m_run_id == 0) {
            created = true;
            m_run_id = m_shared->run_id;
            total = m_shared->total_steps;
            start = m_shared->start_step;
            description = m_shared->description;
        }
        done = m_shared->done;
        summary = m_shared->summary;
        if (done && m_run_id == 0)
            m_run_id = m_shared->run_id;
    }
    if (created)
        Q_EMIT runCreated(m_run_id, total, start, description);
    for (const QString& text : messages)
        Q_EMIT message(text);
    if (!chunk.empty())
        Q_EMIT metricsArrived(chunk);
    if (done) {
        m_delivery.stop();
        m_thread->wait();
        Q_EMIT finished(m_run_id, QString::fromStdString(summary.status), QString::fromStdString(summary.message),
                        summary.final_eval_loss);
    }
}

}  // namespace dora::ui
