// Per-layer weight change over training: ΔM (magnitude) or ΔD (direction) against step, one line per
// adapted layer, as the engine's layer statistics arrive (DESIGN.md, "DoRA in one screen").
#pragma once

#include <QColor>
#include <QHash>
#include <QStringList>
#include <QVector>
#include <QWidget>

class QCustomPlot;
class QCPGraph;
class QCPLayoutElement;
class QCPTextElement;

namespace dora::ui {

// Drops the dot-separated parts that every name shares at the front and the back
// ("base_model.model.transformer.h.3.attn.c_attn.weight" -> "3.attn.c_attn"), so legends show what
// differs. A single name keeps its last two parts.
QStringList short_layer_names(const QStringList& names);

class LayerChangePlot : public QWidget {
    Q_OBJECT
public:
    enum class Mode { Magnitude, Direction };  // ΔM or ΔD

    explicit LayerChangePlot(QWidget* parent = nullptr);

    // One logged step: names[i] has changes delta_m[i], delta_d[i]. Layers may appear in any order and
    // new ones may join later; they are matched by name.
    void appendLayerStats(int step, const QStringList& names, const QVector<double>& delta_m,
                          const QVector<double>& delta_d);

    void setMode(Mode mode);
    Mode mode() const { return m_mode; }
    void clear();

    int layerCount() const { return m_layers.size(); }
    QCustomPlot* customPlot() const { return m_plot; }

private:
    struct Layer {
        QString name;
        QCPGraph* graph = nullptr;
        QVector<double> steps, dm, dd;  // both kept so switching mode redraws without asking the engine
    };

    Layer& layerFor(const QString& name);
    void relabel();         // legend names, colours and axis texts after layers or mode change
    void rescale();
    void showRow(QCPLayoutElement* element, bool shown, bool last);  // optional layout row
    QColor colorFor(int index, int count) const;

    QCustomPlot* m_plot = nullptr;
    QCPTextElement* m_title = nullptr;
    QCPTextElement* m_note = nullptr;
    QVector<Layer> m_layers;
    QHash<QString, int> m_index;  // layer name -> position in m_layers
    Mode m_mode = Mode::Magnitude;
    // Extents tracked on append, so the axes never scan the history.
    double m_stepMin = 0, m_stepMax = 0, m_dmMax = 0, m_ddMax = 0;
};

}  // namespace dora::ui
