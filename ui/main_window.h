// The DoRA Studio main window. For now it introduces the built-in demos and points to dora-cli; the
// training screens (model, data, layers, options, live plots, runs) build on this window.
#pragma once

#include <QMainWindow>

namespace dora::ui {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
};

}  // namespace dora::ui
