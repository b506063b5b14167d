#include "pages/runs_page.h"

#include "dora/export.h"
#include "dora/run_store.h"
#include "models/runs_table_model.h"

#include <QFile>
#include <QFileDialog>
#include <QTextStream>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <filesystem>
#include <map>
#include <stdexcept>

namespace dora::ui {

RunsPage::RunsPage(const QString& database_path, QWidget* parent) : QWidget(parent), m_database(database_path)
{
    m_model = new RunsTableModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(RunsTableModel::SortRole);
    m_table = new QTableView;
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(RunsTableModel::DateColumn, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);  // several runs, to compare them
    m_table->horizontalHeader()->setSectionResizeMode(RunsTableModel::NameColumn, QHeaderView::Stretch);
    m_table->verticalHeader()->hide();

    m_open = new QPushButton(tr("Show plots"));
    m_compare = new QPushButton(tr("Compare"));
    m_compare->setObjectName(QStringLiteral("compareButton"));
    m_compare->setToolTip(tr("Select two or more runs (Ctrl+click) to see their losses, settings and results together."));
    m_try = new QPushButton(tr("Try it"));
    m_try->setToolTip(tr("Put the trained model next to the base model on your own prompt or on held-out samples."));
    m_resume = new QPushButton(tr("Resume"));
    m_resume->setToolTip(tr("Continue an interrupted, stopped or failed run (after freeing disk space, say) from its last checkpoint."));
    m_delete = new QPushButton(tr("Delete"));
    m_export_adapter = new QPushButton(tr("Export adapter…"));
    m_export_adapter->setToolTip(tr("A PEFT adapter folder, which Python's peft library and other tools load."));
    m_export_merged = new QPushButton(tr("Export merged model…"));
    m_export_merged->setToolTip(tr("The base model with the adapter folded in: runs at the base model's speed."));
    m_export_csv = new QPushButton(tr("Export metrics…"));
    m_export_csv->setToolTip(tr("Every step's loss, learning rate, gradient norm and throughput, and the held-out "
                                "losses, as a CSV file for a spreadsheet."));
    m_status = new QLabel;
    m_status->setWordWrap(true);
    m_notes = new QPlainTextEdit;
    m_notes->setPlaceholderText(tr("Notes about the selected run: what you tried, what you saw."));
    m_notes->setMaximumHeight(80);
    m_save_notes = new QPushButton(tr("Save notes"));
    m_save_notes->setObjectName(QStringLiteral("saveNotesButton"));

    auto* buttons = new QHBoxLayout;
    for (QPushButton* b : {m_open, m_compare, m_try, m_resume, m_export_adapter, m_export_merged, m_export_csv, m_delete})
        buttons->addWidget(b);
    buttons->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);
    auto* notes = new QHBoxLayout;
    notes->addWidget(m_notes, 1);
    notes->addWidget(m_save_notes, 0, Qt::AlignTop);
    layout->addLayout(notes);
    layout->addWidget(m_status);

    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &RunsPage::updateButtons);
    connect(m_table, &QTableView::doubleClicked, this, [this] {
        if (const long long id = selectedRun())
            Q_EMIT openRequested(id);
    });
    connect(m_open, &QPushButton::clicked, this, [this] { Q_EMIT openRequested(selectedRun()); });
    connect(m_resume, &QPushButton::clicked, this, [this] { Q_EMIT resumeRequested(selectedRun()); });
    connect(m_compare, &QPushButton::clicked, this, [this] { Q_EMIT compareRequested(selectedRuns()); });
    connect(m_try, &QPushButton::clicked, this, [this] { Q_EMIT tryRequested(selectedRun()); });
    connect(m_export_adapter, &QPushButton::clicked, this, [this] { exportSelected(false); });
    connect(m_export_merged, &QPushButton::clicked, this, [this] { exportSelected(true); });
    connect(m_export_csv, &QPushButton::clicked, this, &RunsPage::exportMetricsCsv);
    connect(m_save_notes, &QPushButton::clicked, this, [this] {
        const long long id = selectedRun();
        try {
            RunStore(m_database.toStdString()).set_notes(id, m_notes->toPlainText().toStdString());
            report(tr("Saved the notes of run %1.").arg(id), false);
        } catch (const std::exception& e) {
            report(QString::fromUtf8(e.what()), true);
        }
        refresh();
    });
    connect(m_delete, &QPushButton::clicked, this, [this] {
        const long long id = selectedRun();
        const dora::RunRecord* run = m_model->runAt(m_model->rowOfRun(id));
        if (!run || QMessageBox::question(this, tr("Delete run"),
                                          tr("Delete run %1 '%2' and its checkpoints?")
                                              .arg(id)
                                              .arg(QString::fromStdString(run->name))) != QMessageBox::Yes)
            return;
        try {
            RunStore store(m_database.toStdString());
            for (const std::string& path : store.delete_run(id)) {
                std::error_code ignored;
                std::filesystem::remove(path, ignored);
            }
            report(tr("Deleted run %1.").arg(id), false);
        } catch (const std::exception& e) {
            report(QString::fromUtf8(e.what()), true);
        }
        refresh();
    });
    connect(m_model, &RunsTableModel::renameRequested, this, [this](qint64 id, const QString& name) {
        try {
            RunStore(m_database.toStdString()).rename_run(id, name.toStdString());
        } catch (const std::exception& e) {
            report(QString::fromUtf8(e.what()), true);
        }
        refresh();
    });
    refresh();
}

