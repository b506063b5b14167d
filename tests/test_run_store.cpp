// The run store (run_store.h): every field round-trips, metrics replay without duplicates, writes
// are atomic, resume and delete clean up, dead trainers' runs become `interrupted`, and every file
// the store refuses (not a database, newer schema, read-only, locked) is left byte-for-byte as it was.
#include <QtTest/QtTest>

#include "dora/error.h"
#include "dora/run_store.h"
#include "store/sqlite_db.h"  // a second, raw connection to set up what the store must cope with

#include <chrono>
#include <cmath>
#include <functional>

#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

// Failures print the strings themselves, not just the expressions.
namespace QTest {
template <>
inline char* toString(const std::string& s)
{
    return qstrdup(s.c_str());
}
}  // namespace QTest

namespace {

using dora::RunStore;

dora::NewRun sample_run(const std::string& name)
{
    return {name, "dora", "demo-gpt", "builtin:demo-gpt", "/data/tiny.txt#sha256:ab12",
            "{\"name\": \"" + name + "\", \"note\": \"ünïcode ✓\"}", 100, 12345, 9876543210LL};
}

dora::MetricsBatch steps_batch(int first, int last, double loss_offset = 0)
{
    dora::MetricsBatch batch;
    for (int s = first; s <= last; ++s)
        batch.steps.push_back({s, 2.0 - 0.1 * s + loss_offset, 1e-3 * s, 0.5 + s, 10.0 * s, 100.0 * s, 0.25 * s});
    return batch;
}

QByteArray bytes_of(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<unreadable>");
}

long long mtime_ns(const QString& path)
{
    struct stat info {};
    return stat(path.toLocal8Bit().constData(), &info) == 0 ? info.st_mtim.tv_sec * 1000000000LL + info.st_mtim.tv_nsec : -1;
}

// The message of the dora::Error that `attempt` throws, or "" when it does not throw.
QString error_of(const std::function<void()>& attempt)
{
    try {
        attempt();
    } catch (const dora::Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

// A raw connection, as another program would have: no migrations, no pragmas.
void raw_exec(const QString& path, const std::string& sql)
{
    dora::store::Db raw(path.toStdString(), 1000);
    raw.exec(sql, "setting up the test");
}

long long raw_count(const QString& path, const std::string& sql)
{
    dora::store::Db raw(path.toStdString(), 1000);
    return raw.query_int(sql, "counting");
}

// A pid that certainly belonged to a process which has ended: a child that exited and was reaped.
pid_t dead_pid()
{
    const pid_t child = fork();
    if (child == 0) _exit(0);
    waitpid(child, nullptr, 0);
    return child;
}

long long own_start_time()
{
    QFile stat("/proc/self/stat");
    if (!stat.open(QIODevice::ReadOnly)) return 0;
    const QByteArray line = stat.readAll();
    return line.mid(line.lastIndexOf(')') + 2).split(' ').value(19).toLongLong();  // field 22
}

// Runs `attempt` in a child process and returns what it reported (its error message, or "opened").
// As root the child first becomes uid/gid 65534: root ignores permission bits, so a chmod-ed file
// would not be read-only to it, and the read-only paths would go untested.
QString in_unprivileged_child(const std::function<void()>& attempt)
{
    int fds[2];
    if (pipe(fds) != 0) return "pipe failed";
    const pid_t child = fork();
    if (child == 0) {
        close(fds[0]);
        std::string report = "opened";
        if (geteuid() == 0 && (setgroups(0, nullptr) != 0 || setgid(65534) != 0 || setuid(65534) != 0)) {
            report = "cannot drop root";
        } else {
            try {
                attempt();
            } catch (const std::exception& e) {
                report = e.what();
            }
        }
        (void)!write(fds[1], report.data(), report.size());
        _exit(0);
    }
    close(fds[1]);
    QFile pipe_end;
    pipe_end.open(fds[0], QIODevice::ReadOnly, QFileDevice::AutoCloseHandle);
    const QString report = QString::fromUtf8(pipe_end.readAll());
    waitpid(child, nullptr, 0);
    return report;
}

}  // namespace

class TestRunStore : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    int m_counter = 0;
    // A fresh database path per test, so tests never see each other's runs.
    QString fresh_path() { return m_dir.filePath(QString("runs-%1.db").arg(++m_counter)); }

private Q_SLOTS:
    void createListFindRoundTripsEveryField()
    {
        const QString path = m_dir.filePath("sub/folder/runs.db");  // the folder is created too
        RunStore store(path.toStdString());
        QCOMPARE(store.schema_version(), RunStore::kSchemaVersion);
        QCOMPARE(store.path(), path.toStdString());
        const long long first = store.create_run(sample_run("first"));
        const long long second = store.create_run(sample_run("second"));
        QVERIFY(second > first);

        const std::vector<dora::RunRecord> runs = store.list_runs();
        QCOMPARE(runs.size(), size_t(2));
        QCOMPARE(runs[0].id, second);  // newest first
        const dora::RunRecord& r = runs[1];
        const dora::NewRun expected = sample_run("first");
        QCOMPARE(r.id, first);
        QCOMPARE(r.name, expected.name);
        QCOMPARE(r.method, expected.method);
        QCOMPARE(r.model, expected.model);
        QCOMPARE(r.model_identity, expected.model_identity);
        QCOMPARE(r.data_identity, expected.data_identity);
        QCOMPARE(r.config_json, expected.config_json);
        QCOMPARE(r.status, std::string("running"));
        QCOMPARE(r.message, std::string());
        QCOMPARE(r.notes, std::string());
        QVERIFY(QRegularExpression("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$").match(QString::fromStdString(r.created_at)).hasMatch());
        QCOMPARE(r.updated_at, r.created_at);
        QCOMPARE(r.total_steps, 100);
        QCOMPARE(r.steps_done, 0);
        QVERIFY(std::isnan(r.first_eval_loss) && std::isnan(r.final_eval_loss));
        QCOMPARE(r.trainable_parameters, 12345LL);
        QCOMPARE(r.total_parameters, 9876543210LL);

        const std::optional<dora::RunRecord> found = store.find_run(first);
        QVERIFY(found.has_value());
        QCOMPARE(found->config_json, r.config_json);
        QCOMPARE(found->total_parameters, r.total_parameters);
        QVERIFY(!store.find_run(first + 100).has_value());
    }

    void metricsReadBackInOrder()
    {
        RunStore store(fresh_path().toStdString());
        const long long id = store.create_run(sample_run("m"));
        dora::MetricsBatch batch = steps_batch(1, 3);
        batch.steps[1].loss = std::nan("");  // a diverged step is stored as "not a number", not as 0
        batch.evals = {{0, 2.5}, {2, 1.75}};
        batch.layer_stats = {{2, {{"h.1.mlp", 0.1, 0.01}, {"h.0.attn", 0.2, 0.02}, {"h.0.mlp", 0.3, 0.03}}},
                             {3, {{"h.1.mlp", 0.4, 0.04}}}};
        store.write_metrics(id, batch);

        const std::vector<dora::StepMetrics> steps = store.step_metrics(id);
        QCOMPARE(steps.size(), size_t(3));
        for (size_t i : {size_t(0), size_t(2)}) {  // every field, bit for bit
            const dora::StepMetrics &got = steps[i], &sent = batch.steps[i];
            QVERIFY(got.step == sent.step && got.loss == sent.loss && got.learning_rate == sent.learning_rate &&
                    got.grad_norm == sent.grad_norm && got.samples_per_second == sent.samples_per_second &&
                    got.tokens_per_second == sent.tokens_per_second && got.seconds == sent.seconds);
        }
        QVERIFY(std::isnan(steps[1].loss));

        const std::vector<dora::EvalResult> evals = store.eval_results(id);
        QCOMPARE(evals.size(), size_t(2));
        QCOMPARE(evals[1].step, 2);
        QCOMPARE(evals[1].loss, 1.75);

        const std::vector<dora::LayerStats> stats = store.layer_stats(id);
        QCOMPARE(stats.size(), size_t(2));
        QCOMPARE(stats[0].step, 2);
        QCOMPARE(stats[0].layers.size(), size_t(3));
        QCOMPARE(stats[0].layers[0].layer, std::string("h.1.mlp"));  // the logged order, not alphabetical
        QCOMPARE(stats[0].layers[1].layer, std::string("h.0.attn"));
        QCOMPARE(stats[0].layers[2].delta_magnitude, 0.3);
        QCOMPARE(stats[0].layers[2].delta_direction, 0.03);
        QCOMPARE(stats[1].layers.size(), size_t(1));

        const dora::RunRecord run = *store.find_run(id);
        QCOMPARE(run.steps_done, 3);
        QCOMPARE(run.first_eval_loss, 2.5);
        QCOMPARE(run.final_eval_loss, 1.75);

        QVERIFY(error_of([&] { store.write_metrics(id + 50, steps_batch(1, 1)); }).contains("has no run"));
    }

    void replayingStepsDoesNotDuplicate()
    {
        RunStore store(fresh_path().toStdString());
        const long long id = store.create_run(sample_run("r"));
        dora::MetricsBatch batch = steps_batch(1, 3);
        batch.evals = {{2, 1.5}};
        batch.layer_stats = {{2, {{"a", 1, 1}, {"b", 2, 2}}}};
        store.write_metrics(id, batch);
        dora::MetricsBatch again = steps_batch(1, 3, 10.0);
        again.evals = {{2, 0.5}};
        again.layer_stats = {{2, {{"c", 3, 3}}}};  // fewer layers this time: no stale "b" may remain
        store.write_metrics(id, again);

        const std::vector<dora::StepMetrics> steps = store.step_metrics(id);
        QCOMPARE(steps.size(), size_t(3));
        QCOMPARE(steps[0].loss, 11.9);
        QCOMPARE(store.eval_results(id).size(), size_t(1));
        QCOMPARE(store.eval_results(id)[0].loss, 0.5);
        const std::vector<dora::LayerStats> stats = store.layer_stats(id);
        QCOMPARE(stats.size(), size_t(1));
        QCOMPARE(stats[0].layers.size(), size_t(1));
        QCOMPARE(stats[0].layers[0].layer, std::string("c"));
        QCOMPARE(store.find_run(id)->steps_done, 3);
    }

    void checkpointIsWrittenWithItsMetricsOrNotAtAll()
    {
        const QString path = fresh_path();
        RunStore store(path.toStdString());
        const long long id = store.create_run(sample_run("c"));
        store.write_checkpoint(id, {id, 2, "/ckpt/step-2.pt", ""}, steps_batch(1, 2));
        QCOMPARE(store.step_metrics(id).size(), size_t(2));
        const std::vector<dora::CheckpointRecord> checkpoints = store.checkpoints(id);
        QCOMPARE(checkpoints.size(), size_t(1));
        QCOMPARE(checkpoints[0].run_id, id);
        QCOMPARE(checkpoints[0].step, 2);
        QCOMPARE(checkpoints[0].path, std::string("/ckpt/step-2.pt"));
        QVERIFY(!checkpoints[0].created_at.empty());

        // The checkpoint row fails after its metrics were inserted: the metrics must go too.
        raw_exec(path, "CREATE TRIGGER refuse BEFORE INSERT ON checkpoints WHEN NEW.path = 'boom' "
                       "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
        QVERIFY(error_of([&] { store.write_checkpoint(id, {id, 4, "boom", ""}, steps_batch(3, 4)); }).contains("refused by the test"));
        QCOMPARE(store.step_metrics(id).size(), size_t(2));
        QCOMPARE(store.checkpoints(id).size(), size_t(1));
        QCOMPARE(store.find_run(id)->steps_done, 2);

        store.forget_checkpoint(id, 2);
        QVERIFY(store.checkpoints(id).empty());
    }

    void resumeThenFinish()
    {
        RunStore store(fresh_path().toStdString());
        const long long id = store.create_run(sample_run("resume"));
        dora::MetricsBatch batch = steps_batch(1, 6);
        batch.evals = {{0, 3.0}, {3, 2.0}, {6, 1.0}};
        batch.layer_stats = {{3, {{"a", 1, 1}}}, {6, {{"a", 2, 2}}}};
        store.write_checkpoint(id, {id, 3, "/c3", ""}, batch);
        store.finish_run(id, "stopped", "stopped by the user");

        store.resume_run(id, 3);
        const dora::RunRecord run = *store.find_run(id);
        QCOMPARE(run.status, std::string("running"));
        QCOMPARE(run.message, std::string());
        QCOMPARE(run.steps_done, 3);
        QCOMPARE(run.first_eval_loss, 3.0);
        QCOMPARE(run.final_eval_loss, 2.0);
        QCOMPARE(store.step_metrics(id).back().step, 3);
        QCOMPARE(store.eval_results(id).size(), size_t(2));
        QCOMPARE(store.layer_stats(id).size(), size_t(1));
        QCOMPARE(store.checkpoints(id).size(), size_t(1));  // checkpoints are not metrics: the one resumed from stays
        store.write_metrics(id, steps_batch(4, 5));
        QCOMPARE(store.find_run(id)->steps_done, 5);

        store.finish_run(id, "failed", "out of memory at step 7");
        QCOMPARE(store.find_run(id)->status, std::string("failed"));
        QCOMPARE(store.find_run(id)->message, std::string("out of memory at step 7"));
        QVERIFY(error_of([&] { store.finish_run(id, "exploded", ""); }).contains("'exploded' is not a status"));
        QVERIFY(error_of([&] { store.finish_run(id + 9, "finished", ""); }).contains("has no run"));
    }

    void renameNotesAndDeleteWithEverythingItOwns()
    {
        const QString path = fresh_path();
        RunStore store(path.toStdString());
        const long long keep = store.create_run(sample_run("keep"));
        const long long id = store.create_run(sample_run("old name"));
        store.rename_run(id, "new name");
        store.set_notes(id, "lr too high?\nsecond line");
        QCOMPARE(store.find_run(id)->name, std::string("new name"));
        QCOMPARE(store.find_run(id)->notes, std::string("lr too high?\nsecond line"));
        QVERIFY(error_of([&] { store.rename_run(id + 9, "x"); }).contains("has no run"));

        for (long long run : {keep, id}) {
            dora::MetricsBatch batch = steps_batch(1, 4);
            batch.evals = {{0, 1.0}};
            batch.layer_stats = {{2, {{"a", 1, 1}}}};
            store.write_checkpoint(run, {run, 4, "/c/" + std::to_string(run) + "-4", ""}, batch);
            store.write_checkpoint(run, {run, 2, "/c/" + std::to_string(run) + "-2", ""}, {});
        }
        const std::vector<std::string> paths = store.delete_run(id);
        QCOMPARE(paths, (std::vector<std::string>{"/c/" + std::to_string(id) + "-2", "/c/" + std::to_string(id) + "-4"}));
        QVERIFY(!store.find_run(id));
        for (const char* table : {"step_metrics", "eval_results", "layer_stats", "checkpoints"}) {
            QCOMPARE(raw_count(path, std::string("SELECT count(*) FROM ") + table + " WHERE run_id = " + std::to_string(id)), 0LL);
            QVERIFY(raw_count(path, std::string("SELECT count(*) FROM ") + table + " WHERE run_id = " + std::to_string(keep)) > 0);
        }
        QVERIFY(error_of([&] { store.delete_run(id); }).contains("has no run"));
    }

    void runOfADeadProcessBecomesInterrupted()
    {
        const QString path = fresh_path();
        long long mine = 0, dead = 0, reused = 0, finished = 0;
        {
            RunStore store(path.toStdString());
            mine = store.create_run(sample_run("mine"));
            dead = store.create_run(sample_run("dead"));
            reused = store.create_run(sample_run("reused pid"));
            finished = store.create_run(sample_run("finished"));
            store.finish_run(finished, "finished", "");
        }
        const std::string gone = std::to_string(dead_pid());
        raw_exec(path, "UPDATE runs SET owner_pid = " + gone + " WHERE id IN (" + std::to_string(dead) + ", " +
                           std::to_string(finished) + ")");
        // Our pid, but another start time: a new process that was given a dead trainer's pid.
        raw_exec(path, "UPDATE runs SET owner_start_time = " + std::to_string(own_start_time() + 1) +
                           " WHERE id = " + std::to_string(reused));

        RunStore store(path.toStdString());
        QCOMPARE(store.find_run(mine)->status, std::string("running"));
        QCOMPARE(store.find_run(dead)->status, std::string("interrupted"));
        QCOMPARE(store.find_run(dead)->message,
                 std::string("the process training it ended without finishing (killed or crashed)"));
        QCOMPARE(store.find_run(reused)->status, std::string("interrupted"));
        QCOMPARE(store.find_run(finished)->status, std::string("finished"));
        store.resume_run(dead, 0);  // resuming takes it over: it is ours and running again
        RunStore again(path.toStdString());
        QCOMPARE(again.find_run(dead)->status, std::string("running"));
    }

    void reopeningAHealthyStoreWritesNothing()
    {
        const QString path = fresh_path();
        {
            RunStore store(path.toStdString());
            const long long id = store.create_run(sample_run("done"));
            store.write_metrics(id, steps_batch(1, 5));
            store.finish_run(id, "finished", "");
        }
        const QByteArray bytes = bytes_of(path);
        const long long written = mtime_ns(path);
        {
            RunStore store(path.toStdString());
            QCOMPARE(store.list_runs().size(), size_t(1));
            QCOMPARE(store.step_metrics(store.list_runs()[0].id).size(), size_t(5));
        }
        QCOMPARE(bytes_of(path), bytes);
        QCOMPARE(mtime_ns(path), written);  // not even rewritten with the same bytes
    }

    void olderAndEmptyDatabasesAreMigrated()
    {
        // A 0-byte file is a new database.
        const QString empty = fresh_path();
        QVERIFY(QFile(empty).open(QIODevice::WriteOnly));
        QCOMPARE(RunStore(empty.toStdString()).schema_version(), RunStore::kSchemaVersion);

        // A version-0 SQLite file (made by SQLite, no tables of ours): the whole migration path runs.
        const QString old = fresh_path();
        raw_exec(old, "CREATE TABLE scratch (x); DROP TABLE scratch;");
        QCOMPARE(raw_count(old, "PRAGMA user_version"), 0LL);
        {
            RunStore store(old.toStdString());
            QCOMPARE(store.schema_version(), RunStore::kSchemaVersion);
            store.create_run(sample_run("after migration"));
        }
        QCOMPARE(raw_count(old, "PRAGMA user_version"), static_cast<long long>(RunStore::kSchemaVersion));
        QCOMPARE(raw_count(old, "PRAGMA application_id"), 0x444F5241LL);
        QCOMPARE(raw_count(old, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                                "('runs', 'step_metrics', 'eval_results', 'layer_stats', 'checkpoints')"), 5LL);
        dora::store::Db raw(old.toStdString(), 1000);
        QCOMPARE(raw.query_text("PRAGMA journal_mode", "test"), std::string("wal"));

        // A current database reopens as it is.
        RunStore reopened(old.toStdString());
        QCOMPARE(reopened.schema_version(), RunStore::kSchemaVersion);
        QCOMPARE(reopened.list_runs().size(), size_t(1));
    }

    void schemaOneGainsPeakMemoryAndKeepsItsRuns()
    {
        // A database as version 1 left it: a run, no peak-memory column.
        const QString path = fresh_path();
        long long id = 0;
        {
            RunStore store(path.toStdString());
            id = store.create_run(sample_run("from version 1"));
            store.finish_run(id, "finished", "");
        }
        raw_exec(path, "ALTER TABLE runs DROP COLUMN peak_memory_mb; PRAGMA user_version = 1;");
        RunStore store(path.toStdString());
        QCOMPARE(store.schema_version(), RunStore::kSchemaVersion);
        const auto run = store.find_run(id);
        QVERIFY(run);
        QCOMPARE(QString::fromStdString(run->name), QStringLiteral("from version 1"));
        QVERIFY(std::isnan(run->peak_memory_mb));  // not measured
        store.record_peak_memory(id, 300.5);
        store.record_peak_memory(id, 120.0);  // a lower later peak (a resume) keeps the higher one
        QCOMPARE(store.find_run(id)->peak_memory_mb, 300.5);
        QVERIFY_THROWS_EXCEPTION(dora::Error, store.record_peak_memory(id + 100, 1.0));
    }

    void refusedFilesAreLeftUnchanged_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("text") << QByteArray("name,loss\nrun,1.5\n") << "is not a DoRA Studio run database: it is not an SQLite file";
        QTest::newRow("short") << QByteArray("SQLi") << "it is not an SQLite file";
        QTest::newRow("binary") << QByteArray(4096, '\x7f') << "it is not an SQLite file";
        QTest::newRow("header only") << QByteArray("SQLite format 3\0", 16) + QByteArray(200, '\xff')
                                     << "is not a DoRA Studio run database";
    }

    void refusedFilesAreLeftUnchanged()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        const QString path = fresh_path();
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
        file.close();
        const QString message = error_of([&] { RunStore store(path.toStdString()); });
        QVERIFY2(message.startsWith(path) && message.contains(expected), qPrintable(message));
        QCOMPARE(bytes_of(path), content);
    }

