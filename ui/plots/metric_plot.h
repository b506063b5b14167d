// One live line plot of the training page (loss, learning rate, gradient norm, throughput): points are
// buffered as the batched metric signals arrive and drawn ~15 times a second, appending only what is new.
// The page owns the smoothing slider and the log-scale check box and forwards their values here.
#pragma once

#include "plots/live_series.h"

#include <QColor>
#include <QString>
#include <QVector>
#include <QWidget>

#include <map>

class QCustomPlot;
class QCPGraph;
class QCPTextElement;
class QTimer;

namespace dora::ui {

class MetricPlot : public QWidget {
    Q_OBJECT
public:
    explicit MetricPlot(QWidget* parent = nullptr);

    void setTitle(const QString& title);
    void setAxisLabels(const QString& x, const QString& y);

    // Declares a series: `key` is what appendPoints() uses, `label` what the legend shows (already
    // translated). Sparse series (held-out loss) get markers so single points stay visible.
    // `color`: the series' colour; by default the next of the palette.
    void addSeries(const QString& key, const QString& label, bool markers = false, const QColor& color = QColor());
    static QColor paletteColor(int index);
    void setLegendColumns(int columns);  // entries per legend row (4 by default)  // the colour-blind-safe palette the plots share
    bool hasSeries(const QString& key) const { return m_series.count(key) != 0; }

    // Buffers points; they are drawn on the next frame. An undeclared key becomes a series labelled key.
    void appendPoints(const QString& key, const QVector<double>& steps, const QVector<double>& values);

    void setSmoothing(double factor);  // 0..0.99, as in TensorBoard
    double smoothing() const { return m_smoothing; }
    void setLogScale(bool on);
    bool logScale() const { return m_log; }

    void clear();  // drops the points, keeps the series
    void clearSeries();  // drops the series too

    // PNG, JPEG, PDF or SVG by extension (plot_export.h). On failure returns false and, if `error` is
    // given, a sentence a person can act on.
    bool savePlot(const QString& path, QString* error = nullptr);

    // Drawn points of a series, and the plot itself, for tests and for the page's own tweaks.
    int pointCount(const QString& key) const;
    QCustomPlot* customPlot() const { return m_plot; }

private:
    struct Series {
        QCPGraph* graph = nullptr;
        SeriesPoints raw;  // kept so a new smoothing factor can redraw the history once
        EmaSmoother ema;
    };

    void flush();               // timer: move new points into the graphs and queue a replot
    void redrawAll();           // after a smoothing change: the one place that sets whole histories
    void includeInRange(const QVector<double>& keys, const QVector<double>& values);
    void applyRanges();
    QColor nextColor() const;

    QCustomPlot* m_plot = nullptr;
    QCPTextElement* m_title = nullptr;
    QTimer* m_timer = nullptr;
    LiveSeriesBuffer m_buffer;
    std::map<QString, Series> m_series;
    double m_smoothing = 0;
    bool m_log = false;
    // Extent of the raw data, tracked as it arrives so a frame never scans the history. Smoothed
    // values are convex combinations of raw ones, so they always lie inside it.
    double m_xMin, m_xMax, m_yMin, m_yMax, m_yMinPositive;
};

}  // namespace dora::ui
