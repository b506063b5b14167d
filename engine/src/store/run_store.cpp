// The run store over SQLite (see run_store.h): opening safely, the trainer's batched writes, the run
// summary kept in step with its metrics, and interrupted-run detection. SQL lives next to the code
// that uses it; each statement is prepared once per connection (Db::query caches it).
#include "dora/run_store.h"

#include "store/process_alive.h"
#include "store/schema.h"
#include "store/sqlite_db.h"
#include "testing/crash_points.h"

#include "dora/error.h"

#include <ctime>
#include <utility>
#include <vector>

namespace dora {
namespace {

using store::Db;
using store::Query;
using store::Transaction;

constexpr const char* kInterruptedMessage = "the process training it ended without finishing (killed or crashed)";

std::string now_iso()
{
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

// The columns of RunRecord, in the order read_run expects.
const std::string kRunColumns =
    "id, name, method, model, model_identity, data_identity, status, message, notes, config_json, created_at, "
    "updated_at, total_steps, steps_done, first_eval_loss, final_eval_loss, trainable_parameters, total_parameters, "
    "peak_memory_mb";

RunRecord read_run(const Query& q)
{
    RunRecord r;
    r.id = q.column_int64(0);
    r.name = q.column_text(1);
    r.method = q.column_text(2);
    r.model = q.column_text(3);
    r.model_identity = q.column_text(4);
    r.data_identity = q.column_text(5);
    r.status = q.column_text(6);
    r.message = q.column_text(7);
    r.notes = q.column_text(8);
    r.config_json = q.column_text(9);
    r.created_at = q.column_text(10);
    r.updated_at = q.column_text(11);
    r.total_steps = q.column_int(12);
    r.steps_done = q.column_int(13);
    r.first_eval_loss = q.column_double(14);
    r.final_eval_loss = q.column_double(15);
    r.trainable_parameters = q.column_int64(16);
    r.total_parameters = q.column_int64(17);
    r.peak_memory_mb = q.column_double(18);
    return r;
}

}  // namespace

struct RunStore::Impl {
    Impl(const std::string& path, int busy_timeout_ms) : db(path, busy_timeout_ms) {}

    Db db;
    const store::ProcessIdentity self = store::process_identity_self();

    [[noreturn]] void fail_no_run(long long run_id) const
    {
        throw Error(db.path() + " has no run " + std::to_string(run_id));
    }

    void require_run(long long run_id)
    {
        Query q = db.query("SELECT 1 FROM runs WHERE id = ?1");
        if (!q.bind(1, run_id).step()) fail_no_run(run_id);
    }

