#include "pages/train_page.h"

#include "dora/comparison.h"
#include "dora/run_store.h"
#include "plots/decomposition_scatter.h"
#include "plots/layer_change_plot.h"
#include "plots/live_series.h"
#include "plots/metric_plot.h"
#include "plots/plot_export.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <qcustomplot.h>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QSplitter>
#include <QTabWidget>
#include <QTime>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>

namespace dora::ui {
namespace {

QString duration(double seconds)
{
    const int s = static_cast<int>(std::lround(seconds));
    return s >= 3600 ? QStringLiteral("%1:%2:%3").arg(s / 3600).arg(s / 60 % 60, 2, 10, QChar('0')).arg(s % 60, 2, 10, QChar('0'))
                     : QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
}

MetricPlot* metric_plot(const QString& title, const QString& y)
{
    auto* plot = new MetricPlot;
    plot->setTitle(title);
    plot->setAxisLabels(QObject::tr("step"), y);
    return plot;
}

}  // namespace

TrainPage::TrainPage(const QString& database_path, QWidget* parent)
    : QWidget(parent), m_database(database_path), m_session(database_path)
{
    m_start = new QPushButton(tr("Start"));
    m_start->setObjectName(QStringLiteral("startButton"));
    m_start->setToolTip(tr("Train with the model, data, layers and options you chose."));
    m_compare = new QPushButton(tr("LoRA vs DoRA"));
    m_compare->setObjectName(QStringLiteral("loraVsDoraButton"));
    m_compare->setToolTip(tr("Train this setup twice, as LoRA and as DoRA - same model, data, seed, data order, "
                             "rank and layers - then compare the two runs."));
    m_half_rank = new QCheckBox(tr("+ DoRA at half rank"));
    m_half_rank->setToolTip(tr("Also train DoRA with half the rank: does it match LoRA with fewer parameters?"));
    m_pause = new QPushButton(tr("Pause"));
    m_pause->setCheckable(true);
    m_stop = new QPushButton(tr("Stop"));
    m_stop->setObjectName(QStringLiteral("stopButton"));
    m_stop->setToolTip(tr("Stop after the current step; the run is kept and can be resumed."));
    m_progress = new QProgressBar;
    m_progress->setFormat(tr("step %v of %m"));
    m_smoothing = new QSlider(Qt::Horizontal);
    m_smoothing->setRange(0, 99);
    m_smoothing->setMinimumWidth(80);
    m_smoothing->setMaximumWidth(140);
    m_smoothing->setToolTip(tr("Smooth the training loss (a moving average) to see the trend through the noise."));
    m_log_scale = new QCheckBox(tr("Log scale"));
    m_layer_mode = new QComboBox;
    m_layer_mode->addItem(tr("Per layer: magnitude change ΔM"));
    m_layer_mode->addItem(tr("Per layer: direction change ΔD"));
    m_layer_mode->setToolTip(tr("Magnitude: how much each neuron's strength changed. Direction: how much the "
                                "way its weights point turned."));
    m_save = new QPushButton(tr("Save plots…"));
    m_save->setToolTip(tr("Save every plot as PNG, PDF and SVG into a folder."));

    m_loss = metric_plot(tr("Loss"), tr("loss"));
    m_loss->addSeries(QStringLiteral("train"), tr("training loss"));
    m_loss->addSeries(QStringLiteral("eval"), tr("held-out loss"), /*markers=*/true);
    m_rate = metric_plot(tr("Learning rate"), tr("learning rate"));
    m_grad = metric_plot(tr("Gradient norm"), tr("norm before clipping"));
    m_speed = metric_plot(tr("Throughput"), tr("tokens per second"));
    m_layers = new LayerChangePlot;
    m_scatter = new DecompositionScatter;
    m_log = new QPlainTextEdit;
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(2000);
    m_log->setPlaceholderText(tr("Messages about the run appear here."));

    // Two rows: the run (buttons, then the progress bar with its text inside), and the view of the
    // plots. In one row they made the window at least 1306 pixels wide, more than a laptop's screen
    // once the guided demo's panel is open.
    auto* run_row = new QHBoxLayout;
    for (QWidget* w : {static_cast<QWidget*>(m_start), static_cast<QWidget*>(m_compare), static_cast<QWidget*>(m_half_rank),
                       static_cast<QWidget*>(m_pause), static_cast<QWidget*>(m_stop)})
        run_row->addWidget(w);
    // Room for "step 9999 of 9999 · 12:34 elapsed · 1:23:45 left" from the start: the bar's text
    // grows while a run goes, and the row must not (see append()).
    m_progress->setMinimumWidth(
        m_progress->fontMetrics().horizontalAdvance(tr("step %v of %m · %1 elapsed · %2 left").arg("12:34", "1:23:45")) + 40);
    run_row->addWidget(m_progress, 1);
    auto* view_row = new QHBoxLayout;
    view_row->addStretch(1);
    view_row->addWidget(new QLabel(tr("Smoothing")));
    view_row->addWidget(m_smoothing);
    view_row->addWidget(m_log_scale);
    view_row->addWidget(m_layer_mode);
    view_row->addWidget(m_save);

    m_outcome = new QLabel;
    m_outcome->setWordWrap(true);
    m_outcome->hide();
    auto* small = m_side_tabs = new QTabWidget;
    small->addTab(m_rate, tr("Learning rate"));
    small->addTab(m_grad, tr("Gradient norm"));
    small->addTab(m_speed, tr("Throughput"));
    small->addTab(m_log, tr("Log"));
    auto* grid = new QGridLayout;
    grid->addWidget(m_loss, 0, 0);
    grid->addWidget(m_scatter, 0, 1);
    grid->addWidget(m_layers, 1, 0);
    grid->addWidget(small, 1, 1);
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);
    grid->setRowStretch(0, 1);
    grid->setRowStretch(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(run_row);
    layout->addLayout(view_row);
    layout->addWidget(m_outcome);
    layout->addLayout(grid, 1);

    connect(m_start, &QPushButton::clicked, this, &TrainPage::startRun);
    connect(m_compare, &QPushButton::clicked, this, &TrainPage::startLoraVsDora);
    connect(m_pause, &QPushButton::toggled, this, [this](bool paused) {
        m_session.setPaused(paused);
        m_pause->setText(paused ? tr("Resume") : tr("Pause"));
        log(paused ? tr("Paused.") : tr("Resumed."));
    });
    connect(m_stop, &QPushButton::clicked, this, &TrainPage::stopRun);
    connect(m_smoothing, &QSlider::valueChanged, this, [this](int v) { m_loss->setSmoothing(v / 100.0); });
    connect(m_log_scale, &QCheckBox::toggled, this, [this](bool on) { m_loss->setLogScale(on); });
    connect(m_layer_mode, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_layers->setMode(index == 0 ? LayerChangePlot::Mode::Magnitude : LayerChangePlot::Mode::Direction);
    });
    connect(m_save, &QPushButton::clicked, this, &TrainPage::savePlots);

