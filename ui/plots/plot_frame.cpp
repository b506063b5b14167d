#include "plots/plot_frame.h"

#include <QVBoxLayout>

#include <qcustomplot.h>

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

}  // namespace dora::ui
