// The teaching view of magnitude and direction: the demo MLP's first-layer neurons as arrows, LoRA's
// run on the left and DoRA's on the right, moving live as the runs train. In a LoRA-vs-DoRA series the
// runs train one after the other, so LoRA's arrows rest where its run ended while DoRA's move.
#pragma once

#include "training/training_session.h"

#include <QWidget>

class QLabel;

namespace dora::ui {

class WeightVectorsPlot;

class WeightsPage : public QWidget {
    Q_OBJECT
public:
    explicit WeightsPage(QWidget* parent = nullptr);

    // A run of this method starts: its side is cleared. Methods other than lora and dora are not drawn.
    void runStarted(const QString& method);
    void append(const MetricsChunk& chunk);

    WeightVectorsPlot* loraPlot() const { return m_lora; }
    WeightVectorsPlot* doraPlot() const { return m_dora; }

private:
    QString m_method;
    QLabel* m_note;
    WeightVectorsPlot* m_lora;
    WeightVectorsPlot* m_dora;
};

}  // namespace dora::ui
