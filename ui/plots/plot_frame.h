// The frame every plot widget shares: the QCustomPlot filling its owner, and a bold title row above
// the axes (outside them, so a title never hides data).
#pragma once

#include <QString>

class QCPTextElement;
class QCustomPlot;
class QWidget;

namespace dora::ui {

QCPTextElement* frame_plot(QWidget* owner, QCustomPlot* plot, const QString& title = {});

}  // namespace dora::ui