long long RunsPage::selectedRun() const
{
    const QList<qint64> runs = selectedRuns();
    return runs.size() == 1 ? runs.front() : 0;
}

QList<qint64> RunsPage::selectedRuns() const
{
    QModelIndexList rows = m_table->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(), [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    QList<qint64> ids;
    for (const QModelIndex& row : rows)
        if (const dora::RunRecord* run = m_model->runAt(m_proxy->mapToSource(row).row()))
            ids << run->id;
    return ids;
}

void RunsPage::selectRuns(const QList<qint64>& run_ids)
{
    QItemSelection selection;
    for (qint64 id : run_ids) {
        const int row = m_model->rowOfRun(id);
        if (row < 0)
            continue;
        const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
        selection.select(index, index);
    }
    m_table->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

void RunsPage::refresh()
{
    try {
        m_model->setRuns(RunStore(m_database.toStdString()).list_runs());
    } catch (const std::exception& e) {
        report(QString::fromUtf8(e.what()), true);
    }
    updateButtons();
}

void RunsPage::updateButtons()
{
    const dora::RunRecord* run = m_model->runAt(m_model->rowOfRun(selectedRun()));
    const bool has = run != nullptr;
    m_open->setEnabled(has);
    m_compare->setEnabled(selectedRuns().size() >= 2);
    m_try->setEnabled(has && run->status != "running" && run->steps_done > 0);
    m_delete->setEnabled(has && run->status != "running");
    m_resume->setEnabled(has && (run->status == "interrupted" || run->status == "stopped" || run->status == "failed"));
    m_export_adapter->setEnabled(has && run->method != "full" && run->status != "running");
    m_export_merged->setEnabled(has && run->status != "running");
    m_export_csv->setEnabled(has);
    m_notes->setEnabled(has);
    m_save_notes->setEnabled(has);
    const QString notes = has ? QString::fromStdString(run->notes) : QString();
    if (m_notes->toPlainText() != notes && !m_notes->hasFocus())
        m_notes->setPlainText(notes);
}

void RunsPage::exportSelected(bool merged)
{
    const long long id = selectedRun();
    const QString dir = QFileDialog::getExistingDirectory(this, merged ? tr("Export merged model to") : tr("Export adapter to"));
    if (dir.isEmpty())
        return;
    try {
        if (merged)
            export_run_merged(m_database.toStdString(), id, dir.toStdString());
        else
            export_run_adapter(m_database.toStdString(), id, dir.toStdString());
        report(tr("Exported run %1 to %2.").arg(id).arg(dir), false);
    } catch (const std::exception& e) {
        report(QString::fromUtf8(e.what()), true);
    }
}

void RunsPage::exportMetricsCsv()
{
    const long long id = selectedRun();
    const QString path = QFileDialog::getSaveFileName(this, tr("Export metrics"), QStringLiteral("run-%1.csv").arg(id),
                                                      tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    try {
        const RunStore store(m_database.toStdString());
        std::map<int, double> held_out;
        for (const EvalResult& e : store.eval_results(id))
            held_out[e.step] = e.loss;
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text))
            throw std::runtime_error(tr("cannot write %1: %2").arg(path, file.errorString()).toStdString());
        QTextStream out(&file);
        out << "step,loss,learning_rate,grad_norm,samples_per_second,tokens_per_second,seconds,held_out_loss\n";
        for (const StepMetrics& m : store.step_metrics(id)) {
            out << m.step << ',' << m.loss << ',' << m.learning_rate << ',' << m.grad_norm << ','
                << m.samples_per_second << ',' << m.tokens_per_second << ',' << m.seconds << ',';
            if (auto it = held_out.find(m.step); it != held_out.end())
                out << it->second;
            out << '\n';
        }
        out.flush();
        if (file.error() != QFile::NoError)
            throw std::runtime_error(tr("cannot write %1: %2").arg(path, file.errorString()).toStdString());
        report(tr("Exported the metrics of run %1 to %2.").arg(id).arg(path), false);
    } catch (const std::exception& e) {
        report(QString::fromUtf8(e.what()), true);
    }
}

void RunsPage::report(const QString& text, bool error)
{
    m_status->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
    m_status->setText(text);
}

}  // namespace dora::ui
