#include "pages/compare_page.h"

#include "models/runs_table_model.h"
#include "plots/decomposition_scatter.h"
#include "plots/metric_plot.h"
#include "plots/plot_export.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QScrollBar>
#include <QScrollArea>
#include <QSlider>
#include <QSplitter>
#include <QTableWidget>
#include <QTextStream>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace dora::ui {
namespace {

QString number_or_dash(double value, int decimals)
{
    return std::isfinite(value) ? QString::number(value, 'f', decimals) : QStringLiteral("—");
}

QString csv_field(QString text)
{
    if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"')) || text.contains(QLatin1Char('\n')))
        return QLatin1Char('"') + text.replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
    return text;
}

QString csv_number(double value)
{
    return std::isfinite(value) ? QString::number(value, 'g', 10) : QString();
}

// Writes `text` to `path` in full or says why not.
bool write_text_file(const QString& path, const QString& text, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text) ||
        file.write(text.toUtf8()) < 0 || !file.flush()) {
        if (error)
            *error = QObject::tr("Could not write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

// A table as tall as its rows (a comparison has a handful), so the space goes to the plots.
void fit_height(QTableWidget* table)
{
    table->resizeRowsToContents();
    int height = table->horizontalHeader()->sizeHint().height() + 2 * table->frameWidth() + 2;
    for (int row = 0; row < table->rowCount(); ++row)
        height += table->rowHeight(row);
    // Room for a horizontal scroll bar, which a narrow window needs for the wide results table.
    height += table->horizontalScrollBar()->sizeHint().height();
    table->setFixedHeight(std::min(height, 260));
}

QTableWidget* read_only_table()
{
    auto* table = new QTableWidget;
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    table->setAlternatingRowColors(true);
    return table;
}

}  // namespace

ComparePage::ComparePage(const QString& database_path, QWidget* parent) : QWidget(parent), m_database(database_path)
{
    m_heading = new QLabel(tr("Choose two or more runs on the Runs page and press Compare, or press "
                              "\"LoRA vs DoRA\" on the Train page."));
    m_heading->setWordWrap(true);
    m_status = new QLabel;
    m_status->setWordWrap(true);
    m_axis_choice = new QComboBox;
    m_axis_choice->addItem(tr("by step"), static_cast<int>(CompareAxis::Step));
    m_axis_choice->addItem(tr("by samples seen"), static_cast<int>(CompareAxis::Samples));
    m_axis_choice->addItem(tr("by tokens seen"), static_cast<int>(CompareAxis::Tokens));
    m_axis_choice->addItem(tr("by time"), static_cast<int>(CompareAxis::Seconds));
    m_axis_choice->setToolTip(tr("Runs with different batch sizes or speeds compare fairly by samples seen or by time."));
    m_smoothing = new QSlider(Qt::Horizontal);
    m_smoothing->setRange(0, 99);
    m_smoothing->setMaximumWidth(140);
    m_log_scale = new QCheckBox(tr("Log scale"));
    auto* export_button = new QPushButton(tr("Export…"));
    auto* export_menu = new QMenu(export_button);
    export_menu->addAction(tr("Plots as PNG, SVG or PDF…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save the plots"), QStringLiteral("comparison.png"),
                                                          tr("Images (*.png *.svg *.pdf)"));
        if (path.isEmpty())
            return;
        const QFileInfo info(path);
        QString error;
        const QString stem = info.dir().filePath(info.completeBaseName());
        if (savePlots(stem, info.suffix().isEmpty() ? QStringLiteral("png") : info.suffix(), &error))
            report(tr("Saved the plots as %1-*.%2.").arg(stem, info.suffix()), false);
        else
            report(error, true);
    });
    export_menu->addAction(tr("Loss curves as CSV…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save the loss curves"), QStringLiteral("loss-curves.csv"),
                                                          tr("CSV files (*.csv)"));
        QString error;
        if (!path.isEmpty())
            saveCurvesCsv(path, &error) ? report(tr("Saved %1.").arg(path), false) : report(error, true);
    });
    export_menu->addAction(tr("Settings and results as CSV…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save the table"), QStringLiteral("comparison.csv"),
                                                          tr("CSV files (*.csv)"));
        QString error;
        if (!path.isEmpty())
            saveTablesCsv(path, &error) ? report(tr("Saved %1.").arg(path), false) : report(error, true);
    });
    export_button->setMenu(export_menu);

    m_loss = new MetricPlot;
    m_loss->setTitle(tr("Loss"));
    m_loss->setAxisLabels(tr("step"), tr("loss"));
    m_loss->setLegendColumns(2);  // a run's training and held-out series on one row
    m_settings = read_only_table();
    m_results = read_only_table();
    m_results->setToolTip(tr("Time per step is the median time between logged steps; peak memory is the training "
                             "process's resident memory during the run."));

    auto* tables = new QWidget;
    auto* tables_layout = new QVBoxLayout(tables);
    tables_layout->setContentsMargins(0, 0, 0, 0);
    tables_layout->addWidget(new QLabel(tr("<b>Settings that differ</b>")));
    tables_layout->addWidget(m_settings);
    tables_layout->addWidget(new QLabel(tr("<b>Results</b>")));
    tables_layout->addWidget(m_results);
    tables_layout->addStretch(1);
    auto* top = new QSplitter(Qt::Horizontal);
    top->addWidget(m_loss);
    top->addWidget(tables);
    top->setSizes({620, 480});

    auto* scatter_host = new QWidget;
    m_scatter_row = new QHBoxLayout(scatter_host);
    m_scatter_row->setContentsMargins(0, 0, 0, 0);
    auto* scroll = new QScrollArea;
    scroll->setWidget(scatter_host);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* body = new QSplitter(Qt::Vertical);
    body->addWidget(top);
    body->addWidget(scroll);
    body->setSizes({460, 340});

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Loss")));
    controls->addWidget(m_axis_choice);
    controls->addWidget(new QLabel(tr("Smoothing")));
    controls->addWidget(m_smoothing);
    controls->addWidget(m_log_scale);
    controls->addStretch();
    controls->addWidget(export_button);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_heading);
    layout->addLayout(controls);
    layout->addWidget(m_status);
    layout->addWidget(body, 1);
    m_status->hide();

    connect(m_axis_choice, &QComboBox::currentIndexChanged, this,
            [this] { setAxis(static_cast<CompareAxis>(m_axis_choice->currentData().toInt())); });
    connect(m_smoothing, &QSlider::valueChanged, this, [this](int v) { m_loss->setSmoothing(v / 100.0); });
    connect(m_log_scale, &QCheckBox::toggled, m_loss, &MetricPlot::setLogScale);
}

