#include "plots/plot_frame.h"

#include <QFontMetrics>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <algorithm>

namespace dora::ui {

QCPTextElement* frame_plot(QWidget* owner, QCustomPlot* plot, const QString& title)
{
    auto* layout = new QVBoxLayout(owner);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plot);
    const QFont base = owner->font();
    auto* element = new QCPTextElement(plot, title, QFont(base.family(), base.pointSize() + 1, QFont::Bold));
    plot->plotLayout()->insertRow(0);
    plot->plotLayout()->addElement(0, 0, element);
    return element;
}

void fit_axis_label(QCPAxis* axis, const QStringList& labels)
{
    if (labels.isEmpty())
        return;
    static const char* const kLabels = "doraFittedLabels";
    const bool fitted_before = axis->property(kLabels).isValid();
    axis->setProperty(kLabels, labels);  // a later call (another mode of the plot) replaces the choice
    axis->setLabel(labels.front());
    if (fitted_before)
        return;
    // After the layout the axis knows its length; the label's length changes no margin (a margin
    // holds the label's height), so choosing it there cannot change the layout just made.
    QObject::connect(axis->parentPlot(), &QCustomPlot::afterLayout, axis, [axis] {
        const QStringList choices = axis->property(kLabels).toStringList();
        const int room = axis->orientation() == Qt::Vertical ? axis->axisRect()->height() : axis->axisRect()->width();
        const QFontMetrics metrics(axis->labelFont());
        const auto fits = std::find_if(choices.cbegin(), choices.cend(),
                                       [&](const QString& label) { return metrics.horizontalAdvance(label) <= room; });
        const QString& chosen = fits != choices.cend() ? *fits : choices.back();
        if (axis->label() != chosen)
            axis->setLabel(chosen);
    });
}

}  // namespace dora::ui
