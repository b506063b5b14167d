// The schema as an ordered list of migrations: kMigrations[n] takes a database from version n to
// n + 1. Adding version 2 = appending one entry here and raising RunStore::kSchemaVersion (the
// static_assert below keeps the two in step). A migration never edits an earlier entry: databases in
// the wild were made by it.
#include "store/schema.h"

#include "store/sqlite_db.h"

#include "dora/error.h"
#include "dora/run_store.h"

#include <iterator>

namespace dora::store {
namespace {

// Metric tables are WITHOUT ROWID: rows are stored clustered by their primary key (run, step), which
// is how every reader asks for them, so no separate index is needed. Everything a run owns goes with
// it (ON DELETE CASCADE). NULL in a REAL column means "not measured" (NaN in the API).
const char* const kMigrations[] = {
    // 0 -> 1: the first schema.
    R"sql(
    PRAGMA application_id = 1146049089;
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,  -- AUTOINCREMENT: a deleted run's id is never reused
        name TEXT NOT NULL,
        method TEXT NOT NULL,
        model TEXT NOT NULL,
        model_identity TEXT NOT NULL,
        data_identity TEXT NOT NULL,
        status TEXT NOT NULL,
        message TEXT NOT NULL DEFAULT '',
        notes TEXT NOT NULL DEFAULT '',
        config_json TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        total_steps INTEGER NOT NULL,
        steps_done INTEGER NOT NULL DEFAULT 0,
        first_eval_loss REAL,
        final_eval_loss REAL,
        trainable_parameters INTEGER NOT NULL,
        total_parameters INTEGER NOT NULL,
        owner_pid INTEGER NOT NULL,         -- the process training it, while `running`
        owner_start_time INTEGER NOT NULL   -- its start time (/proc/PID/stat field 22): pids get reused
    );
    CREATE INDEX runs_by_status ON runs(status);
    CREATE TABLE step_metrics (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        loss REAL,
        learning_rate REAL,
        grad_norm REAL,
        samples_per_second REAL,
        tokens_per_second REAL,
        seconds REAL,
        PRIMARY KEY (run_id, step)
    ) WITHOUT ROWID;
    CREATE TABLE eval_results (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        loss REAL,
        PRIMARY KEY (run_id, step)
    ) WITHOUT ROWID;
    CREATE TABLE layer_stats (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        layer_index INTEGER NOT NULL,       -- the order the trainer logged the layers in
        layer TEXT NOT NULL,
        delta_magnitude REAL,
        delta_direction REAL,
        PRIMARY KEY (run_id, step, layer_index)
    ) WITHOUT ROWID;
    CREATE TABLE checkpoints (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        path TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (run_id, step)
    ) WITHOUT ROWID;
    )sql",
    // 1 -> 2: the process's peak resident memory during the run, for comparing runs.
    R"sql(
    ALTER TABLE runs ADD COLUMN peak_memory_mb REAL;
    )sql",
};

static_assert(std::size(kMigrations) == RunStore::kSchemaVersion,
              "each schema version needs exactly one migration: append it to kMigrations");
static_assert(kApplicationId == 1146049089, "the literal in migration 1 must match kApplicationId");

}  // namespace

SchemaState schema_inspect(Db& db)
{
    SchemaState state;
    state.version = static_cast<int>(db.query_int("PRAGMA user_version", "reading the schema version"));
    state.application_id = static_cast<int>(db.query_int("PRAGMA application_id", "reading the schema version"));
    state.has_tables = db.query_int("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                                    "reading the schema") > 0;
    return state;
}

void schema_check_usable(const SchemaState& state, const std::string& path)
{
    const bool ours = state.application_id == kApplicationId;
    const bool blank = state.application_id == 0 && state.version == 0 && !state.has_tables;
    if (!ours && !blank)
        throw Error(path + " is an SQLite database of another program, not a DoRA Studio run database");
    if (state.version > RunStore::kSchemaVersion)
        throw Error(path + " was made by a newer DoRA Studio (schema " + std::to_string(state.version) +
                    "; this build knows up to " + std::to_string(RunStore::kSchemaVersion) +
                    "); update DoRA Studio to open it");
}

void schema_migrate(Db& db)
{
    if (schema_inspect(db).version == RunStore::kSchemaVersion) return;
    Transaction transaction(db);
    // Read again under the write lock: another process may have migrated while this one waited.
    const SchemaState state = schema_inspect(db);
    schema_check_usable(state, db.path());
    for (int version = state.version; version < RunStore::kSchemaVersion; ++version)
        db.exec(kMigrations[version], "upgrading the schema to version " + std::to_string(version + 1));
    db.exec("PRAGMA user_version = " + std::to_string(RunStore::kSchemaVersion), "recording the schema version");
    transaction.commit();
}

}  // namespace dora::store
