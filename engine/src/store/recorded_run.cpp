// Training with the run store: the observer that batches metrics into the database, and the
// create / resume entry points.
#include "dora/recorded_run.h"

#include "dora/error.h"
#include "dora/run_store.h"
#include "store/peak_memory.h"
#include "store/run_identity.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>

namespace dora {
namespace {

using Clock = std::chrono::steady_clock;

// Keeps the newest checkpoints only: each holds the adapter and its optimizer moments, and two are
// enough to survive one damaged file.
constexpr size_t kCheckpointsKept = 2;
// One transaction at most this often: SQLite commits cost a few milliseconds; steps can take less.
constexpr double kFlushSeconds = 0.5;

// Forwards to the caller's observer and writes to the store in batches.
class StoreWriter : public TrainingObserver {
public:
    StoreWriter(RunStore& store, long long run_id, TrainingObserver& forward)
        : m_store(store), m_run(run_id), m_forward(forward), m_last_flush(Clock::now())
    {
    }

    void on_step(const StepMetrics& m) override
    {
        m_pending.steps.push_back(m);
        m_forward.on_step(m);
        if (std::chrono::duration<double>(Clock::now() - m_last_flush).count() >= kFlushSeconds)
            flush();
    }
    void on_eval(const EvalResult& e) override
    {
        m_pending.evals.push_back(e);
        m_forward.on_eval(e);
    }
    void on_layer_stats(const LayerStats& s) override
    {
        m_pending.layer_stats.push_back(s);
        m_forward.on_layer_stats(s);
    }
    void on_message(const std::string& message) override { m_forward.on_message(message); }

    void on_checkpoint(const CheckpointInfo& info) override
    {
        const auto started = Clock::now();
        m_store.write_checkpoint(m_run, {m_run, info.step, info.path, ""}, m_pending);
        m_pending = {};
        m_store.record_peak_memory(m_run, store::peak_memory_mb());
        prune_checkpoints();
        m_last_flush = Clock::now();
        m_seconds += std::chrono::duration<double>(m_last_flush - started).count();
        m_forward.on_checkpoint(info);
    }

    void flush()
    {
        const auto started = Clock::now();
        if (!m_pending.empty())
            m_store.write_metrics(m_run, m_pending);
        m_pending = {};
        m_last_flush = Clock::now();
        m_seconds += std::chrono::duration<double>(m_last_flush - started).count();
    }

    double seconds() const { return m_seconds; }

private:
    void prune_checkpoints()
    {
        const std::vector<CheckpointRecord> all = m_store.checkpoints(m_run);
        for (size_t i = 0; i + kCheckpointsKept < all.size(); ++i) {
            m_store.forget_checkpoint(m_run, all[i].step);
            std::error_code ignored;  // a file already gone is what we wanted
            std::filesystem::remove(all[i].path, ignored);
        }
    }

    RunStore& m_store;
    long long m_run;
    TrainingObserver& m_forward;
    MetricsBatch m_pending;
    Clock::time_point m_last_flush;
    double m_seconds = 0;
};

RecordedRun run_with_store(RunStore& store, long long run_id, Trainer& trainer, RecordedRunObserver& observer,
                           TrainingControl& control)
{
    observer.on_run_created(run_id, trainer);
    store::reset_peak_memory();  // the model is loaded: from here on the peak is this run's training
    StoreWriter writer(store, run_id, observer);
    RecordedRun result;
    result.run_id = run_id;
    try {
        result.summary = trainer.train(writer, control);
        writer.flush();
        result.store_seconds = writer.seconds();
    } catch (const std::exception& e) {  // a store write failed (disk full, ...): keep what we can
        result.summary.status = "failed";
        result.summary.message = std::string("could not record the run: ") + e.what();
    }
    try {
        store.record_peak_memory(run_id, store::peak_memory_mb());
        store.finish_run(run_id, result.summary.status, result.summary.message);
    } catch (const std::exception& e) {
        if (result.summary.message.empty())
            result.summary.message = e.what();
    }
    if (auto record = store.find_run(run_id)) {
        result.summary.first_eval_loss = record->first_eval_loss;
        result.summary.steps = record->steps_done;
    }
    return result;
}

}  // namespace

std::string checkpoint_dir_for(const std::string& db_path, long long run_id)
{
    const std::filesystem::path folder = std::filesystem::absolute(db_path).parent_path();
    return (folder / "checkpoints" / ("run-" + std::to_string(run_id))).string();
}

RecordedRun train_recorded(const std::string& db_path, const RunConfig& config, RecordedRunObserver& observer,
                           TrainingControl& control)
{
    Trainer trainer(config);  // a bad config fails here, before the store is touched
    RunStore store(db_path);
    NewRun run;
    run.name = config.name;
    run.method = config.adapter.method;
    run.model = config.model.builtin.empty() ? config.model.path : config.model.builtin;
    run.model_identity = store::identity_of(config.model);
    run.data_identity = store::identity_of(config.data);
    run.config_json = run_config_to_json(config);
    run.total_steps = config.train.steps;
    run.trainable_parameters = trainer.trainable_parameters();
    run.total_parameters = trainer.total_parameters();
    const long long id = store.create_run(run);
    trainer.set_checkpoint_dir(checkpoint_dir_for(db_path, id));
    return run_with_store(store, id, trainer, observer, control);
}

RecordedRun resume_recorded(const std::string& db_path, long long run_id, RecordedRunObserver& observer,
                            TrainingControl& control)
{
    RunStore store(db_path);
    const std::optional<RunRecord> record = store.find_run(run_id);
    if (!record)
        throw Error(db_path + ": there is no run " + std::to_string(run_id));
    // A failed run resumes too: a full disk fails a checkpoint write but leaves the previous checkpoint
    // intact, and once space is freed the run continues from it.
    if (record->status != "interrupted" && record->status != "stopped" && record->status != "failed")
        throw Error("run " + std::to_string(run_id) + " is " + record->status +
                    "; only an interrupted, stopped or failed run can be resumed");
    const RunConfig config = run_config_from_json(record->config_json, "run " + std::to_string(run_id) + " config");
    auto trainer = std::make_unique<Trainer>(config);

    // Newest first; a checkpoint that does not load (damaged, deleted) falls back to the one before.
    const std::vector<CheckpointRecord> checkpoints = store.checkpoints(run_id);
    for (auto it = checkpoints.rbegin(); it != checkpoints.rend(); ++it) {
        try {
            trainer->resume_from_checkpoint(it->path);
            break;
        } catch (const Error& e) {
            observer.on_message(std::string("skipping checkpoint: ") + e.what());
            trainer = std::make_unique<Trainer>(config);  // discard a partial load
        }
    }
    trainer->set_checkpoint_dir(checkpoint_dir_for(db_path, run_id));
    store.resume_run(run_id, trainer->start_step());
    return run_with_store(store, run_id, *trainer, observer, control);
}

}  // namespace dora
