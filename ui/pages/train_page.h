// Training and watching: Start, Pause/Resume, Stop; progress with elapsed and remaining time; live
// plots of the losses, learning rate, gradient norm and throughput, per-layer ΔM/ΔD, and the
// ΔD-versus-ΔM scatter with its correlation; a log of messages. Also shows a stored run again.
#pragma once

#include "dora/run_config.h"
#include "training/training_session.h"

#include <QElapsedTimer>
#include <QWidget>

#include <functional>
#include <optional>
#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSlider;
class QTabWidget;

namespace dora::ui {

class DecompositionScatter;
class LayerChangePlot;
class MetricPlot;

class TrainPage : public QWidget {
    Q_OBJECT
public:
    explicit TrainPage(const QString& database_path, QWidget* parent = nullptr);

    // Called on Start: the run to train, or nothing when the other pages found a problem.
    void setConfigSource(std::function<std::optional<RunConfig>()> source) { m_config_source = std::move(source); }
    TrainingSession& session() { return m_session; }
    bool isTraining() const { return m_session.isRunning(); }

    void startRun();
    // Trains the configs one after the other (a LoRA-vs-DoRA comparison), each shown live; after the
    // last one, or when one does not finish, seriesFinished() names the runs made.
    void startSeries(const std::vector<RunConfig>& configs);
    // The LoRA-vs-DoRA action: the current config as LoRA and as DoRA (and DoRA at half the rank when
    // the box is ticked), the same in everything else.
    void startLoraVsDora();
    void resumeRun(long long run_id);
    void stopRun();
    // Draws a stored run's metrics from the database (a finished, stopped or interrupted run).
    void showStoredRun(long long run_id);

    MetricPlot* lossPlot() const { return m_loss; }
    DecompositionScatter* scatter() const { return m_scatter; }
    LayerChangePlot* layerPlot() const { return m_layers; }

Q_SIGNALS:
    void runFinished(qint64 run_id, const QString& status);
    void runStarted(const QString& method);  // lora | dora | full, as each run (or resume) begins
    void seriesFinished(const QList<qint64>& run_ids);

private:
    void clearPlots();
    void launch(const RunConfig& config);
    void onFinished(qint64 id, const QString& status, const QString& message, double final_loss);
    void setRunning(bool running);
    void append(const MetricsChunk& chunk);
    void log(const QString& text);
    void savePlots();

    QString m_database;
    TrainingSession m_session;
    std::function<std::optional<RunConfig>()> m_config_source;
    QPushButton* m_start;
    QPushButton* m_compare;
    QCheckBox* m_half_rank;
    QPushButton* m_pause;
    QPushButton* m_stop;
    QProgressBar* m_progress;
    QSlider* m_smoothing;
    QCheckBox* m_log_scale;
    QComboBox* m_layer_mode;
    QPushButton* m_save;
    MetricPlot* m_loss;
    MetricPlot* m_rate;
    MetricPlot* m_grad;
    MetricPlot* m_speed;
    LayerChangePlot* m_layers;
    DecompositionScatter* m_scatter;
    QPlainTextEdit* m_log;
    QTabWidget* m_side_tabs;
    QLabel* m_outcome;
    QElapsedTimer m_clock;
    int m_total_steps = 0, m_start_step = 0;
    std::vector<RunConfig> m_queue;  // the series' runs still to train
    QList<qint64> m_series;          // the series' runs so far
    bool m_series_active = false;
};

}  // namespace dora::ui
