// The demo MLP's first layer seen as arrows: its input is a point in the plane, so each neuron's
// weight vector is an arrow from the origin. The base weight is drawn faint, the current weight
// solid; during training the solid arrows grow or shrink (magnitude) and turn (direction).
#pragma once

#include <QVector>
#include <QWidget>

class QCustomPlot;
class QCPItemLine;
class QCPTextElement;

namespace dora::ui {

class WeightVectorsPlot : public QWidget {
    Q_OBJECT
public:
    explicit WeightVectorsPlot(QWidget* parent = nullptr);

    void setTitle(const QString& title);
    // Row-major (neurons, 2) weights; `base` sets the faint arrows, `current` the solid ones. Sizes
    // that are not a multiple of 2 are ignored.
    void setWeights(const QVector<float>& base, const QVector<float>& current, int step);
    void clear();

    int arrowCount() const { return m_current.size(); }
    // The tip of a solid arrow, for tests.
    QPointF currentTip(int neuron) const;
    QCustomPlot* customPlot() const { return m_plot; }

private:
    void ensureArrows(int count);

    QCustomPlot* m_plot;
    QCPTextElement* m_title;
    QCPTextElement* m_caption;
    QVector<QCPItemLine*> m_base, m_current;
    double m_extent = 1;
};

}  // namespace dora::ui
