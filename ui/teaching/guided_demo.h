// The guided demo for teaching: a panel beside the window that walks through one LoRA-vs-DoRA
// comparison on the demo MLP, a few minutes end to end. Each step says in plain words what to look at
// (what magnitude and direction are, what the plots show) and drives the window there: choosing the
// model, training both runs in slow motion with the weight arrows on screen, comparing, trying.
#pragma once

#include <QDockWidget>
#include <QList>

class QLabel;
class QPushButton;

namespace dora::ui {

class MainWindow;

class GuidedDemo : public QDockWidget {
    Q_OBJECT
public:
    explicit GuidedDemo(MainWindow& window);

    int step() const { return m_step; }
    int stepCount() const;
    void goTo(int step);  // shows the step's text and does its action
    void next() { goTo(m_step + 1); }
    void back() { goTo(m_step - 1); }

    bool canGoNext() const;
    // Steps per run of the comparison: 300 by default (about 8 s per run in slow motion); tests shorten it.
    void setRunSteps(int steps) { m_run_steps = steps; }

    static constexpr int kStepDelayMs = 25;

private:
    void onSeriesFinished(const QList<qint64>& run_ids);

    MainWindow& m_window;
    QLabel* m_counter;
    QLabel* m_text;
    QPushButton* m_back;
    QPushButton* m_next;
    int m_step = -1;
    int m_run_steps = 300;
    QList<qint64> m_runs;  // the comparison's runs, once trained
};

}  // namespace dora::ui
