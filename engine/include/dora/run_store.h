// The run store: every run, its metrics and its checkpoints in one SQLite database (WAL mode), so runs
// outlive the process that made them. A RunStore must be used from one thread only: each thread that
// needs the store opens its own (it holds one SQLite connection, opened without SQLite's own mutex,
// and its cached statements); WAL lets the GUI read while a trainer writes. Torch-free.
#pragma once

#include "dora/training.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dora {

struct RunRecord {
    long long id = 0;
    std::string name;
    std::string method;           // lora | dora | full
    std::string model;            // built-in name or folder path, for people
    std::string model_identity;   // "builtin:demo-gpt" or "<path>#config.json:sha256:<hex>#<weight file>:sha256:<hex>..."
    std::string data_identity;    // likewise for the data
    std::string status;           // running | finished | failed | stopped | interrupted
    std::string message;          // why it failed / stopped / was interrupted
    std::string notes;            // free text from the user
    std::string config_json;      // the full run config (run_config_to_json)
    std::string created_at;       // ISO 8601 UTC, e.g. 2026-11-29T14:55:24Z
    std::string updated_at;
    int total_steps = 0;
    int steps_done = 0;           // highest step with stored metrics
    double first_eval_loss = 0;   // NaN when not measured yet
    double final_eval_loss = 0;   // NaN when not measured yet
    long long trainable_parameters = 0;
    long long total_parameters = 0;
    double peak_memory_mb = 0;    // peak resident memory of the training process; NaN when not measured
};

struct CheckpointRecord {
    long long run_id = 0;
    int step = 0;
    std::string path;             // a file the trainer wrote atomically
    std::string created_at;
};

// What a trainer produced since the last write; written in one transaction.
struct MetricsBatch {
    std::vector<StepMetrics> steps;
    std::vector<EvalResult> evals;
    std::vector<LayerStats> layer_stats;
    bool empty() const { return steps.empty() && evals.empty() && layer_stats.empty(); }
};

struct NewRun {
    std::string name, method, model, model_identity, data_identity, config_json;
    int total_steps = 0;
    long long trainable_parameters = 0, total_parameters = 0;
};

class RunStore {
public:
    static constexpr int kSchemaVersion = 2;
    static constexpr int kDefaultBusyTimeoutMs = 5000;

    // Opens or creates the database (and its folder), migrates an older schema, and marks runs left
    // `running` by a process that no longer exists as `interrupted`. Throws dora::Error with one clear
    // sentence naming the file for: not a database, a newer schema than this build knows, read-only
    // file or folder (refused on open: every user of the store writes, and WAL needs its side files),
    // locked by another program for more than the busy timeout.
    // A database that cannot be used is never modified. `busy_timeout_ms`: how long to wait for
    // another program's lock before saying the file is locked (tests shorten it).
    explicit RunStore(const std::string& path, int busy_timeout_ms = kDefaultBusyTimeoutMs);
    ~RunStore();
    RunStore(const RunStore&) = delete;
    RunStore& operator=(const RunStore&) = delete;

    const std::string& path() const;
    int schema_version() const;

    // Writes to a run id the store does not hold throw dora::Error ("runs.db has no run 12"), as do
    // SQLite failures (disk full, locked for longer than the busy timeout); a failed write leaves nothing
    // half-written.

    // A new run, status `running`, owned by this process. Returns its id.
    long long create_run(const NewRun& run);
    void write_metrics(long long run_id, const MetricsBatch& batch);
    // Records a checkpoint together with the metrics logged up to it, in one transaction, so a
    // checkpoint never exists in the store without the metrics before it.
    void write_checkpoint(long long run_id, const CheckpointRecord& checkpoint, const MetricsBatch& pending);
    void finish_run(long long run_id, const std::string& status, const std::string& message);
    // Raises the run's recorded peak memory to `megabytes` if that is higher (a resumed run keeps the
    // larger of its processes' peaks).
    void record_peak_memory(long long run_id, double megabytes);
    // Resuming: the run becomes `running` under this process; metrics, evaluations and layer
    // statistics after `step` are deleted (they were logged after the checkpoint resumed from).
    void resume_run(long long run_id, int step);

    std::vector<RunRecord> list_runs() const;          // newest first
    std::optional<RunRecord> find_run(long long run_id) const;
    std::vector<StepMetrics> step_metrics(long long run_id) const;   // by step
    std::vector<EvalResult> eval_results(long long run_id) const;    // by step
    std::vector<LayerStats> layer_stats(long long run_id) const;     // by step, layers in logged order
    std::vector<CheckpointRecord> checkpoints(long long run_id) const;  // by step
    void forget_checkpoint(long long run_id, int step);  // the row only; the caller deletes the file

    void rename_run(long long run_id, const std::string& name);
    void set_notes(long long run_id, const std::string& notes);
    // Deletes the run and everything stored for it; returns its checkpoint paths for the caller to delete.
    std::vector<std::string> delete_run(long long run_id);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace dora
