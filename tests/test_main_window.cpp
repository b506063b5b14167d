// The whole path by simulated clicks, offscreen: pick the demo, keep its layers, choose DoRA, press
// Start, wait for the end; the run is in the database, the plots hold its points, the Runs page
// lists it. Screens of each page are saved to $DORA_SCREENSHOTS when set, to look at them.
#include <QtTest/QtTest>

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QRadioButton>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTableView>
#include <QSignalSpy>
#include <QTemporaryDir>

#include "dora/run_store.h"
#include "main_window.h"
#include "models/layer_picker.h"
#include "models/layer_selection_model.h"
#include "models/runs_table_model.h"
#include "pages/data_page.h"
#include "pages/model_page.h"
#include "pages/options_page.h"
#include "pages/runs_page.h"
#include "pages/train_page.h"
#include "plots/decomposition_scatter.h"
#include "plots/metric_plot.h"

using namespace dora::ui;

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void clickThroughADoraRun()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath("runs.sqlite");
        MainWindow window(db);
        window.resize(1200, 800);
        window.show();
        const QString shots = qEnvironmentVariable("DORA_SCREENSHOTS");
        auto shoot = [&](const QString& name) {
            if (!shots.isEmpty())
                window.grab().save(shots + "/" + name + ".png");
        };

        // Model: click demo-mlp in the demo list.
        auto* demos = window.modelPage()->findChild<QListWidget*>();
        QVERIFY(demos);
        QListWidgetItem* mlp = demos->findItems("demo-mlp", Qt::MatchStartsWith).value(0);
        QVERIFY(mlp);
        const QRect rect = demos->visualItemRect(mlp);
        QTest::mouseClick(demos->viewport(), Qt::LeftButton, {}, rect.center());
        QCOMPARE(window.modelPage()->source(), QString("demo-mlp"));
        shoot("1-model");

        // Layers: the preset ticked the MLP's linear layers.
        window.showPage(MainWindow::LayersStep);
        QCOMPARE(window.layerPicker()->model()->checkedLayers(), (QStringList{"fc1", "fc2", "fc3"}));
        window.layerPicker()->model()->setCheckedLayers({"fc1", "fc2"});
        shoot("3-layers");

        // Options: DoRA is the default method.
        window.showPage(MainWindow::OptionsStep);
        QCOMPARE(window.optionsPage()->method(), QString("dora"));
        shoot("4-options");
        // Two epochs of the spirals (1,080 training points) at batch 64 are 34 steps.
        dora::RunConfig length;
        window.optionsPage()->apply(length);
        length.train.steps = 2;
        window.optionsPage()->show(length);
        for (QComboBox* combo : window.optionsPage()->findChildren<QComboBox*>())
            if (combo->findText("epochs") >= 0)
                combo->setCurrentIndex(combo->findText("epochs"));
        QCOMPARE(window.currentConfig().value().train.steps, 34);

        // Train: Start, and wait for the end.
        window.showPage(MainWindow::TrainStep);
        QSignalSpy finished(window.trainPage(), &TrainPage::runFinished);
        auto* start = window.trainPage()->findChild<QPushButton*>("startButton");
        QVERIFY(start && start->isEnabled());
        QTest::mouseClick(start, Qt::LeftButton);
        QVERIFY(window.trainPage()->isTraining());
        QTest::qWait(300);
        shoot("5-training");
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 120000);  // the demo may finish during the wait above
        QCOMPARE(finished.first().at(1).toString(), QString("finished"));
        QTest::qWait(200);  // one more plot frame
        shoot("5-finished");

        const qint64 id = finished.first().at(0).toLongLong();
        const dora::RunStore store(db.toStdString());
        const auto run = store.find_run(id);
        QVERIFY(run.has_value());
        QCOMPARE(run->status, std::string("finished"));
        QCOMPARE(run->method, std::string("dora"));
        QCOMPARE(window.trainPage()->lossPlot()->pointCount("train"), run->steps_done);
        QVERIFY(window.trainPage()->scatter()->pointCount() > 0);

        // Runs: the run is listed.
        window.showPage(MainWindow::RunsStep);
        QCOMPARE(window.runsPage()->model()->rowCount(), 1);
        QCOMPARE(window.runsPage()->model()->runAt(0)->id, id);
        auto* table = window.runsPage()->findChild<QTableView*>();
        table->selectRow(0);
        QCOMPARE(window.runsPage()->selectedRun(), id);
        window.runsPage()->findChild<QPlainTextEdit*>()->setPlainText("rank 2 was enough");
        auto* save = window.runsPage()->findChild<QPushButton*>("saveNotesButton");
        QVERIFY(save && save->isEnabled());
        QTest::mouseClick(save, Qt::LeftButton);
        QCOMPARE(dora::RunStore(db.toStdString()).find_run(id)->notes, std::string("rank 2 was enough"));
        shoot("6-runs");

        // A run that fails says so above the plots, not only in a background tab. (Length in steps
        // again: in epochs the window would first read the missing file and say so in a dialog.)
        for (QComboBox* combo : window.optionsPage()->findChildren<QComboBox*>())
            if (combo->findText("steps") >= 0)
                combo->setCurrentIndex(combo->findText("steps"));
        window.showPage(MainWindow::DataStep);
        for (QRadioButton* radio : window.dataPage()->findChildren<QRadioButton*>())
            if (radio->text().contains("file"))
                radio->setChecked(true);
        window.dataPage()->findChild<QLineEdit*>()->setText("/nonexistent/points.csv");
        window.showPage(MainWindow::TrainStep);
        QTest::mouseClick(start, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 2, 60000);
        QCOMPARE(finished.last().at(1).toString(), QString("failed"));
        bool shown = false;
        for (QLabel* label : window.trainPage()->findChildren<QLabel*>())
            shown = shown || (label->isVisible() && label->text().startsWith("The run failed") &&
                              label->text().contains("/nonexistent/points.csv"));
        QVERIFY(shown);
    }

    void startingARunKeepsTheLayout()
    {
        // At its narrowest the window is as wide as the Train page's row of controls. Progress text
        // that appeared beside the bar once steps arrived widened that row: the window grew, and every
        // plot was laid out and repainted again while the run began (a 19-53 ms stall).
        QTemporaryDir dir;
        MainWindow window(dir.filePath("runs.sqlite"));
        window.resize(400, 700);  // below the minimum: the window takes its narrowest width
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.modelPage()->choose("demo-mlp"));
        dora::RunConfig config;
        window.optionsPage()->apply(config);
        config.train.steps = 400;
        window.optionsPage()->show(config);
        window.showPage(MainWindow::TrainStep);
        QTest::qWait(50);
        const QSize window_size = window.size();
        qInfo("narrowest window: %d px", window_size.width());
        const QSize plot_size = window.trainPage()->lossPlot()->size();

        QSignalSpy finished(window.trainPage(), &TrainPage::runFinished);
        window.trainPage()->startRun();
        auto* progress = window.trainPage()->findChild<QProgressBar*>();
        QVERIFY(progress);
        QTRY_VERIFY_WITH_TIMEOUT(progress->text().contains(QStringLiteral("elapsed")) || finished.count() > 0, 60000);
        QTest::qWait(50);  // the layout requests of that update
        QCOMPARE(window.size(), window_size);
        QCOMPARE(window.trainPage()->lossPlot()->size(), plot_size);
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 120000);
        QCOMPARE(window.size(), window_size);
        QVERIFY2(progress->text().startsWith(QStringLiteral("step 400 of 400")), qPrintable(progress->text()));
        QVERIFY(!progress->text().contains(QStringLiteral("elapsed")));  // a finished run has no time left
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