    void foreignAndNewerDatabasesAreRefused()
    {
        const QString foreign = fresh_path();
        raw_exec(foreign, "CREATE TABLE moz_places (url TEXT)");
        QByteArray bytes = bytes_of(foreign);
        QString message = error_of([&] { RunStore store(foreign.toStdString()); });
        QVERIFY2(message.contains("is an SQLite database of another program"), qPrintable(message));
        QCOMPARE(bytes_of(foreign), bytes);

        const QString newer = fresh_path();
        { RunStore store(newer.toStdString()); store.create_run(sample_run("from the future")); }
        raw_exec(newer, "PRAGMA user_version = 7");
        bytes = bytes_of(newer);
        message = error_of([&] { RunStore store(newer.toStdString()); });
        QCOMPARE(message, newer + " was made by a newer DoRA Studio (schema 7; this build knows up to " + QString::number(RunStore::kSchemaVersion) + "); "
                                  "update DoRA Studio to open it");
        QCOMPARE(bytes_of(newer), bytes);
    }

    void readOnlyFileOrFolderIsRefused()
    {
        // A folder the unprivileged child can enter and (for the first case) write.
        QVERIFY(chmod(m_dir.path().toLocal8Bit().constData(), 0755) == 0);
        const QString folder = m_dir.filePath("read-only");
        QVERIFY(QDir().mkpath(folder));
        const QString path = folder + "/runs.db";
        { RunStore store(path.toStdString()); store.create_run(sample_run("ro")); }
        const QByteArray bytes = bytes_of(path);

        QVERIFY(chmod(folder.toLocal8Bit().constData(), 0777) == 0);
        QVERIFY(chmod(path.toLocal8Bit().constData(), 0444) == 0);
        QString message = in_unprivileged_child([&] { RunStore store(path.toStdString()); });
        if (message == "cannot drop root") QSKIP("running as root and cannot switch to uid 65534 to test permissions");
        QVERIFY2(message.startsWith(path + " is read-only: the file cannot be written"), qPrintable(message));

        QVERIFY(chmod(path.toLocal8Bit().constData(), 0666) == 0);
        QVERIFY(chmod(folder.toLocal8Bit().constData(), 0555) == 0);
        message = in_unprivileged_child([&] { RunStore store(path.toStdString()); });
        QVERIFY2(message.startsWith(path + " is read-only: its folder"), qPrintable(message));
        QVERIFY(chmod(folder.toLocal8Bit().constData(), 0755) == 0);
        QCOMPARE(bytes_of(path), bytes);
        QVERIFY(!QFile::exists(path + "-wal"));
    }

