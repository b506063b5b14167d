// `dora-studio --demo NAME --screenshots DIR --quit-when-done`: runs a built-in demo through the real
// window, page by page, saving a PNG of each (model, data, layers, options, training under way,
// finished run, runs), then trains the same setup as LoRA and as DoRA and shows the weight vectors
// (demo-mlp), the comparison and "try it": for the README and for anyone who wants to see the
// product without clicking. With --lang zh_CN the pictures are of the Chinese interface.
#pragma once

#include <QList>
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
    void finish(bool ok);
    void showComparisonAndTry(const QList<qint64>& ids);

    MainWindow& m_window;
    QString m_demo, m_dir;
    bool m_quit;
    bool m_shot_training = false;
    bool m_comparing = false;  // the single run is done; the LoRA-vs-DoRA pair is training
    int m_total_steps = 0;
};

}  // namespace dora::ui
