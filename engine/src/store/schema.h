// The run store's tables and how a database reaches the current schema. The schema version lives in
// SQLite's PRAGMA user_version; PRAGMA application_id marks the file as ours, so a stranger's SQLite
// database is refused instead of gaining our tables.
#pragma once

#include <string>

namespace dora::store {

class Db;

inline constexpr int kApplicationId = 0x444F5241;  // "DORA"

// What a database holds, read without writing anything.
struct SchemaState {
    int version = 0;          // PRAGMA user_version; 0 for a new, empty file
    int application_id = 0;
    bool has_tables = false;  // any table of its own (a new file has none)
};

SchemaState schema_inspect(Db& db);

// Throws dora::Error naming `path` when this build cannot use the database: a newer schema than it
// knows, or an SQLite database that belongs to another program.
void schema_check_usable(const SchemaState& state, const std::string& path);

// Runs the migrations from the stored version up to RunStore::kSchemaVersion in one transaction.
// Writes nothing when the database is already current.
void schema_migrate(Db& db);

}  // namespace dora::store
