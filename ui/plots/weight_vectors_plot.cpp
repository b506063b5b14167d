#include "plots/weight_vectors_plot.h"

#include "plots/plot_frame.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace dora::ui {
namespace {

const QColor kArrow(0, 114, 178);

}  // namespace

WeightVectorsPlot::WeightVectorsPlot(QWidget* parent) : QWidget(parent), m_plot(new QCustomPlot(this))
{
    setMinimumSize(280, 280);
    m_title = frame_plot(this, m_plot, tr("Weight vectors of the first layer"));
    m_plot->plotLayout()->insertRow(1);
    m_caption = new QCPTextElement(m_plot, tr("faint: base weights · solid: now"), font());
    m_plot->plotLayout()->addElement(1, 0, m_caption);
    m_plot->xAxis->setLabel(tr("weight on input x"));
    m_plot->yAxis->setLabel(tr("weight on input y"));
    clear();
}

void WeightVectorsPlot::setTitle(const QString& title)
{
    m_title->setText(title);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void WeightVectorsPlot::ensureArrows(int count)
{
    while (m_current.size() < count) {
        auto* base = new QCPItemLine(m_plot);
        QColor faint = kArrow;
        faint.setAlpha(60);
        base->setPen(QPen(faint, 1));
        base->setHead(QCPLineEnding(QCPLineEnding::esSpikeArrow, 6, 8));
        auto* current = new QCPItemLine(m_plot);
        current->setPen(QPen(kArrow, 1.6));
        current->setHead(QCPLineEnding(QCPLineEnding::esSpikeArrow, 8, 10));
        for (QCPItemLine* line : {base, current}) {
            line->start->setCoords(0, 0);
            line->end->setCoords(0, 0);
        }
        m_base << base;
        m_current << current;
    }
}

void WeightVectorsPlot::setWeights(const QVector<float>& base, const QVector<float>& current, int step)
{
    if (current.size() % 2 != 0 || current.isEmpty() || base.size() != current.size())
        return;
    const int neurons = current.size() / 2;
    ensureArrows(neurons);
    double extent = 0;
    for (int i = 0; i < neurons; ++i) {
        m_base[i]->end->setCoords(base[2 * i], base[2 * i + 1]);
        m_current[i]->end->setCoords(current[2 * i], current[2 * i + 1]);
        extent = std::max({extent, std::abs(double(base[2 * i])), std::abs(double(base[2 * i + 1])),
                           std::abs(double(current[2 * i])), std::abs(double(current[2 * i + 1]))});
    }
    // The view only grows, so arrows that shrink are seen shrinking rather than rescaled away.
    m_extent = std::max(m_extent, extent * 1.1);
    m_plot->xAxis->setRange(-m_extent, m_extent);
    m_plot->yAxis->setRange(-m_extent, m_extent);
    m_caption->setText(tr("faint: base weights · solid: step %1").arg(step));
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void WeightVectorsPlot::clear()
{
    for (QCPItemLine* line : m_base + m_current)
        m_plot->removeItem(line);
    m_base.clear();
    m_current.clear();
    m_extent = 0.1;
    m_plot->xAxis->setRange(-1, 1);
    m_plot->yAxis->setRange(-1, 1);
    m_caption->setText(tr("faint: base weights · solid: now"));
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

QPointF WeightVectorsPlot::currentTip(int neuron) const
{
    return neuron >= 0 && neuron < m_current.size() ? m_current[neuron]->end->coords() : QPointF();
}

}  // namespace dora::ui
