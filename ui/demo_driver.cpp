#include "demo_driver.h"

#include "main_window.h"
#include "pages/data_page.h"
#include "pages/model_page.h"
#include "pages/train_page.h"
#include "pages/try_page.h"
#include "training/training_session.h"

#include <QApplication>
#include <QDir>
#include <QPushButton>
#include <QTimer>

#include <cstdio>

namespace dora::ui {

DemoDriver::DemoDriver(MainWindow& window, QString demo, QString screenshot_dir, bool quit_when_done)
    : QObject(&window), m_window(window), m_demo(std::move(demo)), m_dir(std::move(screenshot_dir)), m_quit(quit_when_done)
{
}

void DemoDriver::shoot(const QString& name)
{
    if (m_dir.isEmpty())
        return;
    QApplication::processEvents();
    const QString path = QDir(m_dir).filePath(name + ".png");
    if (!m_window.grab().save(path))
        std::fprintf(stderr, "dora-studio: could not save %s\n", qPrintable(path));
}

void DemoDriver::fail(const QString& why)
{
    std::fprintf(stderr, "dora-studio: demo %s: %s\n", qPrintable(m_demo), qPrintable(why));
    Q_EMIT done(false);
    if (m_quit)
        QApplication::exit(1);
}

void DemoDriver::finish(bool ok)
{
    Q_EMIT done(ok);
    if (m_quit)
        QApplication::exit(ok ? 0 : 1);
}

void DemoDriver::showComparisonAndTry(const QList<qint64>& ids)
{
    shoot(QStringLiteral("9-compare"));
    TryPage* attempt = m_window.tryPage();
    attempt->setRun(ids.back());
    m_window.showPage(MainWindow::TryStep);
    connect(attempt, &TryPage::resultReady, this, [this] {
        shoot(QStringLiteral("10-try"));
        finish(true);
    });
    if (attempt->isClassifierRun()) {
        attempt->predict();
    } else {
        attempt->setPrompt(QStringLiteral("the cat"));
        attempt->generate();
    }
}

void DemoDriver::start()
{
    if (!m_dir.isEmpty() && !QDir().mkpath(m_dir))
        return fail(tr("cannot create the folder %1").arg(m_dir));
    if (!m_window.modelPage()->choose(m_demo))
        return fail(tr("there is no built-in demo '%1' (demo-mlp, demo-gpt)").arg(m_demo));

    TrainPage* train = m_window.trainPage();
    connect(&train->session(), &TrainingSession::runCreated, this,
            [this](qint64, int total_steps, int, const QString&) { m_total_steps = total_steps; });
    connect(&train->session(), &TrainingSession::metricsArrived, this, [this, train](const MetricsChunk& chunk) {
        // The "under way" screen once the run is past a third, so its plots have something to show.
        if (!m_shot_training && !chunk.steps.empty() && train->isTraining()) {
            const int step = chunk.steps.back().step;
            if (3 * step >= m_total_steps) {
                m_shot_training = true;
                QTimer::singleShot(150, this, [this] { shoot(QStringLiteral("5-training")); });
            }
        }
    });
    connect(train, &TrainPage::runFinished, this, [this, train](qint64, const QString& status) {
        if (m_comparing)
            return;
        QTimer::singleShot(300, this, [this, train, status] {  // one more plot frame
            shoot(QStringLiteral("6-finished"));
            m_window.showPage(MainWindow::RunsStep);
            shoot(QStringLiteral("7-runs"));
            if (status != QLatin1String("finished"))
                return finish(false);
            // Then the comparison a user makes next: the same setup as LoRA and as DoRA.
            m_comparing = true;
            m_window.showPage(m_demo == QLatin1String("demo-mlp") ? MainWindow::WeightsStep : MainWindow::TrainStep);
            train->startLoraVsDora();
        });
    });
    connect(train, &TrainPage::seriesFinished, this, [this](const QList<qint64>& ids) {
        if (ids.size() < 2)
            return finish(false);
        QTimer::singleShot(300, this, [this, ids] {
            if (m_demo == QLatin1String("demo-mlp")) {
                m_window.showPage(MainWindow::WeightsStep);
                shoot(QStringLiteral("8-weight-vectors"));
            }
            m_window.compareRuns(ids);
            QTimer::singleShot(400, this, [this, ids] { showComparisonAndTry(ids); });
        });
    });

    // Each page gets a moment to lay out before its picture.
    QTimer::singleShot(200, this, [this, train] {
        m_window.showPage(MainWindow::ModelStep);
        shoot(QStringLiteral("1-model"));
        m_window.showPage(MainWindow::DataStep);
        if (auto* button = m_window.dataPage()->findChild<QPushButton*>(QStringLiteral("previewButton")))
            button->click();
        shoot(QStringLiteral("2-data"));
        m_window.showPage(MainWindow::LayersStep);
        shoot(QStringLiteral("3-layers"));
        m_window.showPage(MainWindow::OptionsStep);
        shoot(QStringLiteral("4-options"));
        m_window.showPage(MainWindow::TrainStep);
        train->startRun();
        if (!train->isTraining())
            fail(tr("the run did not start"));
    });
}

}  // namespace dora::ui
