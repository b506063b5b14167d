// "Try it": a finished run's model next to the base model it started from. Language models continue
// a prompt (greedy or with a temperature); the demo MLP classifies its held-out points, drawn in the
// plane and coloured by the predicted class, with each model's accuracy. The work runs off the GUI
// thread; the page shows the answer when it arrives.
#pragma once

#include "dora/try_run.h"

#include <QFutureWatcher>
#include <QWidget>

class QComboBox;
class QCustomPlot;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QStackedWidget;

namespace dora::ui {

class TryPage : public QWidget {
    Q_OBJECT
public:
    explicit TryPage(const QString& database_path, QWidget* parent = nullptr);

    void refreshRuns();              // re-reads the runs that can be tried
    void setRun(qint64 run_id);      // chooses it (refreshing the list first if needed)
    qint64 run() const;
    bool isClassifierRun() const;

    void setPrompt(const QString& prompt);
    void generate();                 // language-model runs
    void predict();                  // classifier runs
    bool isBusy() const { return m_busy; }

    QString baseText() const;
    QString adaptedText() const;
    QString summary() const;         // the accuracy line, or the last error
    const HeldOutPredictions& predictions() const { return m_predictions; }

Q_SIGNALS:
    void resultReady();              // after each generate() or predict(), also on failure

private:
    void showKind();
    void setBusy(bool busy);
    void drawPredictions();
    void fail(const QString& text);

    QString m_database;
    QComboBox* m_runs;
    QStackedWidget* m_kinds;
    QLineEdit* m_prompt;
    QString m_generated_prompt;  // the prompt of the texts being generated or shown
    QSpinBox* m_tokens;
    QDoubleSpinBox* m_temperature;
    QPushButton* m_generate;
    QPlainTextEdit* m_base_text;
    QPlainTextEdit* m_adapted_text;
    QLabel* m_adapted_title;
    QPushButton* m_predict;
    QCustomPlot* m_base_plot;
    QCustomPlot* m_adapted_plot;
    QLabel* m_summary;
    QFutureWatcher<SideBySideText> m_text_watcher;
    QFutureWatcher<HeldOutPredictions> m_prediction_watcher;
    HeldOutPredictions m_predictions;
    bool m_busy = false;
};

}  // namespace dora::ui
