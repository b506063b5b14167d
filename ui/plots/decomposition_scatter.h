// The DoRA paper's Figure 2, live: ΔD (x) against ΔM (y), one point per adapted layer per logged step,
// coloured light (early) to dark (late), with the least-squares line and the correlations that tell
// LoRA-like coupling (positive) from DoRA-like independence. Pooling over steps adds the shared time
// trend, so the mean within-step correlation (across layers) is shown next to the pooled one
// (DESIGN.md, "DoRA in one screen").
#pragma once

#include <QHash>
#include <QStringList>
#include <QVector>
#include <QWidget>

class QCustomPlot;
class QCPColorScale;
class QCPGraph;
class QCPItemLine;
class QCPTextElement;

namespace dora::ui {

class DecompositionScatter : public QWidget {
    Q_OBJECT
public:
    explicit DecompositionScatter(QWidget* parent = nullptr);

    // One logged step (same shape as LayerChangePlot::appendLayerStats). Step 0 is ignored: before the
    // first update every layer sits at (0, 0) by construction, which says nothing and would bias r.
    void appendLayerStats(int step, const QStringList& names, const QVector<double>& delta_m,
                          const QVector<double>& delta_d);
    // For a stored run, whose length is known before its steps are appended: draws every s-th step
    // from the start, the same steps the thinning below would keep, without making graphs only to
    // delete them again (that churn was half of the time the Compare page took to open).
    void expectSteps(int steps);
    void clear();
    void setTitle(const QString& title);

    int pointCount() const { return m_allD.size(); }
    // Statistics of every point appended so far (computed when asked, or on the next frame).
    double correlation() const { refresh(); return m_r; }              // Pearson r of all points; NaN if undefined
    double withinStepCorrelation() const { refresh(); return m_rWithin; }  // mean over steps of r across layers
    double slope() const { refresh(); return m_slope; }                // least squares ΔM = a + slope·ΔD
    int drawnSteps() const { return m_drawn; }  // steps with their own points on screen (at most kMaxDrawnSteps)

    // A long run logs thousands of steps; drawing each as a graph would make every frame slow. Past
    // this many, every other drawn step is dropped from the picture (never from the statistics).
    static constexpr int kMaxDrawnSteps = 200;
    QCustomPlot* customPlot() const { return m_plot; }

private:
    struct StepPoints {
        int step = 0;
        QVector<double> d, m;  // ΔD, ΔM per layer
        QCPGraph* graph = nullptr;
    };

    StepPoints& pointsFor(int step);
    void thinDrawnSteps();
    void scheduleRefresh();
    // Statistics, colours, ranges: after a burst of appends (a stored run of 100,000 steps), once.
    void refresh() const;
    void updateStatistics() const;
    void updateColors() const;
    void updateRanges() const;

    QCustomPlot* m_plot = nullptr;
    QCPTextElement* m_title = nullptr;
    QCPTextElement* m_stats = nullptr;
    QCPColorScale* m_colorScale = nullptr;
    QCPItemLine* m_fit = nullptr;
    QVector<StepPoints> m_steps;     // in arrival order
    QHash<int, int> m_stepIndex;     // step -> index in m_steps
    int m_drawStride = 1;            // every m_drawStride-th step (by arrival) is drawn
    int m_drawn = 0;                 // steps that have a graph
    QVector<double> m_allD, m_allM;  // pooled points, for r and the fit
    mutable bool m_dirty = false;
    mutable bool m_refreshQueued = false;
    mutable double m_r, m_rWithin, m_slope, m_intercept;
};

}  // namespace dora::ui
