// The live-plot layer of the training page: the buffer hands out each point once, the smoothing and
// correlation helpers match hand-computed numbers, and the QCustomPlot views hold, scale, save and
// summarise what they were given (offscreen).
#include <QtTest/QtTest>

#include <QImage>
#include <QTemporaryDir>

#include <qcustomplot.h>

#include "plots/decomposition_scatter.h"
#include "plots/layer_change_plot.h"
#include "plots/live_series.h"
#include "plots/metric_plot.h"

#include <cmath>

using namespace dora::ui;

class TestLivePlots : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void bufferHandsOutEachPointOnceInOrder()
    {
        LiveSeriesBuffer buffer;
        buffer.append(QStringLiteral("loss"), 1, 2.0);
        buffer.append(QStringLiteral("loss"), {2, 3}, {1.5, 1.25});
        buffer.append(QStringLiteral("lr"), 1, 1e-3);
        QVERIFY(buffer.has_new());

        auto first = buffer.take_new();
        QCOMPARE(first.size(), std::size_t(2));
        QCOMPARE(first[QStringLiteral("loss")].keys, QVector<double>({1, 2, 3}));
        QCOMPARE(first[QStringLiteral("loss")].values, QVector<double>({2.0, 1.5, 1.25}));
        QCOMPARE(first[QStringLiteral("lr")].values, QVector<double>({1e-3}));
        QVERIFY(!buffer.has_new());
        QVERIFY(buffer.take_new().empty());  // nothing is handed out twice

        buffer.append(QStringLiteral("loss"), 4, 1.0);
        auto second = buffer.take_new();
        QCOMPARE(second[QStringLiteral("loss")].keys, QVector<double>({4}));
    }

    void smoothingIsBiasCorrectedEma()
    {
        // factor 0.5 on 1, 2, 3, by hand:
        //   ema1 = 0.5          -> 0.5  / (1 - 0.5)   = 1
        //   ema2 = 0.25 + 1     -> 1.25 / (1 - 0.25)  = 5/3
        //   ema3 = 0.625 + 1.5  -> 2.125/ (1 - 0.125) = 17/7
        const QVector<double> s = smoothed({1, 2, 3}, 0.5);
        QCOMPARE(s.size(), 3);
        QCOMPARE(s[0], 1.0);
        QVERIFY(qFuzzyCompare(s[1], 5.0 / 3.0));
        QVERIFY(qFuzzyCompare(s[2], 17.0 / 7.0));
        QCOMPARE(smoothed({1, 2, 3}, 0.0), QVector<double>({1, 2, 3}));  // no smoothing: unchanged
        const QVector<double> c = smoothed({4, 4, 4}, 0.9);  // debiasing: a constant stays constant
        for (double v : c)
            QVERIFY(qFuzzyCompare(v, 4.0));
    }

    void pearsonMatchesHandComputation()
    {
        // x = 1,2,3,4  y = 2,1,4,3: dx = -1.5,-.5,.5,1.5  dy = -.5,-1.5,1.5,.5
        // sxy = .75+.75+.75+.75 = 3, sxx = syy = 5  -> r = 0.6
        QVERIFY(qFuzzyCompare(pearson({1, 2, 3, 4}, {2, 1, 4, 3}), 0.6));
        QVERIFY(qFuzzyCompare(pearson({1, 2, 3}, {3, 2, 1}), -1.0));
        QVERIFY(std::isnan(pearson({1, 2}, {1, 2})));        // fewer than 3 points
        QVERIFY(std::isnan(pearson({1, 1, 1}, {1, 2, 3})));  // no variance in x
        QVERIFY(std::isnan(pearson({1, 2, 3}, {5, 5, 5})));  // no variance in y
        QVERIFY(std::isnan(pearson({1, 2, 3}, {1, 2})));     // unequal lengths
        QVERIFY(qFuzzyCompare(least_squares_slope({1, 2, 3, 4}, {2, 1, 4, 3}), 0.6));
    }

    void metricPlotDrawsEveryPointOnTheTimer()
    {
        MetricPlot plot;
        plot.addSeries(QStringLiteral("loss"), QStringLiteral("training loss"));
        plot.addSeries(QStringLiteral("eval"), QStringLiteral("held-out loss"), true);
        QVector<double> steps, values;
        for (int i = 1; i <= 500; ++i) {
            steps.append(i);
            values.append(3.0 / i);
        }
        plot.appendPoints(QStringLiteral("loss"), steps.mid(0, 200), values.mid(0, 200));
        plot.appendPoints(QStringLiteral("loss"), steps.mid(200), values.mid(200));
        plot.appendPoints(QStringLiteral("eval"), {100, 200}, {0.5, 0.4});
        QCOMPARE(plot.pointCount(QStringLiteral("loss")), 0);  // nothing drawn before the frame
        QTRY_COMPARE(plot.pointCount(QStringLiteral("loss")), 500);
        QCOMPARE(plot.pointCount(QStringLiteral("eval")), 2);
        QCPGraph* loss = plot.customPlot()->graph(0);
        QCOMPARE(loss->data()->at(0)->key, 1.0);
        QCOMPARE(loss->data()->at(499)->value, 3.0 / 500);
        // Axes follow the data without a rescale over all points.
        QVERIFY(plot.customPlot()->xAxis->range().contains(500));
        QVERIFY(plot.customPlot()->yAxis->range().contains(3.0));

        plot.setSmoothing(0.5);  // redrawn from the raw history, same number of points
        QCOMPARE(plot.pointCount(QStringLiteral("loss")), 500);
        QVERIFY(qFuzzyCompare(loss->data()->at(1)->value, smoothed({3.0, 1.5}, 0.5)[1]));

        plot.clear();
        QCOMPARE(plot.pointCount(QStringLiteral("loss")), 0);
    }

    void logScaleTogglesTheAxis()
    {
        MetricPlot plot;
        plot.appendPoints(QStringLiteral("lr"), {1, 2, 3}, {1e-4, 5e-4, 1e-3});
        QCOMPARE(plot.customPlot()->yAxis->scaleType(), QCPAxis::stLinear);
        plot.setLogScale(true);
        QCOMPARE(plot.customPlot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
        QTRY_COMPARE(plot.pointCount(QStringLiteral("lr")), 3);
        QVERIFY(plot.customPlot()->yAxis->range().lower > 0);
        QVERIFY(plot.customPlot()->yAxis->range().contains(1e-4));
        plot.setLogScale(false);
        QCOMPARE(plot.customPlot()->yAxis->scaleType(), QCPAxis::stLinear);
    }

    void savePlotWritesAnImage()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        MetricPlot plot;
        plot.setTitle(QStringLiteral("Loss"));
        plot.appendPoints(QStringLiteral("loss"), {1, 2, 3}, {3, 2, 1.5});
        const QString png = dir.filePath(QStringLiteral("loss.png"));
        QString error;
        QVERIFY2(plot.savePlot(png, &error), qPrintable(error));
        QVERIFY(QFileInfo(png).size() > 0);
        QImage image(png);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() >= 800);
        QVERIFY(plot.savePlot(dir.filePath(QStringLiteral("loss.pdf"))));
        QVERIFY(QFileInfo(dir.filePath(QStringLiteral("loss.pdf"))).size() > 0);
        const QString svg = dir.filePath(QStringLiteral("loss.svg"));
        QVERIFY2(plot.savePlot(svg, &error), qPrintable(error));
        QFile svg_file(svg);
        QVERIFY(svg_file.open(QIODevice::ReadOnly));
        const QByteArray svg_text = svg_file.readAll();
        QVERIFY(svg_text.contains("<svg") && svg_text.contains("Loss"));  // a vector drawing with its title
        QVERIFY(!plot.savePlot(dir.filePath(QStringLiteral("loss.bmp")), &error));
        QVERIFY(error.contains(QStringLiteral(".svg")));
    }

    void layerNamesAreShortened()
    {
        QCOMPARE(short_layer_names({QStringLiteral("base_model.model.h.0.attn.c_attn.weight"),
                                    QStringLiteral("base_model.model.h.1.mlp.c_fc.weight")}),
                 QStringList({QStringLiteral("0.attn.c_attn"), QStringLiteral("1.mlp.c_fc")}));
        QCOMPARE(short_layer_names({QStringLiteral("fc1"), QStringLiteral("fc2")}),
                 QStringList({QStringLiteral("fc1"), QStringLiteral("fc2")}));
        QCOMPARE(short_layer_names({QStringLiteral("a.b"), QStringLiteral("a.b")}),  // never empty
                 QStringList({QStringLiteral("b"), QStringLiteral("b")}));
        QCOMPARE(short_layer_names({QStringLiteral("model.layers.0.q_proj")}), QStringList({QStringLiteral("0.q_proj")}));
    }

    void layerChangePlotSwitchesMode()
    {
        LayerChangePlot plot;
        const QStringList names = {QStringLiteral("h.0.fc"), QStringLiteral("h.1.fc")};
        plot.appendLayerStats(10, names, {0.1, 0.2}, {0.01, 0.02});
        plot.appendLayerStats(20, names, {0.3, 0.4}, {0.03, 0.04});
        QCOMPARE(plot.layerCount(), 2);
        QCPGraph* second = plot.customPlot()->graph(1);
        QCOMPARE(second->dataCount(), 2);
        QCOMPARE(second->data()->at(1)->value, 0.4);
        QCOMPARE(second->name(), QStringLiteral("1"));
        plot.setMode(LayerChangePlot::Mode::Direction);
        QCOMPARE(second->data()->at(1)->value, 0.04);
        plot.clear();
        QCOMPARE(plot.layerCount(), 0);
    }

    void scatterCorrelationsMatchPearson()
    {
        DecompositionScatter scatter;
        const QStringList names = {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")};
        scatter.appendLayerStats(0, names, {0, 0, 0}, {0, 0, 0});  // before training: ignored
        // Step 10: ΔM rises with ΔD (r = +1); step 20: mostly falls (r = -0.5, below).
        scatter.appendLayerStats(10, names, {1, 2, 3}, {0.1, 0.2, 0.3});
        scatter.appendLayerStats(20, names, {6, 4, 5}, {0.4, 0.5, 0.6});
        QCOMPARE(scatter.pointCount(), 6);

        const QVector<double> d = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6}, m = {1, 2, 3, 6, 4, 5};
        QVERIFY(qFuzzyCompare(scatter.correlation(), pearson(d, m)));
        // Step 20 by hand: dx = -.1,0,.1  dy = 1,-1,0  -> sxy = -.1, sxx = .02, syy = 2, r = -0.5.
        // Mean of +1 and -0.5 = 0.25.
        QVERIFY(qFuzzyCompare(pearson({0.4, 0.5, 0.6}, {6, 4, 5}), -0.5));
        QVERIFY(qFuzzyCompare(scatter.withinStepCorrelation(), 0.25));
        QVERIFY(qFuzzyCompare(scatter.slope(), least_squares_slope(d, m)));

        scatter.clear();
        QCOMPARE(scatter.pointCount(), 0);
        QVERIFY(std::isnan(scatter.correlation()));
        QVERIFY(std::isnan(scatter.withinStepCorrelation()));
    }

    void axisLabelsShortenToFitTheirAxis()
    {
        // The compare page shows two scatters side by side, each a few hundred pixels tall: the full
        // ΔM label (about 340 px) was cut off at both ends there.
        DecompositionScatter scatter;
        QCustomPlot* plot = scatter.customPlot();
        auto label_at = [&](int width, int height) {
            scatter.resize(width, height);
            QCoreApplication::processEvents();  // the widget's layout resizes the plot
            plot->replot();
            return plot->yAxis->label();
        };
        scatter.show();
        QVERIFY(QTest::qWaitForWindowExposed(&scatter));
        const QString tall = label_at(1000, 900);
        QVERIFY2(tall.contains(QStringLiteral("magnitude change (mean")), qPrintable(tall));
        const QString low = label_at(600, 260);
        QVERIFY2(low.startsWith(QStringLiteral("ΔM")) && low.size() < tall.size(), qPrintable(low));
        const QFontMetrics metrics(plot->yAxis->labelFont());
        QVERIFY(metrics.horizontalAdvance(low) <= plot->axisRect()->height());
        QVERIFY(metrics.horizontalAdvance(tall) > plot->axisRect()->height());  // the long one would not fit
        QVERIFY(metrics.horizontalAdvance(plot->xAxis->label()) <= plot->axisRect()->width());
        QCOMPARE(label_at(1000, 900), tall);  // and grows back

        // A mode change of the per-layer plot swaps the choices rather than adding to them.
        LayerChangePlot layers;
        layers.resize(600, 900);
        layers.show();
        QVERIFY(QTest::qWaitForWindowExposed(&layers));
        layers.setMode(LayerChangePlot::Mode::Direction);
        QCoreApplication::processEvents();
        layers.customPlot()->replot();
        QVERIFY2(layers.customPlot()->yAxis->label().startsWith(QStringLiteral("ΔD: mean 1 − cos")),
                 qPrintable(layers.customPlot()->yAxis->label()));
    }

    void aStoredRunDrawsTheSameStepsWithoutMakingGraphsToDelete()
    {
        // Told the length first (a stored run), the scatter draws the steps that appending them one by
        // one and thinning would keep, and never holds more graphs than it keeps.
        const QStringList names = {"a", "b", "c"};
        const int steps = 1000;
        DecompositionScatter live, stored;
        stored.expectSteps(steps);
        int most = 0;
        for (int step = 1; step <= steps; ++step) {
            const QVector<double> d = {1e-3 * step, 2e-3 * step, 3e-3 * step}, m = {0.5 * step, 0.2 * step, 0.1 * step};
            live.appendLayerStats(step, names, m, d);
            stored.appendLayerStats(step, names, m, d);
            most = std::max(most, stored.customPlot()->graphCount());
        }
        QCOMPARE(stored.drawnSteps(), live.drawnSteps());
        QCOMPARE(stored.customPlot()->graphCount(), live.customPlot()->graphCount());
        QCOMPARE(most, stored.drawnSteps());
        for (int i = 0; i < stored.customPlot()->graphCount(); ++i)
            QCOMPARE(stored.customPlot()->graph(i)->data()->at(0)->key, live.customPlot()->graph(i)->data()->at(0)->key);
        QVERIFY(std::abs(stored.correlation() - live.correlation()) < 1e-12);
    }

    void aLongRunDrawsABoundedSampleButCountsEveryPoint()
    {
        // A stored run of 20,000 logged steps, 4 layers: shown at once, statistics over all of it.
        DecompositionScatter scatter;
        const QStringList names = {"a", "b", "c", "d"};
        QVector<double> all_d, all_m;
        QElapsedTimer clock;
        clock.start();
        for (int step = 1; step <= 20000; ++step) {
            QVector<double> d, m;
            for (int layer = 0; layer < 4; ++layer) {
                d << 1e-4 * step + 0.01 * layer;
                m << 2e-4 * step - 0.005 * layer + 1e-3 * std::sin(step * 0.7 + layer);
            }
            scatter.appendLayerStats(step, names, m, d);
            all_d << d;
            all_m << m;
        }
        QCOMPARE(scatter.pointCount(), 80000);
        QVERIFY(scatter.drawnSteps() <= DecompositionScatter::kMaxDrawnSteps);
        QVERIFY(scatter.drawnSteps() >= DecompositionScatter::kMaxDrawnSteps / 2);
        QVERIFY(std::abs(scatter.correlation() - pearson(all_d, all_m)) < 1e-9);
        QVERIFY(std::abs(scatter.slope() - least_squares_slope(all_d, all_m)) < 1e-9);
        // The drawn steps are spread over the whole run: the first and one near the end.
        QCustomPlot* plot = scatter.customPlot();
        QCOMPARE(plot->graphCount(), scatter.drawnSteps());
        QCOMPARE(plot->graph(0)->data()->at(0)->key, all_d[0]);
        QVERIFY(plot->graph(plot->graphCount() - 1)->data()->at(0)->key > 0.9 * all_d.back());
        qInfo("20,000 steps appended and summarised in %lld ms", static_cast<long long>(clock.elapsed()));
    }
};

QTEST_MAIN(TestLivePlots)
#include "test_live_plots.moc"
