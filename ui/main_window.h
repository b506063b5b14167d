// The DoRA Studio main window: a list of steps on the left (Model, Data, Layers, Options, Train,
// Runs) and the page of the chosen step on the right. It assembles the run config from the pages and
// hands it to the training page; closing during a run asks, stops cleanly and keeps the run.
#pragma once

#include "dora/run_config.h"

#include <QMainWindow>

#include <optional>

class QListWidget;
class QStackedWidget;

namespace dora::ui {

class DataPage;
class LayerPicker;
class ModelPage;
class OptionsPage;
class RunsPage;
class TrainPage;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum Page { ModelStep, DataStep, LayersStep, OptionsStep, TrainStep, RunsStep };

    explicit MainWindow(const QString& database_path, QWidget* parent = nullptr);

    void showPage(Page page);
    // The run the pages describe, checked; nothing (and the page with the problem shown) when wrong.
    std::optional<RunConfig> currentConfig();

    ModelPage* modelPage() const { return m_model; }
    DataPage* dataPage() const { return m_data; }
    LayerPicker* layerPicker() const { return m_layers; }
    OptionsPage* optionsPage() const { return m_options; }
    TrainPage* trainPage() const { return m_train; }
    RunsPage* runsPage() const { return m_runs; }

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void onModelChosen(const QString& source);

    QListWidget* m_steps;
    QStackedWidget* m_pages;
    ModelPage* m_model;
    DataPage* m_data;
    LayerPicker* m_layers;
    OptionsPage* m_options;
    TrainPage* m_train;
    RunsPage* m_runs;
};

}  // namespace dora::ui
