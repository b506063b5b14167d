// LayerChangePlot: ΔM or ΔD per layer against step (see layer_change_plot.h).
#include "plots/layer_change_plot.h"
#include "plots/plot_frame.h"

#include <qcustomplot.h>


#include <algorithm>
#include <cmath>

namespace dora::ui {

namespace {

// Beyond this many layers a legend is a wall of text; a note explains the colour ramp instead
// (first layer blue, last red), which still shows whether deep or shallow layers move more.
constexpr int kMaxLegendEntries = 16;

const QColor kPalette[] = {QColor(0, 114, 178), QColor(213, 94, 0),  QColor(0, 158, 115), QColor(204, 121, 167),
                           QColor(230, 159, 0), QColor(86, 180, 233), QColor(0, 0, 0),    QColor(120, 120, 120)};
constexpr int kPaletteSize = sizeof kPalette / sizeof kPalette[0];

}  // namespace

QStringList short_layer_names(const QStringList& names)
{
    if (names.isEmpty())
        return {};
    QVector<QStringList> parts;
    for (const QString& n : names)
        parts.append(n.split(QLatin1Char('.')));
    if (names.size() == 1) {
        const QStringList& p = parts.front();
        return {p.mid(std::max<qsizetype>(0, p.size() - 2)).join(QLatin1Char('.'))};
    }
    qsizetype shortest = parts.front().size();
    for (const QStringList& p : parts)
        shortest = std::min(shortest, p.size());
    auto allEqual = [&](auto partOf) {
        for (const QStringList& p : parts)
            if (partOf(p) != partOf(parts.front()))
                return false;
        return true;
    };
    // Never strip a name down to nothing: at least one part of the shortest name stays.
    qsizetype front = 0, back = 0;
    while (front + back < shortest - 1 && allEqual([&](const QStringList& p) { return p[front]; }))
        ++front;
    while (front + back < shortest - 1 && allEqual([&](const QStringList& p) { return p[p.size() - 1 - back]; }))
        ++back;
    QStringList out;
    for (const QStringList& p : parts)
        out.append(p.mid(front, p.size() - front - back).join(QLatin1Char('.')));
    return out;
}

LayerChangePlot::LayerChangePlot(QWidget* parent) : QWidget(parent), m_plot(new QCustomPlot(this))
{
    setMinimumSize(240, 160);

    // Rows: title, [note], axes, [legend]. Text and legend live outside the axes so they never hide a
    // line; the optional rows are taken out of the layout when unused, since QCustomPlot keeps room
    // for invisible elements.
    m_title = frame_plot(this, m_plot);
    m_note = new QCPTextElement(m_plot, QString(), font());
    m_note->setTextColor(QColor(90, 90, 90));
    m_plot->axisRect()->insetLayout()->take(m_plot->legend);
    m_plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    m_plot->legend->setWrap(4);
    m_plot->legend->setBorderPen(Qt::NoPen);
    m_plot->setNotAntialiasedElements(QCP::aePlottables);
    m_plot->xAxis->setLabel(tr("step"));
    clear();
}

QColor LayerChangePlot::colorFor(int index, int count) const
{
    if (count <= kPaletteSize)
        return kPalette[index];
    // Many layers: colour encodes depth (blue = first, red = last), which reads without a legend.
    const double t = count > 1 ? double(index) / (count - 1) : 0;
    return QColor::fromHsvF(0.66 * (1 - t), 0.85, 0.85);
}

LayerChangePlot::Layer& LayerChangePlot::layerFor(const QString& name)
{
    const auto it = m_index.constFind(name);
    if (it != m_index.constEnd())
        return m_layers[*it];
    Layer layer;
    layer.name = name;
    layer.graph = m_plot->addGraph();
    m_index.insert(name, m_layers.size());
    m_layers.append(layer);
    return m_layers.back();
}

void LayerChangePlot::appendLayerStats(int step, const QStringList& names, const QVector<double>& delta_m,
                                       const QVector<double>& delta_d)
{
    const qsizetype n = std::min({names.size(), delta_m.size(), delta_d.size()});
    if (n == 0)
        return;
    const int before = m_layers.size();
    for (qsizetype i = 0; i < n; ++i) {
        Layer& l = layerFor(names[i]);
        l.steps.append(step);
        l.dm.append(delta_m[i]);
        l.dd.append(delta_d[i]);
        // One point per layer per call: addData of a single sorted point, never the whole history.
        l.graph->addData(step, m_mode == Mode::Magnitude ? delta_m[i] : delta_d[i]);
        if (std::isfinite(delta_m[i]))
            m_dmMax = std::max(m_dmMax, delta_m[i]);
        if (std::isfinite(delta_d[i]))
            m_ddMax = std::max(m_ddMax, delta_d[i]);
    }
    if (before == 0)
        m_stepMin = step;
    m_stepMin = std::min<double>(m_stepMin, step);
    m_stepMax = std::max<double>(m_stepMax, step);
    if (m_layers.size() != before)
        relabel();
    rescale();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LayerChangePlot::relabel()
{
    const bool magnitude = m_mode == Mode::Magnitude;
    m_title->setText(magnitude ? tr("Magnitude change per layer (ΔM)") : tr("Direction change per layer (ΔD)"));
    fit_axis_label(m_plot->yAxis, magnitude ? QStringList{tr("ΔM: mean |‖W‖ − ‖W₀‖| per row"), QStringLiteral("ΔM")}
                                            : QStringList{tr("ΔD: mean 1 − cos(W, W₀) per row"), QStringLiteral("ΔD")});

    QStringList names;
    for (const Layer& l : m_layers)
        names.append(l.name);
    const QStringList shortNames = short_layer_names(names);
    const int count = m_layers.size();
    for (int i = 0; i < count; ++i) {
        m_layers[i].graph->setName(shortNames[i]);
        m_layers[i].graph->setPen(QPen(colorFor(i, count), 1.5));
    }
    const bool legend = count > 0 && count <= kMaxLegendEntries;
    m_note->setText(tr("%n layers; colour runs from the first layer (blue) to the last (red)", nullptr, count));
    showRow(m_note, count > kMaxLegendEntries, /*last=*/false);
    showRow(m_plot->legend, legend, /*last=*/true);
}

void LayerChangePlot::showRow(QCPLayoutElement* element, bool shown, bool last)
{
    QCPLayoutGrid* grid = m_plot->plotLayout();
    const bool present = element->layout() == grid;
    if (shown && !present) {
        const int row = last ? grid->rowCount() : 1;  // the note goes right under the title
        grid->insertRow(row);
        grid->addElement(row, 0, element);
        if (last)
            grid->setRowStretchFactor(row, 0.001);  // the legend takes only the height it needs
    } else if (!shown && present) {
        grid->take(element);
        grid->simplify();  // drops the row left empty
    }
    element->setVisible(shown);
}

void LayerChangePlot::rescale()
{
    const double top = m_mode == Mode::Magnitude ? m_dmMax : m_ddMax;
    m_plot->yAxis->setRange(0, top > 0 ? top * 1.08 : 1);  // changes are ≥ 0 by definition
    const double span = m_stepMax - m_stepMin;
    m_plot->xAxis->setRange(m_stepMin, span > 0 ? m_stepMax + 0.02 * span : m_stepMin + 1);
}

void LayerChangePlot::setMode(Mode mode)
{
    if (mode == m_mode)
        return;
    m_mode = mode;
    for (Layer& l : m_layers)
        l.graph->setData(l.steps, mode == Mode::Magnitude ? l.dm : l.dd, /*alreadySorted=*/true);
    relabel();
    rescale();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LayerChangePlot::clear()
{
    m_plot->clearGraphs();
    m_layers.clear();
    m_index.clear();
    m_stepMin = m_stepMax = m_dmMax = m_ddMax = 0;
    relabel();
    rescale();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace dora::ui
