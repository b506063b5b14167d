#include "main_window.h"

#include "dora/data_preview.h"
#include "dora/run_naming.h"
#include "dora/system_check.h"
#include "models/layer_picker.h"
#include "models/layer_selection_model.h"
#include "pages/compare_page.h"
#include "pages/data_page.h"
#include "pages/model_page.h"
#include "pages/options_page.h"
#include "pages/runs_page.h"
#include "pages/train_page.h"
#include "pages/try_page.h"
#include "pages/weights_page.h"
#include "plots/presenter_fonts.h"
#include "teaching/guided_demo.h"

#include <QActionGroup>
#include <QCloseEvent>
#include <QFileDialog>
#include <QMenuBar>
#include <QSettings>
#include <QHBoxLayout>
#include <QListWidget>
#include <QMessageBox>
#include <QStackedWidget>
#include <QStatusBar>

namespace dora::ui {
namespace {

constexpr double kPresenterScale = 1.6;

}  // namespace

MainWindow::MainWindow(const QString& database_path, QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle(tr("DoRA Studio"));
    m_model = new ModelPage;
    m_data = new DataPage;
    m_layers = new LayerPicker;
    m_options = new OptionsPage;
    m_train = new TrainPage(database_path);
    m_runs = new RunsPage(database_path);
    m_weights = new WeightsPage;
    m_compare = new ComparePage(database_path);
    m_try = new TryPage(database_path);

    m_steps = new QListWidget;
    m_steps->addItems({tr("1  Model"), tr("2  Data"), tr("3  Layers"), tr("4  Options"), tr("5  Train"),
                       tr("Weight vectors"), tr("Runs"), tr("Compare"), tr("Try it")});
    m_steps->setFixedWidth(150);
    m_pages = new QStackedWidget;
    for (QWidget* page : {static_cast<QWidget*>(m_model), static_cast<QWidget*>(m_data), static_cast<QWidget*>(m_layers),
                          static_cast<QWidget*>(m_options), static_cast<QWidget*>(m_train), static_cast<QWidget*>(m_weights),
                          static_cast<QWidget*>(m_runs), static_cast<QWidget*>(m_compare), static_cast<QWidget*>(m_try)})
        m_pages->addWidget(page);

    auto* central = new QWidget;
    auto* layout = new QHBoxLayout(central);
    layout->addWidget(m_steps);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);
    statusBar()->showMessage(tr("Runs are kept in %1").arg(database_path));
    buildMenus(database_path);

    connect(m_steps, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);
    connect(m_model, &ModelPage::modelChosen, this, &MainWindow::onModelChosen);
    connect(m_options, &OptionsPage::methodOrRankChanged, m_layers, &LayerPicker::setMethodAndRank);
    connect(m_data, &DataPage::previewRequested, this, [this] {
        RunConfig config;
        config.model.builtin.clear();
        (m_model->isBuiltin() ? config.model.builtin : config.model.path) = m_model->source().toStdString();
        m_options->apply(config);
        m_data->apply(config);
        m_data->preview(config);
    });
    m_model->setArchitectureModel(m_layers->model());
    // The process count is how to run, not what: it travels to the session, not into the config.
    m_train->setConfigSource([this] {
        std::optional<RunConfig> config = currentConfig();
        if (config)
            m_train->session().setProcesses(m_options->processes());
        return config;
    });
    connect(m_train, &TrainPage::runFinished, m_runs, &RunsPage::refresh);
    connect(m_runs, &RunsPage::openRequested, this, [this](qint64 id) {
        m_train->showStoredRun(id);
        showPage(TrainStep);
    });
    connect(m_runs, &RunsPage::compareRequested, this, &MainWindow::compareRuns);
    connect(m_runs, &RunsPage::tryRequested, this, [this](qint64 id) {
        m_try->setRun(id);
        showPage(TryStep);
    });
    connect(m_train, &TrainPage::runFinished, m_try, &TryPage::refreshRuns);
    connect(m_train, &TrainPage::runStarted, m_weights, &WeightsPage::runStarted);
    connect(&m_train->session(), &TrainingSession::metricsArrived, m_weights, &WeightsPage::append);
    connect(m_train, &TrainPage::seriesFinished, this, [this](const QList<qint64>& ids) {
        if (ids.size() >= 2)
            compareRuns(ids);
    });
    connect(m_runs, &RunsPage::resumeRequested, this, [this](qint64 id) {
        if (m_train->isTraining())
            return;
        showPage(TrainStep);
        m_train->resumeRun(id);
    });

