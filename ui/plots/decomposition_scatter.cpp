// DecompositionScatter: ΔD against ΔM per layer and step, with correlations and fit (see header).
#include "plots/decomposition_scatter.h"
#include "plots/plot_frame.h"

#include "plots/live_series.h"

#include <qcustomplot.h>

#include <QTimer>

#include <algorithm>
#include <cmath>
#include <limits>

namespace dora::ui {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const QColor kEarly(189, 215, 238);  // light blue: first logged step
const QColor kLate(8, 48, 107);      // dark blue: latest step

QColor blend(double t)
{
    return QColor::fromRgbF(kEarly.redF() + t * (kLate.redF() - kEarly.redF()),
                            kEarly.greenF() + t * (kLate.greenF() - kEarly.greenF()),
                            kEarly.blueF() + t * (kLate.blueF() - kEarly.blueF()));
}

QString formatR(double r)
{
    return std::isfinite(r) ? QString::asprintf("%+.2f", r) : QStringLiteral("—");
}

}  // namespace

DecompositionScatter::DecompositionScatter(QWidget* parent) : QWidget(parent), m_plot(new QCustomPlot(this))
{
    setMinimumSize(260, 200);

    // Rows: title, statistics line, then axes with the step colour bar beside them. The text sits
    // outside the axes so it never hides a point.
    m_title = frame_plot(this, m_plot, tr("Magnitude vs direction change per layer"));
    QCPLayoutGrid* grid = m_plot->plotLayout();
    grid->insertRow(1);
    m_stats = new QCPTextElement(m_plot, QString(), font());
    grid->addElement(1, 0, m_stats);

    m_colorScale = new QCPColorScale(m_plot);
    grid->addElement(2, 1, m_colorScale);
    m_colorScale->setLabel(tr("step"));
    m_colorScale->setBarWidth(10);
    QCPColorGradient gradient;
    gradient.clearColorStops();
    gradient.setColorStopAt(0, kEarly);
    gradient.setColorStopAt(1, kLate);
    m_colorScale->setGradient(gradient);
    auto* margins = new QCPMarginGroup(m_plot);  // keeps the colour bar as tall as the axes
    m_plot->axisRect()->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
    m_colorScale->setMarginGroup(QCP::msTop | QCP::msBottom, margins);

    fit_axis_label(m_plot->xAxis, {tr("ΔD: direction change (mean 1 − cos per row)"), tr("ΔD: mean 1 − cos per row"),
                                   tr("ΔD: direction change"), QStringLiteral("ΔD")});
    fit_axis_label(m_plot->yAxis, {tr("ΔM: magnitude change (mean |‖W‖ − ‖W₀‖| per row)"),
                                   tr("ΔM: mean |‖W‖ − ‖W₀‖| per row"), tr("ΔM: magnitude change"), QStringLiteral("ΔM")});
    m_plot->legend->setVisible(false);  // one graph per step: the colour bar is the legend

    m_fit = new QCPItemLine(m_plot);
    m_fit->setPen(QPen(QColor(213, 94, 0), 1.5, Qt::DashLine));
    clear();
}

DecompositionScatter::StepPoints& DecompositionScatter::pointsFor(int step)
{
    // A resumed run may report a step again; its points join the same checkpoint.
    if (const auto it = m_stepIndex.constFind(step); it != m_stepIndex.cend())
        return m_steps[*it];
    StepPoints s;
    s.step = step;
    if (m_steps.size() % m_drawStride == 0) {
        s.graph = m_plot->addGraph();
        s.graph->setLineStyle(QCPGraph::lsNone);
        ++m_drawn;
    }
    m_stepIndex.insert(step, static_cast<int>(m_steps.size()));
    m_steps.append(s);
    thinDrawnSteps();
    return m_steps.back();
}

void DecompositionScatter::expectSteps(int steps)
{
    if (!m_steps.isEmpty())
        return;  // the stride of the steps already drawn stays
    while ((steps + m_drawStride - 1) / m_drawStride > kMaxDrawnSteps)
        m_drawStride *= 2;
}

void DecompositionScatter::thinDrawnSteps()
{
    if (m_drawn <= kMaxDrawnSteps)
        return;
    m_drawStride *= 2;  // keep steps 0, 2s, 4s, ... by arrival: still spread evenly over the run
    for (int i = 0; i < m_steps.size(); ++i) {
        if (i % m_drawStride != 0 && m_steps[i].graph) {
            m_plot->removeGraph(m_steps[i].graph);
            m_steps[i].graph = nullptr;
            --m_drawn;
        }
    }
}

