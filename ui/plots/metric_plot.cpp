// MetricPlot: a QCustomPlot fed from a LiveSeriesBuffer on a ~15 Hz timer (see metric_plot.h).
#include "plots/metric_plot.h"
#include "plots/plot_frame.h"

#include "plots/plot_export.h"

#include <qcustomplot.h>

#include <QFileInfo>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <limits>

namespace dora::ui {

namespace {

constexpr int kFrameMs = 66;  // ~15 Hz: smooth to the eye, a small share of a 2-core laptop
constexpr double kInf = std::numeric_limits<double>::infinity();

// Colour-blind-safe (Okabe-Ito) line colours.
const QColor kPalette[] = {QColor(0, 114, 178), QColor(213, 94, 0), QColor(0, 158, 115), QColor(204, 121, 167),
                           QColor(230, 159, 0), QColor(86, 180, 233), QColor(0, 0, 0)};

}  // namespace

MetricPlot::MetricPlot(QWidget* parent) : QWidget(parent), m_plot(new QCustomPlot(this)), m_timer(new QTimer(this))
{
    setMinimumSize(240, 160);

    // Title above, legend below the axes: neither can ever sit on top of the curves.
    m_title = frame_plot(this, m_plot);
    // The legend joins the layout with the second series (see addSeries); until then it is out of the
    // layout and hidden, because a layout keeps room even for invisible elements.
    m_plot->axisRect()->insetLayout()->take(m_plot->legend);
    m_plot->legend->setVisible(false);
    m_plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    m_plot->legend->setWrap(4);
    m_plot->legend->setBorderPen(Qt::NoPen);

    m_plot->xAxis->setLabel(tr("step"));

    m_timer->setInterval(kFrameMs);
    connect(m_timer, &QTimer::timeout, this, &MetricPlot::flush);
    clear();
}

void MetricPlot::setTitle(const QString& title)
{
    m_title->setText(title);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void MetricPlot::setAxisLabels(const QString& x, const QString& y)
{
    m_plot->xAxis->setLabel(x);
    m_plot->yAxis->setLabel(y);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

QColor MetricPlot::nextColor() const
{
    return kPalette[m_series.size() % (sizeof kPalette / sizeof kPalette[0])];
}

void MetricPlot::setLegendColumns(int columns)
{
    m_plot->legend->setWrap(std::max(1, columns));
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

QColor MetricPlot::paletteColor(int index)
{
    const int size = static_cast<int>(sizeof kPalette / sizeof kPalette[0]);
    return kPalette[((index % size) + size) % size];
}

void MetricPlot::addSeries(const QString& key, const QString& label, bool markers, const QColor& color)
{
    if (hasSeries(key))
        return;
    Series s;
    s.graph = m_plot->addGraph();
    s.graph->setName(label);
    // A width of 1 keeps Qt's fast line path: 1.2 made a replot of 4 x 20,000 points take 100 ms.
    s.graph->setPen(QPen(color.isValid() ? color : nextColor(), markers ? 2 : 1));
    // Dense series draw thousands of segments per frame: antialiasing them costs more than it shows.
    // Sparse ones (a few dozen points) keep it, so their round markers stay round.
    s.graph->setAntialiased(markers);
    if (markers)
        s.graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 6));
    s.ema = EmaSmoother(m_smoothing);
    m_series.emplace(key, s);
    // A legend for a single line would only repeat the title.
    if (m_series.size() == 2) {
        QCPLayoutGrid* grid = m_plot->plotLayout();
        const int row = grid->rowCount();
        grid->insertRow(row);
        grid->addElement(row, 0, m_plot->legend);
        grid->setRowStretchFactor(row, 0.001);  // only the height it needs
        m_plot->legend->setVisible(true);
    }
}

void MetricPlot::appendPoints(const QString& key, const QVector<double>& steps, const QVector<double>& values)
{
    if (!hasSeries(key))
        addSeries(key, key);
    m_buffer.append(key, steps, values);
    if (!m_timer->isActive())
        m_timer->start();  // the timer only runs while data flows: an idle page costs no wake-ups
}

void MetricPlot::flush()
{
    if (!m_buffer.has_new()) {
        m_timer->stop();
        return;
    }
    for (auto& [key, points] : m_buffer.take_new()) {
        Series& s = m_series.at(key);
        QVector<double> shown;
        shown.reserve(points.values.size());
        for (double v : points.values)
            shown.append(s.ema.next(v));
        s.graph->addData(points.keys, shown, /*alreadySorted=*/true);
        s.raw.keys.append(points.keys);
        s.raw.values.append(points.values);
        includeInRange(points.keys, points.values);
    }
    applyRanges();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void MetricPlot::includeInRange(const QVector<double>& keys, const QVector<double>& values)
{
    for (double k : keys) {
        m_xMin = std::min(m_xMin, k);
        m_xMax = std::max(m_xMax, k);
    }
    for (double v : values) {
        if (!std::isfinite(v))
            continue;  // one NaN loss must not blow the axis away
        m_yMin = std::min(m_yMin, v);
        m_yMax = std::max(m_yMax, v);
        if (v > 0)
            m_yMinPositive = std::min(m_yMinPositive, v);
    }
}

void MetricPlot::applyRanges()
{
    if (m_xMin > m_xMax)
        return;  // nothing yet
    const double xPad = m_xMax > m_xMin ? 0.02 * (m_xMax - m_xMin) : 1;
    m_plot->xAxis->setRange(m_xMin - xPad, m_xMax + xPad);

    if (m_log) {
        if (m_yMinPositive == kInf)
            return;  // a log axis cannot show zero or negative values
        const double top = std::max(m_yMax, m_yMinPositive);
        m_plot->yAxis->setRange(m_yMinPositive / 1.25, top * 1.25);
    } else if (m_yMin <= m_yMax) {
        const double span = m_yMax - m_yMin;
        const double pad = span > 0 ? 0.05 * span : std::max(std::abs(m_yMax) * 0.1, 1e-12);
        m_plot->yAxis->setRange(m_yMin - pad, m_yMax + pad);
    }
}

void MetricPlot::redrawAll()
{
    for (auto& [key, s] : m_series) {
        s.ema = EmaSmoother(m_smoothing);
        s.graph->setData(s.raw.keys, smoothed(s.raw.values, m_smoothing), /*alreadySorted=*/true);
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void MetricPlot::setSmoothing(double factor)
{
    factor = std::clamp(factor, 0.0, 0.99);
    if (factor == m_smoothing)
        return;
    m_smoothing = factor;
    flush();  // the buffered points belong to the old factor's running average
    redrawAll();
}

void MetricPlot::setLogScale(bool on)
{
    if (on == m_log)
        return;
    m_log = on;
    if (on) {
        m_plot->yAxis->setScaleType(QCPAxis::stLogarithmic);
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
        m_plot->yAxis->setNumberFormat(QStringLiteral("eb"));  // every decade as 10⁻ⁿ, not 0.0001 next to 10⁻⁵
        m_plot->yAxis->setNumberPrecision(0);
    } else {
        m_plot->yAxis->setScaleType(QCPAxis::stLinear);
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        m_plot->yAxis->setNumberFormat(QStringLiteral("gb"));  // QCustomPlot's default
        m_plot->yAxis->setNumberPrecision(6);
    }
    applyRanges();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void MetricPlot::clear()
{
    m_buffer.clear();
    for (auto& [key, s] : m_series) {
        s.graph->data()->clear();
        s.raw = {};
        s.ema.reset();
    }
    m_xMin = m_yMin = m_yMinPositive = kInf;
    m_xMax = m_yMax = -kInf;
    m_plot->xAxis->setRange(0, 10);
    m_plot->yAxis->setRange(m_log ? 0.1 : 0, 1);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void MetricPlot::clearSeries()
{
    clear();
    for (auto& [key, s] : m_series)
        m_plot->removeGraph(s.graph);
    m_series.clear();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

int MetricPlot::pointCount(const QString& key) const
{
    const auto it = m_series.find(key);
    return it == m_series.end() ? 0 : it->second.graph->dataCount();
}

bool MetricPlot::savePlot(const QString& path, QString* error)
{
    flush();  // include points still waiting for the next frame
    // A plot that was never shown has no useful size; export at a size that reads well on a slide.
    return save_plot(m_plot, path, isVisible() ? width() : 800, isVisible() ? height() : 500, error);
}

}  // namespace dora::ui