    connect(&m_session, &TrainingSession::runCreated, this,
            [this](qint64 id, int total, int start, const QString& description) {
                m_total_steps = total;
                m_start_step = start;
                m_progress->setRange(0, total);
                m_progress->setValue(start);
                log(tr("Run %1 started: %2").arg(id).arg(description));
            });
    connect(&m_session, &TrainingSession::metricsArrived, this, &TrainPage::append);
    connect(&m_session, &TrainingSession::message, this, &TrainPage::log);
    connect(&m_session, &TrainingSession::finished, this, &TrainPage::onFinished);
    setRunning(false);
}

void TrainPage::onFinished(qint64 id, const QString& status, const QString& message, double final_loss)
{
    setRunning(false);
    // A failure must not hide in a background tab: say it above the plots and open the log.
    const bool failed = status == QLatin1String("failed");
    m_outcome->setStyleSheet(failed ? QStringLiteral("color: #b00020; font-weight: bold;") : QString());
    m_outcome->setText(failed ? tr("The run failed: %1").arg(message) : QString());
    m_outcome->setVisible(failed);
    if (failed)
        m_side_tabs->setCurrentWidget(m_log);
    log(message.isEmpty() ? tr("Run %1 %2; held-out loss %3.").arg(id).arg(status).arg(final_loss, 0, 'f', 4)
                          : tr("Run %1 %2: %3").arg(id).arg(status, message));
    Q_EMIT runFinished(id, status);
    if (!m_series_active)
        return;
    if (id != 0)
        m_series << id;
    if (status == QLatin1String("finished") && !m_queue.empty()) {
        const RunConfig next = m_queue.front();
        m_queue.erase(m_queue.begin());
        // Start the next run once the finished one's signal has been handled everywhere.
        QTimer::singleShot(0, this, [this, next] { launch(next); });
        return;
    }
    m_queue.clear();
    m_series_active = false;
    Q_EMIT seriesFinished(m_series);
}

void TrainPage::setRunning(bool running)
{
    m_start->setEnabled(!running);
    m_compare->setEnabled(!running);
    m_pause->setEnabled(running);
    m_stop->setEnabled(running);
    if (!running) {
        m_pause->setChecked(false);
        m_progress->setFormat(tr("step %v of %m"));
    }
}

void TrainPage::clearPlots()
{
    m_outcome->hide();
    for (MetricPlot* plot : {m_loss, m_rate, m_grad, m_speed})
        plot->clear();
    m_layers->clear();
    m_scatter->clear();
}

void TrainPage::startRun()
{
    const std::optional<RunConfig> config = m_config_source ? m_config_source() : std::nullopt;
    if (!config)
        return;
    m_queue.clear();
    m_series_active = false;
    launch(*config);
}

void TrainPage::startSeries(const std::vector<RunConfig>& configs)
{
    if (isTraining() || configs.empty())
        return;
    m_queue.assign(configs.begin() + 1, configs.end());
    m_series.clear();
    m_series_active = true;
    log(tr("Training %n runs one after the other, then comparing them.", nullptr, static_cast<int>(configs.size())));
    launch(configs.front());
}