void DecompositionScatter::appendLayerStats(int step, const QStringList& names, const QVector<double>& delta_m,
                                            const QVector<double>& delta_d)
{
    const qsizetype n = std::min({names.size(), delta_m.size(), delta_d.size()});
    if (step == 0 || n == 0)
        return;
    StepPoints& s = pointsFor(step);
    QVector<double> d, m;
    for (qsizetype i = 0; i < n; ++i) {
        if (!std::isfinite(delta_m[i]) || !std::isfinite(delta_d[i]))
            continue;  // a diverged layer must not turn every statistic into NaN
        d.append(delta_d[i]);
        m.append(delta_m[i]);
    }
    s.d.append(d);
    s.m.append(m);
    if (s.graph)
        s.graph->addData(d, m);  // this step's points only; they are sorted by ΔD here
    m_allD.append(d);
    m_allM.append(m);
    m_dirty = true;
    scheduleRefresh();
}

void DecompositionScatter::scheduleRefresh()
{
    if (m_refreshQueued)
        return;
    m_refreshQueued = true;
    QTimer::singleShot(0, this, [this] {
        m_refreshQueued = false;
        refresh();
    });
}

void DecompositionScatter::refresh() const
{
    if (!m_dirty)
        return;
    m_dirty = false;
    updateStatistics();
    updateColors();
    updateRanges();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void DecompositionScatter::updateStatistics() const
{
    m_r = pearson(m_allD, m_allM);
    double sum = 0;
    int count = 0;
    for (const StepPoints& s : m_steps) {
        const double r = pearson(s.d, s.m);  // NaN with fewer than 3 layers or no spread: skipped
        if (std::isfinite(r)) {
            sum += r;
            ++count;
        }
    }
    m_rWithin = count > 0 ? sum / count : kNaN;
    m_slope = least_squares_slope(m_allD, m_allM);
    m_intercept = kNaN;
    if (std::isfinite(m_slope)) {
        double md = 0, mm = 0;
        for (int i = 0; i < m_allD.size(); ++i) {
            md += m_allD[i];
            mm += m_allM[i];
        }
        m_intercept = mm / m_allD.size() - m_slope * md / m_allD.size();
    }
    const QString slope = std::isfinite(m_slope) ? QString::number(m_slope, 'g', 3) : QStringLiteral("—");
    m_stats->setText(tr("r (all points) = %1    mean r within a step = %2\nslope = %3 (dashed fit)")
                         .arg(formatR(m_r), formatR(m_rWithin), slope));
}

void DecompositionScatter::setTitle(const QString& title)
{
    m_title->setText(title);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void DecompositionScatter::updateColors() const
{
    int first = std::numeric_limits<int>::max(), last = std::numeric_limits<int>::min();
    for (const StepPoints& s : m_steps) {
        first = std::min(first, s.step);
        last = std::max(last, s.step);
    }
    for (const StepPoints& s : m_steps) {
        if (!s.graph)
            continue;
        const double t = last > first ? double(s.step - first) / (last - first) : 1.0;
        const QColor c = blend(t);
        s.graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QPen(c.darker(115)), QBrush(c), 6));
    }
    m_colorScale->setDataRange(QCPRange(first, last > first ? last : first + 1));
}

void DecompositionScatter::updateRanges() const
{
    if (m_allD.isEmpty())
        return;
    const auto [dLo, dHi] = std::minmax_element(m_allD.cbegin(), m_allD.cend());
    const auto [mLo, mHi] = std::minmax_element(m_allM.cbegin(), m_allM.cend());
    // Changes are ≥ 0: keep the origin in view, as in the paper, so slopes read honestly.
    const double xHi = *dHi > 0 ? *dHi : 1, yHi = *mHi > 0 ? *mHi : 1;
    const double xLo = std::min(0.0, *dLo), yLo = std::min(0.0, *mLo);
    m_plot->xAxis->setRange(xLo, xHi + 0.06 * (xHi - xLo));
    m_plot->yAxis->setRange(yLo, yHi + 0.06 * (yHi - yLo));

    m_fit->setVisible(std::isfinite(m_slope));
    if (std::isfinite(m_slope)) {
        m_fit->start->setCoords(*dLo, m_intercept + m_slope * *dLo);
        m_fit->end->setCoords(*dHi, m_intercept + m_slope * *dHi);
    }
}

void DecompositionScatter::clear()
{
    m_plot->clearGraphs();
    m_drawn = 0;
    m_steps.clear();
    m_stepIndex.clear();
    m_drawStride = 1;
    m_dirty = false;
    m_allD.clear();
    m_allM.clear();
    m_r = m_rWithin = m_slope = m_intercept = kNaN;
    m_fit->setVisible(false);
    m_colorScale->setDataRange(QCPRange(0, 1));
    m_plot->xAxis->setRange(0, 1);
    m_plot->yAxis->setRange(0, 1);
    updateStatistics();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace dora::ui
