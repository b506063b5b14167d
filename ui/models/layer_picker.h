// The "which layers get an adapter" widget: a checkable tree of the model's modules, presets, a regex
// field, and a live count of what the chosen method and rank would train.
#pragma once

#include "models/layer_selection_model.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTreeView;

namespace dora::ui {

class LayerPicker : public QWidget {
    Q_OBJECT
public:
    explicit LayerPicker(QWidget* parent = nullptr);

    LayerSelectionModel* model() const { return m_model; }
    void setModelInfo(const dora::ModelInfo& info);
    // The count below the tree is for this method (lora | dora | full) and rank.
    void setMethodAndRank(const QString& method, int rank);
    QString summaryText() const;
    QString patternError() const;  // empty when the last applied pattern was valid

Q_SIGNALS:
    void selectionChanged();

private:
    void applyPresetAt(int comboIndex);
    void applyPatternField();
    void updateSummary();
    void showMatchingPreset();

    LayerSelectionModel* m_model;
    QTreeView* m_tree;
    QComboBox* m_presets;
    QLineEdit* m_pattern;
    QPushButton* m_applyPattern;
    QLabel* m_patternError;
    QLabel* m_summary;
    QString m_method = QStringLiteral("dora");
    int m_rank = 8;
};

}  // namespace dora::ui
