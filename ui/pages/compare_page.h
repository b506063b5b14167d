// Two or more runs side by side: loss curves overlaid (against steps, samples or tokens seen, or
// time), the settings that differ, a results table (best and final held-out loss, trainable
// parameters, time per step, peak memory) and each run's ΔD-versus-ΔM plot with its slope and
// correlation. Curves and tables save as PNG/SVG/PDF and CSV.
#pragma once

#include "compare/run_comparison.h"

#include <QWidget>

class QComboBox;
class QCheckBox;
class QHBoxLayout;
class QLabel;
class QSlider;
class QTableWidget;

namespace dora::ui {

class DecompositionScatter;
class MetricPlot;

class ComparePage : public QWidget {
    Q_OBJECT
public:
    explicit ComparePage(const QString& database_path, QWidget* parent = nullptr);

    // Reads the runs from the database and shows them; false (and the reason on the page) on failure.
    bool showRuns(const QList<qint64>& run_ids);
    const RunComparison& comparison() const { return m_comparison; }

    MetricPlot* lossPlot() const { return m_loss; }
    QTableWidget* settingsTable() const { return m_settings; }
    QTableWidget* resultsTable() const { return m_results; }
    QList<DecompositionScatter*> scatters() const { return m_scatters; }
    void setAxis(CompareAxis axis);

    // Exports; false and a sentence in `error` when a file cannot be written.
    bool saveCurvesCsv(const QString& path, QString* error) const;
    bool saveTablesCsv(const QString& path, QString* error) const;
    bool savePlots(const QString& path_stem, const QString& extension, QString* error) const;

private:
    void drawCurves();
    void fillTables();
    void fillScatters();
    void exportWithDialog();
    void report(const QString& text, bool error);

    QString m_database;
    RunComparison m_comparison;
    CompareAxis m_axis = CompareAxis::Step;
    QLabel* m_heading;
    QLabel* m_status;
    QComboBox* m_axis_choice;
    QSlider* m_smoothing;
    QCheckBox* m_log_scale;
    MetricPlot* m_loss;
    QTableWidget* m_settings;
    QTableWidget* m_results;
    QHBoxLayout* m_scatter_row;
    QList<DecompositionScatter*> m_scatters;
};

}  // namespace dora::ui
