// The DoRA Studio main window: a list of steps on the left (Model, Data, Layers, Options, Train,
// Runs) and the page of the chosen step on the right. It assembles the run config from the pages and
// hands it to the training page; closing during a run asks, stops cleanly and keeps the run.
#pragma once

#include "dora/run_config.h"

#include <QMainWindow>

#include <functional>
#include <optional>

class QListWidget;
class QStackedWidget;

namespace dora::ui {

class ComparePage;
class DataPage;
class GuidedDemo;
class TryPage;
class WeightsPage;
class LayerPicker;
class ModelPage;
class OptionsPage;
class RunsPage;
class TrainPage;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum Page { ModelStep, DataStep, LayersStep, OptionsStep, TrainStep, WeightsStep, RunsStep, CompareStep, TryStep };

    explicit MainWindow(const QString& database_path, QWidget* parent = nullptr);

    void showPage(Page page);
    // The run the pages describe, checked; nothing (and the page with the problem shown) when wrong.
    std::optional<RunConfig> currentConfig();
    // A last change to every config the pages produce (the guided demo's steps and logging); nullptr: none.
    void setConfigAdjustment(std::function<void(RunConfig&)> adjust) { m_adjust = std::move(adjust); }

    void compareRuns(const QList<qint64>& run_ids);  // opens the Compare page on them
    void setPresenterMode(bool on);                  // larger plot fonts
    bool presenterMode() const { return m_presenter; }
    GuidedDemo* startGuidedDemo();

    ModelPage* modelPage() const { return m_model; }
    DataPage* dataPage() const { return m_data; }
    LayerPicker* layerPicker() const { return m_layers; }
    OptionsPage* optionsPage() const { return m_options; }
    TrainPage* trainPage() const { return m_train; }
    RunsPage* runsPage() const { return m_runs; }
    WeightsPage* weightsPage() const { return m_weights; }
    ComparePage* comparePage() const { return m_compare; }
    TryPage* tryPage() const { return m_try; }

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void onModelChosen(const QString& source);
    void buildMenus(const QString& database_path);

    QListWidget* m_steps;
    QStackedWidget* m_pages;
    ModelPage* m_model;
    DataPage* m_data;
    LayerPicker* m_layers;
    OptionsPage* m_options;
    TrainPage* m_train;
    RunsPage* m_runs;
    WeightsPage* m_weights;
    ComparePage* m_compare;
    TryPage* m_try;
    GuidedDemo* m_guide = nullptr;
    std::function<void(RunConfig&)> m_adjust;
    bool m_presenter = false;
};

}  // namespace dora::ui
