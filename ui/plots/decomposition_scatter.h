// The DoRA paper's Figure 2, live: ΔD (x) against ΔM (y), one point per adapted layer per logged step,
// coloured light (early) to dark (late), with the least-squares line and the correlations that tell
// LoRA-like coupling (positive) from DoRA-like independence. Pooling over steps adds the shared time
// trend, so the mean within-step correlation (across layers) is shown next to the pooled one
// (DESIGN.md, "DoRA in one screen").
#pragma once

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
    void clear();
    void setTitle(const QString& title);

    int pointCount() const { return m_allD.size(); }
    double correlation() const { return m_r; }              // Pearson r of all points; NaN if undefined
    double withinStepCorrelation() const { return m_rWithin; }  // mean over steps of r across layers
    double slope() const { return m_slope; }                // least squares ΔM = a + slope·ΔD
    QCustomPlot* customPlot() const { return m_plot; }

private:
    struct StepPoints {
        int step = 0;
        QVector<double> d, m;  // ΔD, ΔM per layer
        QCPGraph* graph = nullptr;
    };

    StepPoints& pointsFor(int step);
    void updateStatistics();
    void updateColors();
    void updateRanges();

    QCustomPlot* m_plot = nullptr;
    QCPTextElement* m_title = nullptr;
    QCPTextElement* m_stats = nullptr;
    QCPColorScale* m_colorScale = nullptr;
    QCPItemLine* m_fit = nullptr;
    QVector<StepPoints> m_steps;     // in arrival order
    QVector<double> m_allD, m_allM;  // pooled points, for r and the fit
    double m_r, m_rWithin, m_slope, m_intercept;
};

}  // namespace dora::ui
