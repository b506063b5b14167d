// Comparing runs, the LoRA-vs-DoRA action, "try it", the weight arrows, the guided demo and the
// presenter mode, offscreen. Stored runs are written straight into a store, so the expected series,
// settings and results are known exactly; the action and the demo train demo-mlp for real (briefly).
#include <QtTest/QtTest>

#include <QPlainTextEdit>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTextBlock>

#include "compare/run_comparison.h"
#include "dora/comparison.h"
#include "dora/recorded_run.h"
#include "dora/run_store.h"
#include "main_window.h"
#include "pages/compare_page.h"
#include "pages/model_page.h"
#include "pages/train_page.h"
#include "pages/try_page.h"
#include "pages/weights_page.h"
#include "plots/decomposition_scatter.h"
#include "plots/metric_plot.h"
#include "plots/weight_vectors_plot.h"
#include "teaching/guided_demo.h"

#include <qcustomplot.h>

#include <set>

using namespace dora;
using namespace dora::ui;

namespace {

QString read_file(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

// A stored run with `steps` logged steps (0.01 s each), evaluations every 5 steps and layer statistics
// for two layers every 5 steps.
long long stored_run(RunStore& store, const RunConfig& config, int steps)
{
    NewRun run{config.name, config.adapter.method, "demo-mlp", "builtin:demo-mlp", "builtin:demo-mlp",
               run_config_to_json(config), steps, 100, 1000};
    const long long id = store.create_run(run);
    MetricsBatch batch;
    for (int s = 1; s <= steps; ++s)
        batch.steps.push_back({s, 2.0 / s, 1e-3, 1.0, 100.0, 100.0, 0.01 * s});
    for (int s = 0; s <= steps; s += 5) {
        batch.evals.push_back({s, 1.5 - 0.01 * s});
        batch.layer_stats.push_back({s, {{"fc1", 0.01 * s, 0.002 * s}, {"fc2", 0.02 * s, 0.001 * s}}});
    }
    store.write_metrics(id, batch);
    store.finish_run(id, "finished", "");
    return id;
}

RunConfig config_with(const std::string& method, double lr)
{
    RunConfig c;
    c.name = method;
    c.model.builtin = c.data.builtin = "demo-mlp";
    c.adapter.method = method;
    c.train.lr = lr;
    c.train.batch_size = 16;
    return c;
}

QCPGraph* graph_named(QCustomPlot* plot, const QString& name)
{
    for (int i = 0; i < plot->graphCount(); ++i)
        if (plot->graph(i)->name() == name)
            return plot->graph(i);
    return nullptr;
}

// Points through the smallest demo: a few steps of demo-mlp with the layer statistics every step.
void short_mlp_runs(MainWindow& window, int steps)
{
    window.modelPage()->choose(QStringLiteral("demo-mlp"));
    window.setConfigAdjustment([steps](RunConfig& config) {
        config.train.steps = steps;
        config.log.layer_stats_every = 1;
        config.train.threads = 1;
    });
}

}  // namespace

class TestComparePage : public QObject {
    Q_OBJECT
private slots:
    void comparisonOfTwoStoredRunsShowsBothSeriesAndTheSettingsDiff()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath("runs.sqlite");
        long long a = 0, b = 0;
        {
            RunStore store(db.toStdString());
            a = stored_run(store, config_with("lora", 1e-3), 10);
            b = stored_run(store, config_with("dora", 2e-3), 8);
            store.record_peak_memory(b, 321.0);
        }
        ComparePage page(db);
        page.resize(1200, 800);
        page.show();
        QVERIFY(page.showRuns({a, b}));

        // Both runs' series, with every point.
        MetricPlot* loss = page.lossPlot();
        const QString ka = QString::number(a), kb = QString::number(b);
        QTRY_COMPARE(loss->pointCount("train:" + ka), 10);
        QTRY_COMPARE(loss->pointCount("train:" + kb), 8);
        QTRY_COMPARE(loss->pointCount("eval:" + ka), 3);  // steps 0, 5, 10
        QTRY_COMPARE(loss->pointCount("eval:" + kb), 2);  // steps 0, 5

        // Settings: exactly the keys that differ.
        QTableWidget* settings = page.settingsTable();
        std::set<QString> keys;
        for (int row = 0; row < settings->rowCount(); ++row)
            keys.insert(settings->item(row, 0)->text());
        QCOMPARE(keys, (std::set<QString>{"adapter.method", "train.lr"}));
        QCOMPARE(settings->columnCount(), 3);
        for (int row = 0; row < settings->rowCount(); ++row)
            if (settings->item(row, 0)->text() == "adapter.method") {
                QCOMPARE(settings->item(row, 1)->text(), QStringLiteral("\"lora\""));
                QCOMPARE(settings->item(row, 2)->text(), QStringLiteral("\"dora\""));
            }

