// The runs table: a well-behaved model, words for statuses and methods, "—" for a loss not measured,
// live refreshes that keep selections (dataChanged, not a reset), rename requests, numeric sorting.
#include <QtTest/QtTest>

#include <QAbstractItemModelTester>
#include <QSortFilterProxyModel>

#include "models/runs_table_model.h"

#include <cmath>
#include <limits>

using dora::ui::RunsTableModel;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

dora::RunRecord run(long long id, const std::string& status, int done, double loss,
                    const std::string& created = "2026-11-29T14:55:24Z")
{
    dora::RunRecord r;
    r.id = id;
    r.name = "run " + std::to_string(id);
    r.method = id % 3 == 0 ? "full" : id % 2 == 0 ? "lora" : "dora";
    r.model = "demo-gpt";
    r.status = status;
    r.created_at = created;
    r.total_steps = 200;
    r.steps_done = done;
    r.final_eval_loss = loss;
    return r;
}

std::vector<dora::RunRecord> threeRuns()
{
    return {run(3, "running", 150, kNaN), run(2, "finished", 200, 1.234567), run(1, "failed", 20, kNaN)};
}

QString cell(const RunsTableModel& model, int row, int column, int role = Qt::DisplayRole)
{
    return model.index(row, column).data(role).toString();
}

}  // namespace

class TestRunsTableModel : public QObject {
    Q_OBJECT
private slots:
    void passesModelTester()
    {
        RunsTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRuns(threeRuns());
        auto changed = threeRuns();
        changed[0].steps_done = 160;
        model.setRuns(changed);                                  // dataChanged
        model.setRuns({changed[2], changed[0], changed[1]});     // layout change
        model.setRuns({run(9, "stopped", 5, 2.0)});              // reset
        QVERIFY(model.setData(model.index(0, RunsTableModel::NameColumn), "renamed"));
        model.setRuns({});
    }

    void wordsForPeople()
    {
        RunsTableModel model;
        auto runs = threeRuns();
        runs.push_back(run(4, "stopped", 50, 0.5));
        runs.push_back(run(5, "interrupted", 60, 0.5));
        runs[2].message = "out of memory at step 21";
        runs[1].model = "/home/me/models/SmolLM-135M/";
        model.setRuns(runs);
        const int status = RunsTableModel::StatusColumn;
        QCOMPARE(cell(model, 0, status), QString("Running"));
        QCOMPARE(cell(model, 1, status), QString("Finished"));
        QCOMPARE(cell(model, 2, status), QString("Failed"));
        QCOMPARE(cell(model, 3, status), QString("Stopped"));
        QCOMPARE(cell(model, 4, status), QString("Interrupted"));
        QCOMPARE(cell(model, 2, status, Qt::ToolTipRole), QString("out of memory at step 21"));
        QCOMPARE(cell(model, 0, RunsTableModel::MethodColumn), QString("Full"));
        QCOMPARE(cell(model, 1, RunsTableModel::MethodColumn), QString("LoRA"));
        QCOMPARE(cell(model, 2, RunsTableModel::MethodColumn), QString("DoRA"));
        QCOMPARE(cell(model, 1, RunsTableModel::ModelColumn), QString("SmolLM-135M"));
        QCOMPARE(cell(model, 0, RunsTableModel::StepsColumn), QString("150 / 200"));
        QCOMPARE(cell(model, 0, RunsTableModel::FinalLossColumn), QString("—"));
        QCOMPARE(cell(model, 1, RunsTableModel::FinalLossColumn), QString("1.2346"));
        const QDateTime utc(QDate(2026, 11, 29), QTime(14, 55, 24), Qt::UTC);
        QCOMPARE(cell(model, 0, RunsTableModel::DateColumn),
                 QLocale().toString(utc.toLocalTime(), QLocale::ShortFormat));
        QCOMPARE(model.runAt(2)->id, 1LL);
        QVERIFY(!model.runAt(5));
        QCOMPARE(model.rowOfRun(2), 1);
        QCOMPARE(model.rowOfRun(42), -1);
    }

    void liveRefreshKeepsSelection()
    {
        RunsTableModel model;
        model.setRuns(threeRuns());
        QPersistentModelIndex selected(model.index(1, RunsTableModel::NameColumn));
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

        auto next = threeRuns();
        next[0].steps_done = 170;
        model.setRuns(next);
        QVERIFY(selected.isValid());
        QCOMPARE(selected.row(), 1);
        QCOMPARE(reset.count(), 0);
        QCOMPARE(changed.count(), 1);  // only the running row
        QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 0);
        QCOMPARE(cell(model, 0, RunsTableModel::StepsColumn), QString("170 / 200"));

        model.setRuns(next);  // nothing new: no signal at all
        QCOMPARE(changed.count(), 1);

        // Same runs, another order: the selection follows its run.
        model.setRuns({next[2], next[1], next[0]});
        QCOMPARE(reset.count(), 0);
        QVERIFY(selected.isValid());
        QCOMPARE(model.runAt(selected.row())->id, 2LL);

        // A new run is a different set: reset.
        next.insert(next.begin(), run(4, "running", 0, kNaN));
        model.setRuns(next);
        QCOMPARE(reset.count(), 1);
    }

    void renameAsksWithTheId()
    {
        RunsTableModel model;
        model.setRuns(threeRuns());
        QSignalSpy rename(&model, &RunsTableModel::renameRequested);
        const QModelIndex name = model.index(1, RunsTableModel::NameColumn);
        QVERIFY(model.flags(name) & Qt::ItemIsEditable);
        QVERIFY(!(model.flags(model.index(1, RunsTableModel::StatusColumn)) & Qt::ItemIsEditable));
        QVERIFY(model.setData(name, "  baseline rank 8 "));
        QCOMPARE(rename.count(), 1);
        QCOMPARE(rename.at(0).at(0).toLongLong(), 2LL);
        QCOMPARE(rename.at(0).at(1).toString(), QString("baseline rank 8"));
        QCOMPARE(name.data().toString(), QString("baseline rank 8"));
        QVERIFY(!model.setData(name, "   "));  // a run keeps a name
        QCOMPARE(rename.count(), 1);
    }

    void sortsNumerically()
    {
        RunsTableModel model;
        model.setRuns({run(1, "finished", 9, 10.0, "2026-11-29T09:00:00Z"),
                       run(2, "finished", 100, kNaN, "2026-11-30T08:00:00Z"),
                       run(3, "finished", 10, 2.0, "2025-12-01T10:00:00Z"),
                       run(4, "finished", 11, 0.5, "2026-01-15T23:59:59Z")});
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(RunsTableModel::SortRole);
        auto idsBy = [&](int column) {
            proxy.sort(column, Qt::AscendingOrder);
            QList<long long> ids;
            for (int r = 0; r < proxy.rowCount(); ++r)
                ids << model.runAt(proxy.mapToSource(proxy.index(r, 0)).row())->id;
            return ids;
        };
        QCOMPARE(idsBy(RunsTableModel::StepsColumn), QList<long long>({1, 3, 4, 2}));      // 9 < 10 < 11 < 100
        QCOMPARE(idsBy(RunsTableModel::FinalLossColumn), QList<long long>({4, 3, 1, 2})); // not measured last
        QCOMPARE(idsBy(RunsTableModel::DateColumn), QList<long long>({3, 4, 1, 2}));
    }
};

QTEST_MAIN(TestRunsTableModel)
#include "test_runs_table_model.moc"