    void lockedDatabaseIsReportedAfterTheBusyTimeout()
    {
        // A new store while another program holds an exclusive lock: even reading the schema waits.
        const QString path = fresh_path();
        QVERIFY(QFile(path).open(QIODevice::WriteOnly));
        {
            dora::store::Db other(path.toStdString(), 0);
            other.exec("BEGIN EXCLUSIVE", "locking");
            const auto start = std::chrono::steady_clock::now();
            const QString message = error_of([&] { RunStore store(path.toStdString(), 300); });
            const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            QVERIFY2(message.startsWith(path + " is locked by another program (waited 0.3 s"), qPrintable(message));
            QVERIFY2(waited >= 0.25 && waited < 3.0, qPrintable(QString::number(waited)));
            QCOMPARE(bytes_of(path), QByteArray());
        }

        // In WAL mode a writer blocks only writers: the store opens and reads, and its write waits.
        const QString wal = fresh_path();
        { RunStore store(wal.toStdString()); store.create_run(sample_run("first")); }
        dora::store::Db other(wal.toStdString(), 0);
        other.exec("BEGIN IMMEDIATE", "locking");
        RunStore store(wal.toStdString(), 300);
        QCOMPARE(store.list_runs().size(), size_t(1));
        const QString message = error_of([&] { store.create_run(sample_run("second")); });
        QVERIFY2(message.startsWith(wal + " is locked by another program"), qPrintable(message));
        other.exec("ROLLBACK", "unlocking");
        store.create_run(sample_run("second"));
        QCOMPARE(store.list_runs().size(), size_t(2));
    }
};

QTEST_APPLESS_MAIN(TestRunStore)
#include "test_run_store.moc"
