// The frame every plot widget shares: the QCustomPlot filling its owner, and a bold title row above
// the axes (outside them, so a title never hides data).
#pragma once

#include <QString>
#include <QStringList>

class QCPAxis;
class QCPTextElement;
class QCustomPlot;
class QWidget;

namespace dora::ui {

QCPTextElement* frame_plot(QWidget* owner, QCustomPlot* plot, const QString& title = {});

// Gives the axis the first of `labels` (longest first, the last the shortest) that fits along it,
// chosen again at every layout: a plot made short by its page or by presenter fonts shows "ΔM"
// rather than a long label cut off at both ends.
void fit_axis_label(QCPAxis* axis, const QStringList& labels);

}  // namespace dora::ui
