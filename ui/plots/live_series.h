// Live metric buffering for the training page, with no widgets and no QCustomPlot: the GUI thread
// appends the batched metrics it receives, and each plot drains only what is new on its own timer, so a
// frame costs O(new points) instead of O(history). Also the two numeric helpers the plots share:
// TensorBoard-style smoothing and Pearson correlation, and layer statistics in the columns plots take.
#pragma once

#include "dora/training.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <map>

namespace dora::ui {

// Points of one series, keys ascending (steps arrive in order from the trainer).
struct SeriesPoints {
    QVector<double> keys;
    QVector<double> values;
};

class LiveSeriesBuffer {
public:
    void append(const QString& series, double step, double value);
    void append(const QString& series, const QVector<double>& steps, const QVector<double>& values);

    // Everything appended since the previous call, per series; each point is handed out exactly once.
    std::map<QString, SeriesPoints> take_new();

    bool has_new() const { return !m_pending.empty(); }
    void clear() { m_pending.clear(); }

private:
    std::map<QString, SeriesPoints> m_pending;  // ordered, so plots drain series in a stable order
};

// Exponential moving average with TensorBoard's debiasing: s_t = ema_t / (1 - factor^t), so the first
// points are not dragged towards zero. factor is clamped to [0, 0.99]; 0 returns the values unchanged.
// Non-finite values pass through and do not disturb the average.
QVector<double> smoothed(const QVector<double>& values, double factor);

// The incremental form of smoothed(), for plots that smooth points as they arrive.
class EmaSmoother {
public:
    explicit EmaSmoother(double factor = 0);
    double next(double value);
    void reset() { m_ema = 0; m_count = 0; }
    double factor() const { return m_factor; }

private:
    double m_factor = 0;
    double m_ema = 0;
    int m_count = 0;
};

// One logged step of layer statistics as the plots take it: names, ΔM and ΔD in the logged order.
struct LayerStatsColumns {
    QStringList names;
    QVector<double> delta_m, delta_d;
};
LayerStatsColumns layer_stats_columns(const LayerStats& stats);

// Pearson correlation of paired samples; NaN for fewer than 3 pairs, unequal lengths or zero variance.
double pearson(const QVector<double>& xs, const QVector<double>& ys);

// Least-squares slope of ys on xs; NaN where pearson() would be NaN for the xs variance.
double least_squares_slope(const QVector<double>& xs, const QVector<double>& ys);

}  // namespace dora::ui
