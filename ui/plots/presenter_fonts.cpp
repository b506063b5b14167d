#include "plots/presenter_fonts.h"

#include <QApplication>
#include <qcustomplot.h>

namespace dora::ui {
namespace {

QFont scaled(QFont font, double point_size)
{
    font.setPointSizeF(point_size);
    return font;
}

void scale_axis(QCPAxis* axis, double size)
{
    axis->setLabelFont(scaled(axis->labelFont(), size));
    axis->setTickLabelFont(scaled(axis->tickLabelFont(), size * 0.9));
}

}  // namespace

void scale_plot_fonts(QWidget* root, double scale)
{
    const double size = QApplication::font().pointSizeF() * scale;
    for (QCustomPlot* plot : root->findChildren<QCustomPlot*>()) {
        for (QCPAxisRect* rect : plot->axisRects())
            for (QCPAxis* axis : rect->axes())
                scale_axis(axis, size);
        plot->legend->setFont(scaled(plot->legend->font(), size * 0.9));
        for (int i = 0; i < plot->plotLayout()->elementCount(); ++i) {
            QCPLayoutElement* element = plot->plotLayout()->elementAt(i);
            if (auto* text = qobject_cast<QCPTextElement*>(element))
                text->setFont(scaled(text->font(), text->font().bold() ? size * 1.15 : size));
            else if (auto* colors = qobject_cast<QCPColorScale*>(element))
                scale_axis(colors->axis(), size);
        }
        for (int i = 0; i < plot->itemCount(); ++i)
            if (auto* text = qobject_cast<QCPItemText*>(plot->item(i)))
                text->setFont(scaled(text->font(), size));
        plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

}  // namespace dora::ui