    // A reference BLAS makes every run ~30x slower: say so at once, with the package that fixes it.
    if (const BlasCheck check = check_blas(); check.slow)
        statusBar()->showMessage(QString::fromStdString(check.advice));

    // Ready for a demo in two clicks: the first demo is chosen; Train, then Start.
    m_model->choose(QStringLiteral("demo-gpt"));
    showPage(ModelStep);
    resize(1200, 780);
}

void MainWindow::buildMenus(const QString& database_path)
{
    QMenu* view = menuBar()->addMenu(tr("&View"));
    QAction* presenter = view->addAction(tr("Presenter mode (large plot text)"));
    presenter->setCheckable(true);
    presenter->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    connect(presenter, &QAction::toggled, this, &MainWindow::setPresenterMode);
    QAction* full_screen = view->addAction(tr("Full screen"));
    full_screen->setCheckable(true);
    full_screen->setShortcut(QKeySequence::FullScreen);
    connect(full_screen, &QAction::toggled, this, [this](bool on) { on ? showFullScreen() : showNormal(); });
    view->addSeparator();
    view->addAction(tr("Guided demo: LoRA vs DoRA"), this, &MainWindow::startGuidedDemo);

    QMenu* settings = menuBar()->addMenu(tr("&Settings"));
    settings->addAction(tr("Check the maths library"), this, [this] {
        const BlasCheck check = check_blas();
        QMessageBox::information(this, tr("Maths library"),
                                 check.slow ? QString::fromStdString(check.advice)
                                            : tr("Matrix products run at %1 GFLOP/s (%2): fine.")
                                                  .arg(check.gflops, 0, 'f', 0)
                                                  .arg(QString::fromStdString(check.library)));
    });
    settings->addAction(tr("Database location…"), this, [this, database_path] {
        const QString chosen = QFileDialog::getSaveFileName(this, tr("Keep runs in"), database_path,
                                                            tr("Run databases (*.sqlite);;All files (*)"),
                                                            nullptr, QFileDialog::DontConfirmOverwrite);
        if (chosen.isEmpty())
            return;
        QSettings().setValue(QStringLiteral("databasePath"), chosen);
        QMessageBox::information(this, tr("Database location"),
                                 tr("DoRA Studio will keep runs in %1 from its next start.").arg(chosen));
    });
    QMenu* language = settings->addMenu(tr("Language"));
    auto* languages = new QActionGroup(language);
    const QString chosen = QSettings().value(QStringLiteral("language")).toString();
    for (const auto& [code, name] : std::initializer_list<std::pair<QString, QString>>{
             {QString(), tr("System language")}, {QStringLiteral("en"), QStringLiteral("English")},
             {QStringLiteral("zh_CN"), QStringLiteral("简体中文")}}) {
        QAction* action = language->addAction(name);
        action->setCheckable(true);
        action->setChecked(code == chosen);
        languages->addAction(action);
        connect(action, &QAction::triggered, this, [this, code = code] {
            QSettings().setValue(QStringLiteral("language"), code);
            QMessageBox::information(this, tr("Language"), tr("DoRA Studio will use this language from its next start."));
        });
    }
}

void MainWindow::compareRuns(const QList<qint64>& run_ids)
{
    m_runs->refresh();
    m_runs->selectRuns(run_ids);
    m_compare->showRuns(run_ids);
    if (m_presenter)
        scale_plot_fonts(m_compare, kPresenterScale);
    showPage(CompareStep);
}