bool ComparePage::showRuns(const QList<qint64>& run_ids)
{
    try {
        m_comparison = load_comparison(m_database.toStdString(), std::vector<long long>(run_ids.begin(), run_ids.end()));
    } catch (const std::exception& e) {
        m_comparison = {};
        report(tr("Could not compare the runs: %1").arg(QString::fromUtf8(e.what())), true);
        return false;
    }
    QStringList labels;
    for (const ComparedRun& run : m_comparison.runs)
        labels << run_label(run.record);
    m_heading->setText(tr("Comparing %1").arg(labels.join(QStringLiteral(", "))));
    m_status->hide();
    drawCurves();
    fillTables();
    fillScatters();
    return true;
}

void ComparePage::setAxis(CompareAxis axis)
{
    m_axis = axis;
    const int index = m_axis_choice->findData(static_cast<int>(axis));
    if (index != m_axis_choice->currentIndex())
        m_axis_choice->setCurrentIndex(index);  // comes back here through the signal
    else
        drawCurves();
}

void ComparePage::drawCurves()
{
    static const char* const kAxisNames[] = {QT_TR_NOOP("step"), QT_TR_NOOP("samples seen"), QT_TR_NOOP("tokens seen"),
                                             QT_TR_NOOP("seconds")};
    m_loss->clearSeries();
    m_loss->setAxisLabels(tr(kAxisNames[static_cast<int>(m_axis)]), tr("loss"));
    int index = 0;
    for (const ComparedRun& run : m_comparison.runs) {
        const QString id = QString::number(run.record.id);
        const QString label = run_label(run.record);
        const QColor color = MetricPlot::paletteColor(index++);  // a run's two series share its colour
        m_loss->addSeries(QStringLiteral("train:") + id, tr("%1 training").arg(label), false, color);
        m_loss->addSeries(QStringLiteral("eval:") + id, tr("%1 held-out").arg(label), /*markers=*/true, color.darker(140));
        QVector<double> xs, ys;
        for (const StepMetrics& m : run.steps) {
            xs << axis_value(run, m.step, m.seconds, m_axis);
            ys << m.loss;
        }
        m_loss->appendPoints(QStringLiteral("train:") + id, xs, ys);
        xs.clear();
        ys.clear();
        for (const EvalResult& e : run.evals) {
            xs << axis_value_at_step(run, e.step, m_axis);
            ys << e.loss;
        }
        m_loss->appendPoints(QStringLiteral("eval:") + id, xs, ys);
    }
}

void ComparePage::fillTables()
{
    const auto& runs = m_comparison.runs;
    QStringList headers{tr("Setting")};
    for (const ComparedRun& run : runs)
        headers << run_label(run.record);
    m_settings->clear();
    m_settings->setColumnCount(headers.size());
    m_settings->setHorizontalHeaderLabels(headers);
    m_settings->setRowCount(m_comparison.differing_keys.size());
    for (int row = 0; row < m_comparison.differing_keys.size(); ++row) {
        m_settings->setItem(row, 0, new QTableWidgetItem(m_comparison.differing_keys[row]));
        for (int column = 0; column < m_comparison.differing_values[row].size(); ++column)
            m_settings->setItem(row, column + 1, new QTableWidgetItem(m_comparison.differing_values[row][column]));
    }
    if (m_comparison.differing_keys.isEmpty() && runs.size() > 1) {
        m_settings->setRowCount(1);
        m_settings->setItem(0, 0, new QTableWidgetItem(tr("(every setting is the same)")));
    }
    m_settings->resizeColumnsToContents();
    fit_height(m_settings);

    m_results->clear();
    const QStringList columns{tr("Run"), tr("Status"), tr("Best held-out loss"), tr("Final held-out loss"),
                              tr("Trainable parameters"), tr("ms per step"), tr("Peak memory (MB)")};
    m_results->setColumnCount(columns.size());
    m_results->setHorizontalHeaderLabels(columns);
    m_results->setRowCount(static_cast<int>(runs.size()));
    for (int row = 0; row < static_cast<int>(runs.size()); ++row) {
        const RunResults& r = runs[row].results;
        const QStringList cells{run_label(runs[row].record), run_status_label(runs[row].record.status),
                                number_or_dash(r.best_eval_loss, 4), number_or_dash(r.final_eval_loss, 4),
                                QLocale().toString(r.trainable_parameters), number_or_dash(r.seconds_per_step * 1000, 1),
                                number_or_dash(r.peak_memory_mb, 0)};
        for (int column = 0; column < cells.size(); ++column)
            m_results->setItem(row, column, new QTableWidgetItem(cells[column]));
    }
    m_results->resizeColumnsToContents();
    fit_height(m_results);
}

