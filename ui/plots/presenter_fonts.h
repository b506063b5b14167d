// Presenter mode: larger text in every plot under a widget (axis labels, tick labels, legends, titles),
// so a projected plot reads from the back of a room. Fonts are scaled from the application's font,
// so switching the mode off restores the normal size exactly.
#pragma once

class QWidget;

namespace dora::ui {

void scale_plot_fonts(QWidget* root, double scale);

}  // namespace dora::ui
