// The sqlite3 C API behind RAII (see sqlite_db.h), and the translation of SQLite result codes into
// sentences a person can act on.
#include "store/sqlite_db.h"

#include "dora/error.h"

#include <sqlite3.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include <unistd.h>

namespace dora::store {
namespace {

namespace fs = std::filesystem;

std::string read_only_message(const std::string& path, const std::string& why)
{
    return path + " is read-only: " + why + "; DoRA Studio needs to write to its run database";
}

// One sentence for result code `rc`, keyed on the primary code (the low byte) so every extended
// code (SQLITE_READONLY_DIRECTORY, SQLITE_BUSY_SNAPSHOT, ...) lands on the same explanation.
std::string describe(const std::string& path, int rc, const std::string& detail, const std::string& doing,
                     int busy_timeout_ms)
{
    switch (rc & 0xff) {
    case SQLITE_NOTADB:
        return path + " is not a DoRA Studio run database: it is not an SQLite file";
    case SQLITE_READONLY:
    case SQLITE_PERM:
        return read_only_message(path, "SQLite could not write to it (" + detail + ")");
    case SQLITE_BUSY:
    case SQLITE_LOCKED: {
        char waited[32];
        std::snprintf(waited, sizeof waited, "%.1f", busy_timeout_ms / 1000.0);
        return path + " is locked by another program (waited " + std::string(waited) + " s while " + doing +
               "); close the other program or choose another run database";
    }
    case SQLITE_CORRUPT:
        return path + " is damaged (" + detail + "); restore a backup or choose another run database";
    case SQLITE_FULL:
        return "the disk holding " + path + " is full (while " + doing + ")";
    case SQLITE_CANTOPEN:
        return path + " cannot be opened (" + detail + ")";
    case SQLITE_IOERR:
        return path + ": the disk reported an input/output error while " + doing + " (" + detail + ")";
    default:
        return path + ": " + doing + " failed: " + detail;
    }
}

struct StatementFinalizer {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

}  // namespace

void check_database_file(const std::string& path)
{
    std::error_code ec;
    fs::path folder = fs::path(path).parent_path();
    if (folder.empty()) folder = ".";
    if (!fs::exists(folder, ec)) {
        fs::create_directories(folder, ec);
        if (ec) throw Error("cannot create the folder " + folder.string() + " for " + path + ": " + ec.message());
    }
    const fs::file_status status = fs::status(path, ec);
    if (fs::is_directory(status)) throw Error(path + " is a folder, not a run database file");
    if (fs::exists(status)) {
        std::ifstream in(path, std::ios::binary);
        if (!in) throw Error(path + " cannot be read (" + std::strerror(errno) + ")");
        char header[16] = {};
        in.read(header, sizeof header);
        const std::streamsize got = in.gcount();
        // SQLite itself would answer SQLITE_NOTADB, but only after opening the file read-write;
        // checking first means a stranger's file is never handed to it.
        if (got > 0 && (got < 16 || std::memcmp(header, "SQLite format 3", 16) != 0))
            throw Error(path + " is not a DoRA Studio run database: it is not an SQLite file");
        if (access(path.c_str(), W_OK) != 0 && (errno == EACCES || errno == EROFS || errno == EPERM))
            throw Error(read_only_message(path, "the file cannot be written (" + std::string(std::strerror(errno)) + ")"));
    }
    // WAL mode keeps two files beside the database (-wal, -shm); without a writable folder, every
    // write would fail later with a less helpful SQLITE_CANTOPEN.
    if (access(folder.c_str(), W_OK | X_OK) != 0 && (errno == EACCES || errno == EROFS || errno == EPERM))
        throw Error(read_only_message(path, "its folder " + folder.string() + " cannot be written (" +
                                                std::strerror(errno) + ")"));
}

// ---- Query ----

Query::Query(Db& db, sqlite3_stmt* statement) : m_db(db), m_statement(statement)
{
    sqlite3_clear_bindings(m_statement);
}

Query::~Query()
{
    sqlite3_reset(m_statement);
}

Query& Query::bind(int index, int value)
{
    return bind(index, static_cast<long long>(value));
}

Query& Query::bind(int index, long long value)
{
    const int rc = sqlite3_bind_int64(m_statement, index, value);
    if (rc != SQLITE_OK) m_db.fail(rc, "binding a value");
    return *this;
}

Query& Query::bind(int index, double value)
{
    const int rc = std::isnan(value) ? sqlite3_bind_null(m_statement, index)
                                     : sqlite3_bind_double(m_statement, index, value);
    if (rc != SQLITE_OK) m_db.fail(rc, "binding a value");
    return *this;
}

Query& Query::bind(int index, const std::string& value)
{
    const int rc = sqlite3_bind_text(m_statement, index, value.data(), static_cast<int>(value.size()),
                                     SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) m_db.fail(rc, "binding a value");
    return *this;
}

bool Query::step()
{
    const int rc = sqlite3_step(m_statement);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    m_db.fail(rc, sqlite3_stmt_readonly(m_statement) ? "reading runs" : "saving runs");
}

void Query::run()
{
    while (step()) {
    }
}

bool Query::column_is_null(int index) const
{
    return sqlite3_column_type(m_statement, index) == SQLITE_NULL;
}

int Query::column_int(int index) const
{
    return sqlite3_column_int(m_statement, index);
}

long long Query::column_int64(int index) const
{
    return sqlite3_column_int64(m_statement, index);
}

double Query::column_double(int index) const
{
    return column_is_null(index) ? std::nan("") : sqlite3_column_double(m_statement, index);
}

std::string Query::column_text(int index) const
{
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(m_statement, index));
    return text ? std::string(text, static_cast<size_t>(sqlite3_column_bytes(m_statement, index))) : std::string();
}

// ---- Db ----

Db::Db(const std::string& path, int busy_timeout_ms) : m_path(path), m_busy_timeout_ms(busy_timeout_ms)
{
    // Debian's SQLite is built with SQLITE_USE_URI: a relative name starting with "file:" would be
    // read as a URI (with options such as ?mode=), so make it an ordinary path.
    const std::string name = path.rfind("file:", 0) == 0 ? "./" + path : path;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    const int rc = sqlite3_open_v2(name.c_str(), &m_db, flags, nullptr);
    std::string failure;
    if (rc != SQLITE_OK)
        failure = describe(m_path, rc, m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc), "opening it", 0);
    else if (sqlite3_db_readonly(m_db, "main") == 1)  // SQLite falls back to read-only quietly
        failure = read_only_message(m_path, "SQLite could only open it for reading");
    if (!failure.empty()) {
        sqlite3_close(m_db);
        m_db = nullptr;
        throw Error(failure);
    }
    sqlite3_busy_timeout(m_db, busy_timeout_ms);
}