        // Results: one row per run, values from the store.
        QTableWidget* results = page.resultsTable();
        QCOMPARE(results->rowCount(), 2);
        QCOMPARE(results->item(0, 2)->text(), QStringLiteral("1.4000"));  // best held-out of a: 1.5 - 0.01*10
        QCOMPARE(results->item(1, 2)->text(), QStringLiteral("1.4500"));
        QCOMPARE(results->item(0, 5)->text(), QStringLiteral("10.0"));    // 0.01 s per step
        QCOMPARE(results->item(0, 6)->text(), QStringLiteral("—"));       // not measured
        QCOMPARE(results->item(1, 6)->text(), QStringLiteral("321"));

        // One ΔD-vs-ΔM plot per run, every logged step but step 0.
        QCOMPARE(page.scatters().size(), 2);
        QCOMPARE(page.scatters()[0]->pointCount(), 2 * 2);  // steps 5 and 10, two layers
        QVERIFY(std::isfinite(page.scatters()[0]->slope()));

        // By samples seen: the last point of a is at 10 steps x 16 samples.
        page.setAxis(CompareAxis::Samples);
        QTRY_COMPARE(loss->pointCount("train:" + ka), 10);
        QCPGraph* train_a = graph_named(loss->customPlot(), tr("%1 training").arg(run_label(page.comparison().runs[0].record)));
        QVERIFY(train_a);
        QCOMPARE(train_a->data()->at(train_a->data()->size() - 1)->key, 160.0);

        // Exports: curves, table and plots.
        QString error;
        QVERIFY2(page.saveCurvesCsv(dir.filePath("curves.csv"), &error), qPrintable(error));
        const QStringList curve_lines = read_file(dir.filePath("curves.csv")).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(curve_lines.size(), 1 + 10 + 8 + 2);  // header, steps, and the two step-0 evaluations
        QVERIFY(curve_lines[0].startsWith("run_id,run,step,samples_seen"));
        QVERIFY2(page.saveTablesCsv(dir.filePath("table.csv"), &error), qPrintable(error));
        const QStringList table_lines = read_file(dir.filePath("table.csv")).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(table_lines.size(), 3);
        QVERIFY(table_lines[0].contains("adapter.method") && table_lines[0].contains("train.lr"));
        QVERIFY(table_lines[2].endsWith(",321"));
        for (const char* ext : {"png", "svg", "pdf"}) {
            QVERIFY2(page.savePlots(dir.filePath("cmp"), ext, &error), qPrintable(error));
            QVERIFY(QFileInfo(dir.filePath(QStringLiteral("cmp-loss.") + ext)).size() > 0);
            QVERIFY(QFileInfo(dir.filePath(QStringLiteral("cmp-run-%1-magnitude-vs-direction.%2").arg(b).arg(ext))).size() > 0);
        }
        QVERIFY(!page.saveCurvesCsv(dir.filePath("missing/folder/x.csv"), &error));
        QVERIFY(error.contains("missing/folder"));

        // A run that does not exist: a message, no crash.
        QVERIFY(!page.showRuns({a, b + 100}));
    }

    void loraVsDoraActionTrainsTwoRunsThatDifferOnlyInTheMethod()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath("runs.sqlite");
        MainWindow window(db);
        window.show();
        short_mlp_runs(window, 12);
        QSignalSpy series(window.trainPage(), &TrainPage::seriesFinished);
        window.trainPage()->startLoraVsDora();
        QTRY_COMPARE_WITH_TIMEOUT(series.count(), 1, 120000);
        const QList<qint64> ids = series.at(0).at(0).value<QList<qint64>>();
        QCOMPARE(ids.size(), 2);

        const std::vector<RunRecord> runs = RunStore(db.toStdString()).list_runs();
        QCOMPARE(runs.size(), size_t(2));
        std::vector<std::string> configs;
        for (const RunRecord& r : runs) {
            QCOMPARE(QString::fromStdString(r.status), QStringLiteral("finished"));
            configs.push_back(r.config_json);
        }
        QCOMPARE(differing_settings(configs), std::vector<std::string>{"adapter.method"});
        // The comparison opened by itself, on both runs.
        QCOMPARE(window.comparePage()->comparison().runs.size(), size_t(2));
        QVERIFY(window.comparePage()->isVisible());

        // The weight arrows of both runs: demo-mlp's first layer has 64 neurons.
        for (WeightVectorsPlot* plot : {window.weightsPage()->loraPlot(), window.weightsPage()->doraPlot()})
            QCOMPARE(plot->arrowCount(), 64);

