// A full disk costs nothing already saved. The engine's writers get a simulated disk with only so many
// bytes left (io::simulate_disk_space in process, DORA_DISK_SPACE for dora-cli): a safetensors file or
// a JSON config that does not fit fails with a message naming the file and the reason, the previous
// version stays byte for byte, and no temporary file is left behind. End to end, a training run whose
// checkpoint write hits the full disk fails with that message, keeps its earlier checkpoint, and
// resumes to the same losses as a run that never failed; an export that does not fit leaves the
// earlier export untouched.
#include <QtTest/QtTest>

#include "cli_process.h"
#include "sqlite_integrity.h"

#include "test_support.h"

#include "io/file_writer.h"
#include "io/folder_files.h"
#include "io/safetensors.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <sqlite3.h>

#include <cmath>
#include <vector>

using dora::testing::error_of;

namespace {

using namespace dora::testing;

const QByteArray kConfig = R"({
    "name": "full disk", "model": {"builtin": "demo-mlp"},
    "adapter": {"method": "dora", "rank": 4},
    "train": {"steps": 40, "batch_size": 16, "checkpoint_every": 10, "eval_every": 20, "threads": 1},
    "log": {"layer_stats_every": 5}})";

QByteArray read_all(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QStringList leftovers(const QString& dir)
{
    return QDir(dir).entryList({"*.tmp*"}, QDir::Files | QDir::Hidden);
}

std::vector<float> ramp(size_t n)
{
    std::vector<float> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = static_cast<float>(i) * 0.5f;
    return v;
}

// Turns the simulation off whatever a test does, so one failing check cannot starve the next test.
struct DiskSpace {
    explicit DiskSpace(int64_t bytes) { dora::io::simulate_disk_space(bytes); }
    ~DiskSpace() { dora::io::simulate_disk_space(-1); }
};

}  // namespace