Db::~Db()
{
    for (auto& entry : m_statements) sqlite3_finalize(entry.second);
    sqlite3_close(m_db);
}

void Db::fail(int rc, const std::string& doing) const
{
    throw Error(describe(m_path, rc, m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc), doing, m_busy_timeout_ms));
}

void Db::exec(const std::string& sql, const std::string& doing)
{
    const int rc = sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) fail(rc, doing);
}

void Db::rollback() noexcept
{
    if (!sqlite3_get_autocommit(m_db)) sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
}

Query Db::query(const std::string& sql)
{
    auto found = m_statements.find(sql);
    if (found == m_statements.end()) {
        sqlite3_stmt* statement = nullptr;
        const int rc = sqlite3_prepare_v3(m_db, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
        if (rc != SQLITE_OK) fail(rc, "preparing a query");
        found = m_statements.emplace(sql, statement).first;
    }
    return Query(*this, found->second);
}

long long Db::query_int(const std::string& sql, const std::string& doing)
{
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(m_db, sql.c_str(), -1, &raw, nullptr);
    std::unique_ptr<sqlite3_stmt, StatementFinalizer> statement(raw);
    if (rc != SQLITE_OK) fail(rc, doing);
    rc = sqlite3_step(raw);
    if (rc == SQLITE_ROW) return sqlite3_column_int64(raw, 0);
    if (rc == SQLITE_DONE) return 0;
    fail(rc, doing);
}

std::string Db::query_text(const std::string& sql, const std::string& doing)
{
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(m_db, sql.c_str(), -1, &raw, nullptr);
    std::unique_ptr<sqlite3_stmt, StatementFinalizer> statement(raw);
    if (rc != SQLITE_OK) fail(rc, doing);
    rc = sqlite3_step(raw);
    if (rc == SQLITE_DONE) return {};
    if (rc != SQLITE_ROW) fail(rc, doing);
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(raw, 0));
    return text ? text : "";
}

long long Db::last_insert_rowid() const
{
    return sqlite3_last_insert_rowid(m_db);
}

int Db::changes() const
{
    return sqlite3_changes(m_db);
}

// ---- Transaction ----

Transaction::Transaction(Db& db) : m_db(db)
{
    m_db.exec("BEGIN IMMEDIATE", "starting to write");
}

Transaction::~Transaction()
{
    if (!m_done) m_db.rollback();
}

void Transaction::commit()
{
    m_db.exec("COMMIT", "saving");
    m_done = true;
}

}  // namespace dora::store