        // Try it: the DoRA run classifies the held-out points off the GUI thread.
        TryPage* attempt = window.tryPage();
        attempt->setRun(ids.back());
        QVERIFY(attempt->isClassifierRun());
        QSignalSpy ready(attempt, &TryPage::resultReady);
        attempt->predict();
        QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 60000);
        QVERIFY(!attempt->predictions().samples.empty());
        QVERIFY2(attempt->summary().contains('%'), qPrintable(attempt->summary()));
    }

    void tryItShowsThePromptInBoldAndTheContinuationsAfterIt()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath("runs.sqlite");
        RunConfig c;
        c.name = "gpt";
        c.model.builtin = c.data.builtin = "demo-gpt";
        c.adapter.targets = {".*c_attn"};
        c.data.seq_len = 32;
        c.train.steps = 3;
        c.train.batch_size = 4;
        c.train.threads = 1;
        RecordedRunObserver quiet;
        TrainingControl control;
        const RecordedRun trained = train_recorded(db.toStdString(), c, quiet, control);
        QCOMPARE(QString::fromStdString(trained.summary.status), QStringLiteral("finished"));

        TryPage page(db);
        page.setRun(trained.run_id);
        QVERIFY(!page.isClassifierRun());
        const QString prompt = QStringLiteral("the cat");
        page.setPrompt(prompt);
        QSignalSpy ready(&page, &TryPage::resultReady);
        page.generate();
        page.setPrompt(QStringLiteral("edited while it runs"));  // the texts still continue "the cat"
        QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 60000);
        const QList<QPlainTextEdit*> views = page.findChildren<QPlainTextEdit*>();
        QCOMPARE(views.size(), 2);
        for (QPlainTextEdit* view : views) {
            const QString text = view->toPlainText();
            QVERIFY2(text.startsWith(prompt) && text.size() > prompt.size(), qPrintable(text));
            // Every character of the prompt is bold, every one after it is not.
            for (QTextBlock block = view->document()->begin(); block.isValid(); block = block.next())
                for (auto it = block.begin(); !it.atEnd(); ++it) {
                    const QTextFragment fragment = it.fragment();
                    const bool in_prompt = fragment.position() < prompt.size();  // a document position
                    QCOMPARE(fragment.charFormat().fontWeight() == QFont::Bold, in_prompt);
                    if (in_prompt)
                        QCOMPARE(fragment.text(), prompt);
                }
        }
        QCOMPARE(page.baseText().left(prompt.size()), prompt);
    }

    void guidedDemoWalksThroughAComparison()
    {
        QTemporaryDir dir;
        MainWindow window(dir.filePath("runs.sqlite"));
        window.resize(1400, 820);
        window.show();
        // Pictures of the demo's steps to look at, when DORA_SCREENSHOTS names a folder.
        auto shoot = [&](const QString& name) {
            if (const QString shots = qEnvironmentVariable("DORA_SCREENSHOTS"); !shots.isEmpty())
                window.grab().save(shots + "/" + name + ".png");
        };
        GuidedDemo* demo = window.startGuidedDemo();
        demo->setRunSteps(10);
        QCOMPARE(demo->step(), 0);
        demo->next();
        QCOMPARE(window.modelPage()->source(), QStringLiteral("demo-mlp"));
        demo->next();  // trains LoRA, then DoRA, in slow motion
        QVERIFY(window.trainPage()->isTraining());
        QTest::qWait(150);
        shoot("guided-demo-training");
        QCOMPARE(window.trainPage()->session().stepDelay(), GuidedDemo::kStepDelayMs);
        QVERIFY(window.weightsPage()->isVisible());
        demo->next();
        QVERIFY(!demo->canGoNext());  // comparing waits for the runs
        QTRY_VERIFY_WITH_TIMEOUT(demo->canGoNext(), 120000);
        QCOMPARE(window.trainPage()->session().stepDelay(), 0);  // full speed again afterwards
        demo->next();
        QVERIFY(window.comparePage()->isVisible());
        QCOMPARE(window.comparePage()->comparison().runs.size(), size_t(2));
        demo->next();
        QVERIFY(window.tryPage()->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(!window.tryPage()->predictions().samples.empty(), 60000);
        shoot("guided-demo-try");
        QCOMPARE(demo->step() + 1, demo->stepCount());
    }

    void presenterModeEnlargesPlotText()
    {
        QTemporaryDir dir;
        MainWindow window(dir.filePath("runs.sqlite"));
        QCustomPlot* plot = window.trainPage()->lossPlot()->customPlot();
        const double normal = QApplication::font().pointSizeF();
        window.setPresenterMode(true);
        QVERIFY(std::abs(plot->xAxis->labelFont().pointSizeF() - normal * 1.6) < 0.01);
        window.setPresenterMode(false);
        QVERIFY(std::abs(plot->xAxis->labelFont().pointSizeF() - normal) < 0.01);
    }
};

QTEST_MAIN(TestComparePage)
#include "test_compare_page.moc"
