// The run history from the database: every run with its method, model, status, date and final
// held-out loss; rename in place, notes, delete, open a run's plots again, resume an interrupted or stopped
// run, and export its adapter, its merged model or its metrics as CSV.
#pragma once

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace dora::ui {

class RunsTableModel;

class RunsPage : public QWidget {
    Q_OBJECT
public:
    explicit RunsPage(const QString& database_path, QWidget* parent = nullptr);

    void refresh();  // re-reads the database; keeps the selection
    RunsTableModel* model() const { return m_model; }
    long long selectedRun() const;  // 0 unless exactly one run is selected
    QList<qint64> selectedRuns() const;  // in the table's order
    void selectRuns(const QList<qint64>& run_ids);

Q_SIGNALS:
    void openRequested(qint64 run_id);
    void resumeRequested(qint64 run_id);
    void compareRequested(const QList<qint64>& run_ids);
    void tryRequested(qint64 run_id);

private:
    void updateButtons();
    void exportSelected(bool merged);
    void exportMetricsCsv();
    void report(const QString& text, bool error);

    QString m_database;
    RunsTableModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_table;
    QPushButton* m_open;
    QPushButton* m_compare;
    QPushButton* m_try;
    QPushButton* m_resume;
    QPushButton* m_delete;
    QPushButton* m_export_adapter;
    QPushButton* m_export_merged;
    QPushButton* m_export_csv;
    QLabel* m_status;
    QPlainTextEdit* m_notes;
    QPushButton* m_save_notes;
};

}  // namespace dora::ui
