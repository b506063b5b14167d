// A small RAII layer over the sqlite3 C API for the run store: a connection that caches its prepared
// statements, a query handle that resets its statement when it goes out of scope, and a transaction
// that rolls back unless committed. Every SQLite failure becomes a dora::Error with one sentence that
// names the file ("runs.db is locked by another program ..."), never a bare result code.
#pragma once

#include <string>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace dora::store {

// Before SQLite opens `path`: creates its folder, and refuses a file that is not an SQLite database
// (by its 16-byte header, so a text file is never handed to SQLite) or that cannot be written (a
// read-only file, or a read-only folder where WAL mode could not create its -wal and -shm files).
// A missing or empty file is fine: it becomes a new database.
void check_database_file(const std::string& path);

class Db;

// One use of a cached prepared statement: bind, step, read columns. The destructor resets the
// statement, so it never keeps a read snapshot open after the caller is done with it.
class Query {
public:
    Query(Db& db, sqlite3_stmt* statement);
    ~Query();
    Query(const Query&) = delete;
    Query& operator=(const Query&) = delete;

    // Parameters are 1-based, as in SQL (?1, ?2, ...). A NaN double is stored as NULL.
    Query& bind(int index, int value);
    Query& bind(int index, long long value);
    Query& bind(int index, double value);
    Query& bind(int index, const std::string& value);

    bool step();  // true when a row is ready, false when the statement is done
    void run();   // steps to the end, for statements that return no rows

    bool column_is_null(int index) const;  // columns are 0-based, as in the C API
    int column_int(int index) const;
    long long column_int64(int index) const;
    double column_double(int index) const;  // NULL reads back as NaN
    std::string column_text(int index) const;

private:
    Db& m_db;
    sqlite3_stmt* m_statement;
};

class Db {
public:
    // Opens (or creates) the database read-write. Refuses a connection that SQLite could only open
    // read-only. `busy_timeout_ms`: how long a statement waits for another connection's lock.
    Db(const std::string& path, int busy_timeout_ms);
    ~Db();
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    const std::string& path() const { return m_path; }

    // Runs one or more statements that return nothing (DDL, PRAGMA settings, BEGIN/COMMIT).
    void exec(const std::string& sql, const std::string& doing);
    // A cached prepared statement, ready to bind: preparing once per connection keeps the trainer's
    // frequent small writes cheap.
    Query query(const std::string& sql);
    // The first column of the first row of `sql`, for PRAGMA reads such as user_version.
    long long query_int(const std::string& sql, const std::string& doing);
    std::string query_text(const std::string& sql, const std::string& doing);

    // Rolls back the open transaction, if any; for destructors, so it never throws.
    void rollback() noexcept;

    long long last_insert_rowid() const;
    int changes() const;  // rows changed by the last INSERT/UPDATE/DELETE

    // Throws the dora::Error for SQLite result code `rc`; `doing` says what was being attempted
    // ("reading the schema version") for the messages that need it.
    [[noreturn]] void fail(int rc, const std::string& doing) const;

private:
    std::string m_path;
    int m_busy_timeout_ms = 0;
    sqlite3* m_db = nullptr;
    std::unordered_map<std::string, sqlite3_stmt*> m_statements;
};

// BEGIN IMMEDIATE takes the write lock at the start, so a database another program is writing fails
// here (after the busy timeout) instead of halfway through; rolls back unless commit() was reached,
// so an exception never leaves half a batch in the store.
class Transaction {
public:
    explicit Transaction(Db& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

private:
    Db& m_db;
    bool m_done = false;
};

}  // namespace dora::store