    // INSERT OR REPLACE: a trainer that replays steps after resuming overwrites them, never doubles them.
    void insert_batch(long long run_id, const MetricsBatch& batch)
    {
        for (const StepMetrics& m : batch.steps) {
            Query q = db.query(
                "INSERT OR REPLACE INTO step_metrics (run_id, step, loss, learning_rate, grad_norm, "
                "samples_per_second, tokens_per_second, seconds) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
            q.bind(1, run_id).bind(2, m.step).bind(3, m.loss).bind(4, m.learning_rate).bind(5, m.grad_norm);
            q.bind(6, m.samples_per_second).bind(7, m.tokens_per_second).bind(8, m.seconds).run();
        }
        for (const EvalResult& e : batch.evals) {
            Query q = db.query("INSERT OR REPLACE INTO eval_results (run_id, step, loss) VALUES (?1, ?2, ?3)");
            q.bind(1, run_id).bind(2, e.step).bind(3, e.loss).run();
        }
        for (const LayerStats& stats : batch.layer_stats) {
            // A replayed step may log fewer layers than before: clear the step, then write it whole.
            db.query("DELETE FROM layer_stats WHERE run_id = ?1 AND step = ?2").bind(1, run_id).bind(2, stats.step).run();
            for (size_t i = 0; i < stats.layers.size(); ++i) {
                const LayerStat& layer = stats.layers[i];
                Query q = db.query(
                    "INSERT INTO layer_stats (run_id, step, layer_index, layer, delta_magnitude, delta_direction) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
                q.bind(1, run_id).bind(2, stats.step).bind(3, static_cast<long long>(i)).bind(4, layer.layer);
                q.bind(5, layer.delta_magnitude).bind(6, layer.delta_direction).run();
            }
        }
    }

    // The run's summary columns follow from its rows; recomputed (a few primary-key lookups) on
    // every write so they can never drift from the metrics.
    void refresh_summary(long long run_id)
    {
        Query q = db.query(
            "UPDATE runs SET "
            "steps_done = COALESCE((SELECT MAX(step) FROM step_metrics WHERE run_id = ?1), 0), "
            "first_eval_loss = (SELECT loss FROM eval_results WHERE run_id = ?1 AND step = 0), "
            "final_eval_loss = (SELECT loss FROM eval_results WHERE run_id = ?1 ORDER BY step DESC LIMIT 1), "
            "updated_at = ?2 WHERE id = ?1");
        q.bind(1, run_id).bind(2, now_iso()).run();
    }

    // One-column edits of a run (name, notes, status): fails for a run that does not exist.
    void update_run(long long run_id, const std::string& sql, const std::string& value)
    {
        db.query(sql).bind(1, run_id).bind(2, value).bind(3, now_iso()).run();
        if (db.changes() == 0) fail_no_run(run_id);
    }

    // Runs left `running` by a process that no longer exists will never finish: say so. Writes (and
    // takes the write lock) only when there is such a run, so opening a healthy store changes nothing.
    void mark_interrupted_runs()
    {
        std::vector<std::pair<long long, store::ProcessIdentity>> orphans;
        {
            Query q = db.query("SELECT id, owner_pid, owner_start_time FROM runs WHERE status = 'running'");
            while (q.step()) {
                const store::ProcessIdentity owner{q.column_int64(1), q.column_int64(2)};
                if (!store::process_is_alive(owner)) orphans.emplace_back(q.column_int64(0), owner);
            }
        }
        if (orphans.empty()) return;
        Transaction transaction(db);
        for (const auto& [run_id, owner] : orphans) {
            // Same owner required: another process may have resumed the run since the read above.
            Query q = db.query(
                "UPDATE runs SET status = 'interrupted', message = ?2, updated_at = ?3 "
                "WHERE id = ?1 AND status = 'running' AND owner_pid = ?4 AND owner_start_time = ?5");
            q.bind(1, run_id).bind(2, std::string(kInterruptedMessage)).bind(3, now_iso());
            q.bind(4, owner.pid).bind(5, owner.start_time).run();
        }
        transaction.commit();
    }
};

RunStore::RunStore(const std::string& path, int busy_timeout_ms)
{
    // Every check that can refuse the file runs before anything is written to it.
    store::check_database_file(path);
    m_impl = std::make_unique<Impl>(path, busy_timeout_ms);
    Db& db = m_impl->db;
    store::schema_check_usable(store::schema_inspect(db), path);
    db.exec("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL", "configuring the connection");
    // WAL: the GUI reads while the trainer writes. Switching rewrites the file header, so only when
    // the file is not in WAL mode yet. Where WAL is impossible, SQLite keeps its old mode and the store
    // still works (readers then wait for writers).
    if (db.query_text("PRAGMA journal_mode", "reading the journal mode") != "wal")
        db.query_text("PRAGMA journal_mode = WAL", "switching to WAL mode");
    store::schema_migrate(db);
    m_impl->mark_interrupted_runs();
}

RunStore::~RunStore() = default;

const std::string& RunStore::path() const
{
    return m_impl->db.path();
}

int RunStore::schema_version() const
{
    return static_cast<int>(m_impl->db.query_int("PRAGMA user_version", "reading the schema version"));
}

long long RunStore::create_run(const NewRun& run)
{
    const std::string now = now_iso();
    Query q = m_impl->db.query(
        "INSERT INTO runs (name, method, model, model_identity, data_identity, status, config_json, created_at, "
        "updated_at, total_steps, trainable_parameters, total_parameters, owner_pid, owner_start_time) "
        "VALUES (?1, ?2, ?3, ?4, ?5, 'running', ?6, ?7, ?7, ?8, ?9, ?10, ?11, ?12)");
    q.bind(1, run.name).bind(2, run.method).bind(3, run.model).bind(4, run.model_identity);
    q.bind(5, run.data_identity).bind(6, run.config_json).bind(7, now).bind(8, run.total_steps);
    q.bind(9, run.trainable_parameters).bind(10, run.total_parameters);
    q.bind(11, m_impl->self.pid).bind(12, m_impl->self.start_time).run();
    return m_impl->db.last_insert_rowid();
}

void RunStore::write_metrics(long long run_id, const MetricsBatch& batch)
{
    if (batch.empty()) return;
    Transaction transaction(m_impl->db);
    m_impl->require_run(run_id);
    m_impl->insert_batch(run_id, batch);
    m_impl->refresh_summary(run_id);
    testing::crash_point("metrics-commit");
    transaction.commit();
}

void RunStore::write_checkpoint(long long run_id, const CheckpointRecord& checkpoint, const MetricsBatch& pending)
{
    Transaction transaction(m_impl->db);
    m_impl->require_run(run_id);
    m_impl->insert_batch(run_id, pending);
    Query q = m_impl->db.query(
        "INSERT OR REPLACE INTO checkpoints (run_id, step, path, created_at) VALUES (?1, ?2, ?3, ?4)");
    q.bind(1, run_id).bind(2, checkpoint.step).bind(3, checkpoint.path);
    q.bind(4, checkpoint.created_at.empty() ? now_iso() : checkpoint.created_at).run();
    m_impl->refresh_summary(run_id);
    testing::crash_point("metrics-commit");
    transaction.commit();
}

void RunStore::finish_run(long long run_id, const std::string& status, const std::string& message)
{
    // `running` is not an end: a run becomes running again only through resume_run, which takes ownership.
    if (status != "finished" && status != "failed" && status != "stopped" && status != "interrupted")
        throw Error("'" + status + "' is not a status a run can finish with (finished, failed, stopped, interrupted)");
    m_impl->db.query("UPDATE runs SET status = ?2, message = ?3, updated_at = ?4 WHERE id = ?1")
        .bind(1, run_id).bind(2, status).bind(3, message).bind(4, now_iso()).run();
    if (m_impl->db.changes() == 0) m_impl->fail_no_run(run_id);
}

void RunStore::record_peak_memory(long long run_id, double megabytes)
{
    m_impl->db.query("UPDATE runs SET peak_memory_mb = max(coalesce(peak_memory_mb, 0), ?2) WHERE id = ?1")
        .bind(1, run_id).bind(2, megabytes).run();
    if (m_impl->db.changes() == 0) m_impl->fail_no_run(run_id);
}

void RunStore::resume_run(long long run_id, int step)
{
    Db& db = m_impl->db;
    Transaction transaction(db);
    m_impl->require_run(run_id);
    for (const char* sql : {"DELETE FROM step_metrics WHERE run_id = ?1 AND step > ?2",
                            "DELETE FROM eval_results WHERE run_id = ?1 AND step > ?2",
                            "DELETE FROM layer_stats WHERE run_id = ?1 AND step > ?2"})
        db.query(sql).bind(1, run_id).bind(2, step).run();
    Query q = db.query(
        "UPDATE runs SET status = 'running', message = '', owner_pid = ?2, owner_start_time = ?3 WHERE id = ?1");
    q.bind(1, run_id).bind(2, m_impl->self.pid).bind(3, m_impl->self.start_time).run();
    m_impl->refresh_summary(run_id);
    transaction.commit();
}

std::vector<RunRecord> RunStore::list_runs() const
{
    std::vector<RunRecord> runs;
    Query q = m_impl->db.query("SELECT " + kRunColumns + " FROM runs ORDER BY created_at DESC, id DESC");
    while (q.step()) runs.push_back(read_run(q));
    return runs;
}

std::optional<RunRecord> RunStore::find_run(long long run_id) const
{
    Query q = m_impl->db.query("SELECT " + kRunColumns + " FROM runs WHERE id = ?1");
    if (!q.bind(1, run_id).step()) return std::nullopt;
    return read_run(q);
}

std::vector<StepMetrics> RunStore::step_metrics(long long run_id) const
{
    std::vector<StepMetrics> rows;
    Query q = m_impl->db.query(
        "SELECT step, loss, learning_rate, grad_norm, samples_per_second, tokens_per_second, seconds "
        "FROM step_metrics WHERE run_id = ?1 ORDER BY step");
    q.bind(1, run_id);
    while (q.step()) {
        StepMetrics m;
        m.step = q.column_int(0);
        m.loss = q.column_double(1);
        m.learning_rate = q.column_double(2);
        m.grad_norm = q.column_double(3);
        m.samples_per_second = q.column_double(4);
        m.tokens_per_second = q.column_double(5);
        m.seconds = q.column_double(6);
        rows.push_back(m);
    }
    return rows;
}

std::vector<EvalResult> RunStore::eval_results(long long run_id) const
{
    std::vector<EvalResult> rows;
    Query q = m_impl->db.query("SELECT step, loss FROM eval_results WHERE run_id = ?1 ORDER BY step");
    q.bind(1, run_id);
    while (q.step()) rows.push_back(EvalResult{q.column_int(0), q.column_double(1)});
    return rows;
}

std::vector<LayerStats> RunStore::layer_stats(long long run_id) const
{
    std::vector<LayerStats> rows;
    Query q = m_impl->db.query(
        "SELECT step, layer, delta_magnitude, delta_direction FROM layer_stats WHERE run_id = ?1 "
        "ORDER BY step, layer_index");
    q.bind(1, run_id);
    while (q.step()) {
        const int step = q.column_int(0);
        if (rows.empty() || rows.back().step != step) rows.push_back(LayerStats{step, {}});
        rows.back().layers.push_back(LayerStat{q.column_text(1), q.column_double(2), q.column_double(3)});
    }
    return rows;
}

std::vector<CheckpointRecord> RunStore::checkpoints(long long run_id) const
{
    std::vector<CheckpointRecord> rows;
    Query q = m_impl->db.query("SELECT step, path, created_at FROM checkpoints WHERE run_id = ?1 ORDER BY step");
    q.bind(1, run_id);
    while (q.step()) rows.push_back(CheckpointRecord{run_id, q.column_int(0), q.column_text(1), q.column_text(2)});
    return rows;
}

void RunStore::forget_checkpoint(long long run_id, int step)
{
    Transaction transaction(m_impl->db);
    m_impl->db.query("DELETE FROM checkpoints WHERE run_id = ?1 AND step = ?2").bind(1, run_id).bind(2, step).run();
    if (m_impl->db.changes() > 0) m_impl->refresh_summary(run_id);
    transaction.commit();
}

void RunStore::rename_run(long long run_id, const std::string& name)
{
    m_impl->update_run(run_id, "UPDATE runs SET name = ?2, updated_at = ?3 WHERE id = ?1", name);
}

void RunStore::set_notes(long long run_id, const std::string& notes)
{
    m_impl->update_run(run_id, "UPDATE runs SET notes = ?2, updated_at = ?3 WHERE id = ?1", notes);
}

std::vector<std::string> RunStore::delete_run(long long run_id)
{
    Db& db = m_impl->db;
    Transaction transaction(db);
    std::vector<std::string> paths;
    {
        Query q = db.query("SELECT path FROM checkpoints WHERE run_id = ?1 ORDER BY step");
        q.bind(1, run_id);
        while (q.step()) paths.push_back(q.column_text(0));
    }
    db.query("DELETE FROM runs WHERE id = ?1").bind(1, run_id).run();  // the rest goes by ON DELETE CASCADE
    if (db.changes() == 0) m_impl->fail_no_run(run_id);
    transaction.commit();
    return paths;
}

}  // namespace dora