void MainWindow::setPresenterMode(bool on)
{
    m_presenter = on;
    scale_plot_fonts(this, on ? kPresenterScale : 1.0);
}

GuidedDemo* MainWindow::startGuidedDemo()
{
    if (!m_guide) {
        m_guide = new GuidedDemo(*this);
        addDockWidget(Qt::RightDockWidgetArea, m_guide);
    }
    m_guide->show();
    m_guide->goTo(0);
    return m_guide;
}

void MainWindow::showPage(Page page)
{
    m_steps->setCurrentRow(page);
}

void MainWindow::onModelChosen(const QString& source)
{
    m_layers->setModelInfo(m_model->info());
    m_layers->model()->applyPreset(m_model->info().architecture == "mlp" ? LayerSelectionModel::Preset::AllLinear
                                                                          : LayerSelectionModel::Preset::AllAttention);
    m_layers->setMethodAndRank(m_options->method(), m_options->rank());
    m_data->setModel(source, m_model->isBuiltin());
    RunConfig defaults;
    if (source == "demo-mlp") {  // the spirals learn fast with a larger step and batch
        defaults.train.lr = 1e-2;
        defaults.train.batch_size = 64;
        defaults.adapter.rank = 2;
        defaults.adapter.alpha = 4;
    } else if (source == "demo-gpt") {
        defaults.train.lr = 5e-3;
    } else {
        defaults.train.lr = 2e-4;
        defaults.train.batch_size = 4;
    }
    m_options->show(defaults);
    RunConfig config = defaults;
    config.model.builtin.clear();
    (m_model->isBuiltin() ? config.model.builtin : config.model.path) = source.toStdString();
    m_model->showEstimate(config);
}

std::optional<RunConfig> MainWindow::currentConfig()
{
    RunConfig config;
    if (m_model->source().isEmpty()) {
        showPage(ModelStep);
        return std::nullopt;
    }
    (m_model->isBuiltin() ? config.model.builtin : config.model.path) = m_model->source().toStdString();
    m_data->apply(config);
    m_options->apply(config);
    const QStringList targets = m_layers->model()->targetPatterns();
    if (targets.isEmpty()) {
        QMessageBox::information(this, tr("No layers chosen"), tr("Tick at least one layer to adapt."));
        showPage(LayersStep);
        return std::nullopt;
    }
    config.adapter.targets.clear();
    for (const QString& t : targets)
        config.adapter.targets.push_back(t.toStdString());
    if (m_adjust)
        m_adjust(config);
    config.name = default_run_name(config.model, config.adapter.method, config.adapter.rank);
    if (const int epochs = m_options->epochs(); epochs > 0) {  // epochs -> steps, from the data's size
        try {
            const DataPreview data = preview_data(config, 0);
            const long long per_step = static_cast<long long>(config.train.batch_size) * config.train.grad_accum;
            const long long samples = data.total_samples - data.held_out_samples;
            config.train.steps = static_cast<int>(std::max(1LL, (epochs * samples + per_step - 1) / per_step));
        } catch (const std::exception& e) {
            QMessageBox::warning(this, tr("Data"), QString::fromUtf8(e.what()));
            showPage(DataStep);
            return std::nullopt;
        }
    }
    if (!m_options->validate(config)) {
        showPage(OptionsStep);
        return std::nullopt;
    }
    if (config.data.builtin.empty() && config.data.path.empty()) {
        QMessageBox::information(this, tr("No data chosen"), tr("Choose a data file for this model."));
        showPage(DataStep);
        return std::nullopt;
    }
    return config;
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (m_train->isTraining()) {
        const auto answer = QMessageBox::question(
            this, tr("A run is training"),
            tr("Stop the run and quit? It is kept in the database and can be resumed later."));
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
        m_train->session().stop();  // the session's destructor waits for the step to end
    }
    event->accept();
}

}  // namespace dora::ui