void ComparePage::fillScatters()
{
    for (DecompositionScatter* scatter : m_scatters)
        delete scatter;
    m_scatters.clear();
    for (const ComparedRun& run : m_comparison.runs) {
        auto* scatter = new DecompositionScatter;
        scatter->setTitle(run_label(run.record));
        scatter->setMinimumWidth(360);
        scatter->expectSteps(static_cast<int>(run.layer_stats.size()));
        for (const LayerStats& s : run.layer_stats) {
            const LayerStatsColumns c = layer_stats_columns(s);
            scatter->appendLayerStats(s.step, c.names, c.delta_m, c.delta_d);
        }
        m_scatter_row->addWidget(scatter);
        m_scatters << scatter;
    }
}

bool ComparePage::saveCurvesCsv(const QString& path, QString* error) const
{
    QString text;
    QTextStream out(&text);
    out << "run_id,run,step,samples_seen,tokens_seen,seconds,training_loss,held_out_loss\n";
    for (const ComparedRun& run : m_comparison.runs) {
        std::map<int, double> held_out;
        for (const EvalResult& e : run.evals)
            held_out[e.step] = e.loss;
        auto row = [&](int step, double seconds, double loss) {
            const auto it = held_out.find(step);
            out << run.record.id << ',' << csv_field(run_label(run.record)) << ',' << step << ','
                << csv_number(axis_value(run, step, seconds, CompareAxis::Samples)) << ','
                << csv_number(axis_value(run, step, seconds, CompareAxis::Tokens)) << ',' << csv_number(seconds) << ','
                << csv_number(loss) << ',' << (it == held_out.end() ? QString() : csv_number(it->second)) << '\n';
            if (it != held_out.end())
                held_out.erase(it);
        };
        for (const StepMetrics& m : run.steps)
            row(m.step, m.seconds, m.loss);
        for (const auto& [step, loss] : std::map<int, double>(held_out))  // step 0, before training
            row(step, axis_value_at_step(run, step, CompareAxis::Seconds), std::nan(""));
    }
    out.flush();
    return write_text_file(path, text, error);
}

bool ComparePage::saveTablesCsv(const QString& path, QString* error) const
{
    QString text;
    QTextStream out(&text);
    out << "run_id,run,method,status";
    for (const QString& key : m_comparison.differing_keys)
        out << ',' << csv_field(key);
    out << ",best_held_out_loss,final_held_out_loss,trainable_parameters,seconds_per_step,peak_memory_mb\n";
    for (size_t i = 0; i < m_comparison.runs.size(); ++i) {
        const ComparedRun& run = m_comparison.runs[i];
        out << run.record.id << ',' << csv_field(run_label(run.record)) << ',' << QString::fromStdString(run.record.method)
            << ',' << QString::fromStdString(run.record.status);
        for (const QStringList& values : m_comparison.differing_values)
            out << ',' << csv_field(values[static_cast<int>(i)]);
        const RunResults& r = run.results;
        out << ',' << csv_number(r.best_eval_loss) << ',' << csv_number(r.final_eval_loss) << ','
            << r.trainable_parameters << ',' << csv_number(r.seconds_per_step) << ',' << csv_number(r.peak_memory_mb)
            << '\n';
    }
    out.flush();
    return write_text_file(path, text, error);
}

bool ComparePage::savePlots(const QString& path_stem, const QString& extension, QString* error) const
{
    if (!m_loss->savePlot(path_stem + QStringLiteral("-loss.") + extension, error))
        return false;
    for (int i = 0; i < m_scatters.size(); ++i) {
        const QString path = QStringLiteral("%1-run-%2-magnitude-vs-direction.%3")
                                 .arg(path_stem)
                                 .arg(m_comparison.runs[i].record.id)
                                 .arg(extension);
        if (!save_plot(m_scatters[i]->customPlot(), path, 0, 0, error))
            return false;
    }
    return true;
}

void ComparePage::report(const QString& text, bool error)
{
    m_status->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
    m_status->setText(text);
    m_status->show();
}

}  // namespace dora::ui
