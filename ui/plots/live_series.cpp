// Live metric buffering and the smoothing / correlation helpers (see live_series.h).
#include "plots/live_series.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace dora::ui {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

void LiveSeriesBuffer::append(const QString& series, double step, double value)
{
    SeriesPoints& p = m_pending[series];
    p.keys.append(step);
    p.values.append(value);
}

void LiveSeriesBuffer::append(const QString& series, const QVector<double>& steps, const QVector<double>& values)
{
    const qsizetype n = std::min(steps.size(), values.size());  // a malformed batch loses its tail, not the app
    if (n == 0)
        return;
    SeriesPoints& p = m_pending[series];
    p.keys.append(steps.mid(0, n));
    p.values.append(values.mid(0, n));
}

std::map<QString, SeriesPoints> LiveSeriesBuffer::take_new()
{
    std::map<QString, SeriesPoints> out;
    out.swap(m_pending);
    return out;
}

EmaSmoother::EmaSmoother(double factor) : m_factor(std::clamp(factor, 0.0, 0.99)) {}

double EmaSmoother::next(double value)
{
    if (m_factor == 0 || !std::isfinite(value))
        return value;
    m_ema = m_ema * m_factor + (1 - m_factor) * value;
    ++m_count;
    return m_ema / (1 - std::pow(m_factor, m_count));
}

QVector<double> smoothed(const QVector<double>& values, double factor)
{
    EmaSmoother ema(factor);
    QVector<double> out;
    out.reserve(values.size());
    for (double v : values)
        out.append(ema.next(v));
    return out;
}

namespace {

// Centered second moments; false where correlation is undefined.
bool moments(const QVector<double>& xs, const QVector<double>& ys, double* sxx, double* syy, double* sxy)
{
    const qsizetype n = xs.size();
    if (n < 3 || ys.size() != n)
        return false;
    double mx = 0, my = 0;
    for (qsizetype i = 0; i < n; ++i) {
        mx += xs[i];
        my += ys[i];
    }
    mx /= n;
    my /= n;
    // Two passes: the one-pass formula loses everything to cancellation when ΔD is ~1e-6 around 1e-3.
    *sxx = *syy = *sxy = 0;
    for (qsizetype i = 0; i < n; ++i) {
        const double dx = xs[i] - mx, dy = ys[i] - my;
        *sxx += dx * dx;
        *syy += dy * dy;
        *sxy += dx * dy;
    }
    return true;
}

}  // namespace

double pearson(const QVector<double>& xs, const QVector<double>& ys)
{
    double sxx, syy, sxy;
    if (!moments(xs, ys, &sxx, &syy, &sxy) || sxx <= 0 || syy <= 0)
        return kNaN;
    return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
}

double least_squares_slope(const QVector<double>& xs, const QVector<double>& ys)
{
    double sxx, syy, sxy;
    if (!moments(xs, ys, &sxx, &syy, &sxy) || sxx <= 0)
        return kNaN;
    return sxy / sxx;
}

LayerStatsColumns layer_stats_columns(const LayerStats& stats)
{
    LayerStatsColumns columns;
    for (const LayerStat& layer : stats.layers) {
        columns.names << QString::fromStdString(layer.layer);
        columns.delta_m << layer.delta_magnitude;
        columns.delta_d << layer.delta_direction;
    }
    return columns;
}

}  // namespace dora::ui
