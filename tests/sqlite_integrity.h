// SQLite's own verdict on a database file, read through a connection of its own (as another program
// would), for the tests that kill or starve the trainer.
#pragma once

#include <QString>

#include <sqlite3.h>

namespace dora::testing {

// "ok" for a sound database; otherwise SQLite's first complaint, or "cannot open".
inline QString integrity(const QString& db)
{
    sqlite3* handle = nullptr;
    QString answer = "cannot open";
    if (sqlite3_open_v2(db.toUtf8().constData(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(handle, "PRAGMA integrity_check", -1, &statement, nullptr) == SQLITE_OK &&
            sqlite3_step(statement) == SQLITE_ROW)
            answer = QString::fromUtf8(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
        sqlite3_finalize(statement);
    }
    sqlite3_close(handle);
    return answer;
}

}  // namespace dora::testing