void TrainPage::startLoraVsDora()
{
    const std::optional<RunConfig> config = m_config_source ? m_config_source() : std::nullopt;
    if (config)
        startSeries(lora_vs_dora_configs(*config, m_half_rank->isChecked()));
}

void TrainPage::launch(const RunConfig& config)
{
    clearPlots();
    m_clock.start();
    setRunning(true);
    Q_EMIT runStarted(QString::fromStdString(config.adapter.method));
    m_session.start(config);
}

void TrainPage::resumeRun(long long run_id)
{
    showStoredRun(run_id);
    m_clock.start();
    setRunning(true);
    try {
        if (const auto record = RunStore(m_database.toStdString()).find_run(run_id))
            Q_EMIT runStarted(QString::fromStdString(record->method));
    } catch (const std::exception&) {  // the resume itself reports an unusable store
    }
    m_session.resume(run_id);
}

void TrainPage::stopRun()
{
    m_session.stop();
    log(tr("Stopping after the current step…"));
}

void TrainPage::append(const MetricsChunk& chunk)
{
    QVector<double> steps, loss, rate, grad, speed;
    for (const StepMetrics& m : chunk.steps) {
        steps.push_back(m.step);
        loss.push_back(m.loss);
        rate.push_back(m.learning_rate);
        grad.push_back(m.grad_norm);
        speed.push_back(m.tokens_per_second);
    }
    m_loss->appendPoints(QStringLiteral("train"), steps, loss);
    m_rate->appendPoints(QStringLiteral("lr"), steps, rate);
    m_grad->appendPoints(QStringLiteral("grad"), steps, grad);
    m_speed->appendPoints(QStringLiteral("speed"), steps, speed);
    QVector<double> eval_steps, eval_loss;
    for (const EvalResult& e : chunk.evals) {
        eval_steps.push_back(e.step);
        eval_loss.push_back(e.loss);
    }
    m_loss->appendPoints(QStringLiteral("eval"), eval_steps, eval_loss);
    for (const LayerStats& s : chunk.layer_stats) {
        const LayerStatsColumns c = layer_stats_columns(s);
        m_layers->appendLayerStats(s.step, c.names, c.delta_m, c.delta_d);
        m_scatter->appendLayerStats(s.step, c.names, c.delta_m, c.delta_d);
    }
    if (!chunk.steps.empty()) {
        const int step = chunk.steps.back().step;
        m_progress->setValue(step);
        if (!m_session.isRunning())
            return;
        const double elapsed = m_clock.elapsed() / 1000.0;
        const int done = step - m_start_step;
        const double remaining = done > 0 ? elapsed / done * (m_total_steps - step) : 0;
        // Inside the bar, whose width was fixed when the page was made: a label beside it that gained
        // this text when the first steps arrived widened the row, and a window at its narrowest then
        // grew and laid out every plot again (a 19-53 ms stall of the GUI thread at each run's start).
        m_progress->setFormat(tr("step %v of %m · %1 elapsed · %2 left").arg(duration(elapsed), duration(remaining)));
    }
}

void TrainPage::showStoredRun(long long run_id)
{
    clearPlots();
    try {
        const RunStore store(m_database.toStdString());
        const auto record = store.find_run(run_id);
        if (!record)
            return;
        MetricsChunk chunk;
        chunk.steps = store.step_metrics(run_id);
        chunk.evals = store.eval_results(run_id);
        chunk.layer_stats = store.layer_stats(run_id);
        m_total_steps = record->total_steps;
        m_progress->setRange(0, record->total_steps);
        m_progress->setValue(record->steps_done);
        m_scatter->expectSteps(static_cast<int>(chunk.layer_stats.size()));
        append(chunk);
        log(tr("Showing run %1 '%2' (%3).").arg(run_id).arg(QString::fromStdString(record->name),
                                                           QString::fromStdString(record->status)));
    } catch (const std::exception& e) {
        log(tr("Could not read run %1: %2").arg(run_id).arg(QString::fromUtf8(e.what())));
    }
}

void TrainPage::savePlots()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Save the plots into"));
    if (dir.isEmpty())
        return;
    QString error;
    const std::pair<MetricPlot*, const char*> metrics[] = {
        {m_loss, "loss"}, {m_rate, "learning-rate"}, {m_grad, "gradient-norm"}, {m_speed, "throughput"}};
    for (const char* ext : {".png", ".pdf", ".svg"}) {
        for (const auto& [plot, name] : metrics)
            if (!plot->savePlot(QDir(dir).filePath(name + QString(ext)), &error))
                log(error);
        for (const auto& [plot, name] : {std::pair<QCustomPlot*, QString>{m_layers->customPlot(), "layer-change"},
                                         {m_scatter->customPlot(), "magnitude-vs-direction"}})
            if (!save_plot(plot, QDir(dir).filePath(name + ext), 0, 0, &error))
                log(error);
    }
    log(tr("Saved the plots in %1.").arg(dir));
}

void TrainPage::log(const QString& text)
{
    m_log->appendPlainText(QTime::currentTime().toString(QStringLiteral("HH:mm:ss  ")) + text);
}

}  // namespace dora::ui
