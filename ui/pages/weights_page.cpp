#include "pages/weights_page.h"

#include "plots/weight_vectors_plot.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace dora::ui {

WeightsPage::WeightsPage(QWidget* parent) : QWidget(parent)
{
    auto* explanation = new QLabel(
        tr("Each arrow is one neuron of the demo MLP's first layer: the two numbers it multiplies the input point "
           "with. Its <b>direction</b> is where the neuron's weights point - which inputs it responds to. Its "
           "<b>length</b> is the magnitude - how strongly it responds. LoRA changes both through one update, so "
           "they move together; DoRA learns the length separately from the direction."));
    explanation->setWordWrap(true);
    m_note = new QLabel(tr("Train demo-mlp with LoRA or DoRA (or press \"LoRA vs DoRA\" on the Train page) to see the "
                           "arrows move. Other models' first layers take more than two inputs and cannot be drawn."));
    m_note->setWordWrap(true);
    m_lora = new WeightVectorsPlot;
    m_lora->setTitle(tr("LoRA"));
    m_dora = new WeightVectorsPlot;
    m_dora->setTitle(tr("DoRA"));
    auto* plots = new QHBoxLayout;
    plots->addWidget(m_lora);
    plots->addWidget(m_dora);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(explanation);
    layout->addWidget(m_note);
    layout->addLayout(plots, 1);
}

void WeightsPage::runStarted(const QString& method)
{
    m_method = method;
    if (method == QLatin1String("lora"))
        m_lora->clear();
    else if (method == QLatin1String("dora"))
        m_dora->clear();
}

void WeightsPage::append(const MetricsChunk& chunk)
{
    WeightVectorsPlot* plot = m_method == QLatin1String("lora") ? m_lora : m_method == QLatin1String("dora") ? m_dora : nullptr;
    if (!plot || chunk.layer_stats.empty())
        return;
    // Only the newest logged step matters for a picture of "now".
    const LayerStats& newest = chunk.layer_stats.back();
    for (const LayerStat& layer : newest.layers) {
        if (layer.weight_rows.empty())
            continue;
        plot->setWeights(QVector<float>(layer.base_weight_rows.begin(), layer.base_weight_rows.end()),
                         QVector<float>(layer.weight_rows.begin(), layer.weight_rows.end()), newest.step);
        m_note->hide();
        return;  // the first drawable layer: the one that sees the input plane
    }
}

}  // namespace dora::ui