class TestWriteFaults : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fullDiskKeepsThePreviousSafetensorsFile_data()
    {
        QTest::addColumn<qint64>("space");
        QTest::newRow("no space at all") << qint64(0);
        QTest::newRow("room for the header only") << qint64(100);
        QTest::newRow("one byte short") << qint64(-1);  // computed: the new file's size - 1
    }

    void fullDiskKeepsThePreviousSafetensorsFile()
    {
        QFETCH(qint64, space);
        QTemporaryDir dir;
        const std::string path = dir.filePath("weights.safetensors").toStdString();
        const std::vector<float> old_values = ramp(16), new_values = ramp(4096);
        dora::io::write_safetensors(path, {{"w", dora::io::DType::F32, {16}, old_values.data(), 64}});
        const QByteArray before = read_all(QString::fromStdString(path));

        const std::vector<dora::io::TensorToWrite> bigger = {{"w", dora::io::DType::F32, {4096}, new_values.data(), 16384}};
        if (space < 0)
            space = static_cast<qint64>(dora::io::serialize_safetensors(bigger).size()) - 1;
        QString error;
        {
            DiskSpace disk(space);
            error = error_of([&] { dora::io::write_safetensors(path, bigger); });
        }
        QVERIFY2(error.startsWith(QString::fromStdString(path)), qPrintable(error));
        QVERIFY2(error.contains("No space left on device"), qPrintable(error));
        QVERIFY2(error.contains("earlier version of the file is unchanged"), qPrintable(error));
        QCOMPARE(read_all(QString::fromStdString(path)), before);
        QCOMPARE(leftovers(dir.path()), QStringList());

        // With the space back, the same write succeeds: the failure left no state behind.
        dora::io::write_safetensors(path, bigger);
        QCOMPARE(dora::io::SafetensorsFile::open(path).header().tensors.at(0).shape, std::vector<int64_t>{4096});
    }

    void exactlyEnoughSpaceIsEnough()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("exact.safetensors").toStdString();
        const std::vector<float> values = ramp(100);
        const std::vector<dora::io::TensorToWrite> tensors = {{"w", dora::io::DType::F32, {100}, values.data(), 400}};
        DiskSpace disk(static_cast<int64_t>(dora::io::serialize_safetensors(tensors).size()));
        QCOMPARE(error_of([&] { dora::io::write_safetensors(path, tensors); }), QString());
        QVERIFY(error_of([&] { dora::io::write_safetensors(path, tensors); }).contains("No space left"));
    }

    void fullDiskKeepsThePreviousTextFile()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("adapter_config.json").toStdString();
        dora::io::write_text_atomically(path, "{\"r\": 4}\n");
        QString error;
        {
            DiskSpace disk(5);
            error = error_of([&] { dora::io::write_text_atomically(path, std::string(1000, ' ') + "{\"r\": 8}\n"); });
        }
        QVERIFY2(error.startsWith(QString::fromStdString(path)) && error.contains("No space left on device"), qPrintable(error));
        QCOMPARE(read_all(QString::fromStdString(path)), QByteArray("{\"r\": 4}\n"));
        QCOMPARE(leftovers(dir.path()), QStringList());
    }

    void checkpointOnAFullDiskFailsTheRunWhichThenResumes()
    {
        QTemporaryDir dir;
        const QString config = dir.filePath("run.json");
        {
            QFile f(config);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(kConfig);
        }
        // The run left alone, for its losses and the size of one checkpoint.
        const QString reference_db = dir.filePath("reference/runs.sqlite");
        QVERIFY(QDir().mkpath(dir.filePath("reference")));
        const CliResult reference = run_cli({"train", config, "--db", reference_db});
        QVERIFY2(reference.exit_code == 0, qPrintable(reference.err));
        const qint64 checkpoint_bytes = QFileInfo(dir.filePath("reference/checkpoints/run-1/step-40.safetensors")).size();
        QVERIFY(checkpoint_bytes > 1000);

        // Room for two checkpoints and half of the third: steps 10 and 20 are saved, 30 is not.
        const QString db = dir.filePath("full/runs.sqlite");
        QVERIFY(QDir().mkpath(dir.filePath("full")));
        const CliResult failed = run_cli({"train", config, "--db", db}, {{"DORA_DISK_SPACE", QString::number(checkpoint_bytes * 5 / 2)}});
        QCOMPARE(failed.exit_code, 1);
        const QJsonObject summary = last_json_line(failed.out);
        QCOMPARE(summary.value("status").toString(), QString("failed"));
        const QString message = summary.value("message").toString();
        QVERIFY2(message.contains("step-30.safetensors") && message.contains("No space left on device"), qPrintable(message));
        QCOMPARE(integrity(db), QString("ok"));
        const QString checkpoints = dir.filePath("full/checkpoints/run-1");
        QVERIFY(!QFile::exists(checkpoints + "/step-30.safetensors"));
        QCOMPARE(leftovers(checkpoints), QStringList());
        QCOMPARE(error_of([&] { dora::io::SafetensorsFile::open((checkpoints + "/step-20.safetensors").toStdString()); }),
                 QString());

        const CliResult resumed = run_cli({"train", "--resume", "1", "--db", db});
        QVERIFY2(resumed.exit_code == 0, qPrintable(resumed.err + resumed.out));
        QCOMPARE(last_json_line(resumed.out).value("status").toString(), QString("finished"));
        QCOMPARE(integrity(db), QString("ok"));

        const QJsonArray got = QJsonDocument::fromJson(run_cli({"show", "1", "--db", db, "--json"}).out.toUtf8())
                                   .object().value("step_metrics").toArray();
        const QJsonArray want = QJsonDocument::fromJson(run_cli({"show", "1", "--db", reference_db, "--json"}).out.toUtf8())
                                    .object().value("step_metrics").toArray();
        QCOMPARE(got.size(), 40);
        QCOMPARE(want.size(), 40);
        for (int i = 0; i < 40; ++i) {
            QCOMPARE(got[i].toObject().value("step").toInt(), i + 1);  // no gap, no duplicate
            const double a = got[i].toObject().value("loss").toDouble(), b = want[i].toObject().value("loss").toDouble();
            QVERIFY2(std::fabs(a - b) <= 1e-5 * std::fabs(b), qPrintable(QString("step %1: %2 vs %3").arg(i + 1).arg(a).arg(b)));
        }
    }

    void exportOnAFullDiskLeavesTheEarlierExport()
    {
        QTemporaryDir dir;
        const QString config = dir.filePath("run.json"), db = dir.filePath("runs.sqlite"), out = dir.filePath("adapter");
        {
            QFile f(config);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray(kConfig).replace("\"steps\": 40", "\"steps\": 5"));
        }
        QVERIFY2(run_cli({"train", config, "--db", db}).exit_code == 0, "training failed");
        const CliResult first = run_cli({"export", "1", "--adapter", out, "--db", db});
        QVERIFY2(first.exit_code == 0, qPrintable(first.err));
        const QByteArray weights = read_all(out + "/adapter_model.safetensors");
        const QByteArray adapter_config = read_all(out + "/adapter_config.json");
        QVERIFY(!weights.isEmpty() && !adapter_config.isEmpty());

        for (qint64 space : {qint64(0), qint64(weights.size() / 2), qint64(weights.size() + 10)}) {
            const CliResult full = run_cli({"export", "1", "--adapter", out, "--db", db}, {{"DORA_DISK_SPACE", QString::number(space)}});
            QVERIFY2(full.exit_code != 0, qPrintable(QString("export with %1 bytes free succeeded").arg(space)));
            const QStringList lines = full.err.trimmed().split('\n');
            QCOMPARE(lines.size(), 1);
            QVERIFY2(lines[0].contains(out) && lines[0].contains("No space left on device"), qPrintable(full.err));
            QCOMPARE(read_all(out + "/adapter_model.safetensors"), weights);
            QCOMPARE(read_all(out + "/adapter_config.json"), adapter_config);
            QCOMPARE(leftovers(out), QStringList());
        }
    }
};

QTEST_GUILESS_MAIN(TestWriteFaults)
#include "test_write_faults.moc"
