// The runs table: one row per dora::RunRecord (RunStore::list_runs), in words people read (LoRA,
// Finished, local dates), with numeric sort keys under Qt::UserRole for a QSortFilterProxyModel.
// Live refreshes keep the view's selection: rows are only reset when the set of runs changes.
#pragma once

#include "dora/run_store.h"

#include <QAbstractTableModel>

#include <vector>

namespace dora::ui {

class RunsTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { NameColumn, MethodColumn, ModelColumn, StatusColumn, DateColumn, StepsColumn,
                  FinalLossColumn, ColumnCount };
    static constexpr int SortRole = Qt::UserRole;

    explicit RunsTableModel(QObject* parent = nullptr);

    // Same ids in the same order: dataChanged for the rows that differ; same ids reordered: a layout
    // change that moves persistent indexes; otherwise a model reset.
    void setRuns(std::vector<dora::RunRecord> runs);
    const std::vector<dora::RunRecord>& runs() const { return m_runs; }
    const dora::RunRecord* runAt(int row) const;  // nullptr outside the table
    int rowOfRun(long long id) const;             // -1 when absent

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    // Editing the name changes the row and asks for the rename; the store itself is the page's.
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void renameRequested(qint64 runId, const QString& name);

private:
    std::vector<dora::RunRecord> m_runs;
};

// "Finished", "Interrupted", ... in the interface language, for a stored status.
QString run_status_label(const std::string& status);
// "LoRA", "DoRA", "Full" in the interface language, for a stored method.
QString run_method_label(const std::string& method);

}  // namespace dora::ui
