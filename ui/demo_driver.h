// `dora-studio --demo NAME --screenshots DIR --quit-when-done`: runs a built-in demo through the real
// window, page by page, saving a PNG of each (model, data, layers, options, training under way,
// finished run, runs), for the README and for anyone who wants to see the product without clicking.
#pragma once

#include <QObject>
#include <QString>

namespace dora::ui {

class MainWindow;

class DemoDriver : public QObject {
    Q_OBJECT
public:
    DemoDriver(MainWindow& window, QString demo, QString screenshot_dir, bool quit_when_done);
    void start();  // returns at once; the demo proceeds on the event loop

Q_SIGNALS:
    void done(bool ok);

private:
    void shoot(const QString& name);
    void fail(const QString& why);

    MainWindow& m_window;
    QString m_demo, m_dir;
    bool m_quit;
    bool m_shot_training = false;
    int m_total_steps = 0;
};

}  // namespace dora::ui
