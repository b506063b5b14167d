// Saving any plot as PNG, JPEG, PDF or SVG, chosen by the file name's ending: for slides (PNG at
// twice the size, so it stays sharp), for print (PDF) and for editing (SVG).
#pragma once

#include <QString>

class QCustomPlot;

namespace dora::ui {

// `width` and `height` in pixels (0: the plot's own size). False and a sentence in `error` on failure.
bool save_plot(QCustomPlot* plot, const QString& path, int width, int height, QString* error = nullptr);

}  // namespace dora::ui
