// The layer picker's model: the modules of a dora::ModelInfo as a tree (module names split on '.'),
// with a check box on every linear layer and a tri-state box on every node above one. It turns the
// checks into what a run needs: adapter target regexes and the trainable-parameter count.
#pragma once

#include "dora/model_info.h"

#include <QAbstractItemModel>
#include <QStringList>

#include <memory>
#include <vector>

namespace dora::ui {

class LayerSelectionModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { NameColumn, KindColumn, ShapeColumn, ParametersColumn, ColumnCount };
    enum class Preset { AttentionQueryValue, AllAttention, AllLinear, MlpOnly, None };

    explicit LayerSelectionModel(QObject* parent = nullptr);
    ~LayerSelectionModel() override;

    // Replaces the tree; nothing is checked afterwards.
    void setModelInfo(const dora::ModelInfo& info);
    const dora::ModelInfo& modelInfo() const { return m_info; }

    void applyPreset(Preset preset);
    QStringList presetLayers(Preset preset) const;  // what applyPreset would check, in model order
    // Checks exactly the linear layers whose whole name matches `regex` (std::regex ECMAScript, the
    // engine's own matching). An invalid regex returns false, sets `error` and changes nothing.
    bool applyPattern(const QString& regex, QString* error = nullptr);
    // Checks exactly these layers (full names; names that are not linear layers are ignored).
    void setCheckedLayers(const QStringList& names);

    QStringList checkedLayers() const;   // full module names, in model order
    QStringList linearLayers() const;    // every checkable name, in model order
    // Regexes (whole-name, escaped) that select exactly the checked layers among the linear ones.
    QStringList targetPatterns() const;

    // Parameters a run would train: lora r·(in+out) per layer, dora adds out, full the layer's own.
    long long trainableParameters(const QString& method, int rank) const;
    long long totalParameters() const;

    // QAbstractItemModel
    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void selectionChanged();

private:
    struct Node;
    Node* nodeOf(const QModelIndex& index) const;
    QModelIndex indexOf(const Node* node, int column) const;
    // Sets the check of every linear layer through `want(module index)`; emits once if anything changed.
    template <typename Want> void setChecks(Want want);
    void recount();
    void emitChangedBelow(const Node* node);

    dora::ModelInfo m_info;
    std::unique_ptr<Node> m_root;
    std::vector<Node*> m_leafOfModule;   // per module (model order): its node
    std::vector<char> m_checked;         // per module: checked (linear modules only)
};

}  // namespace dora::ui
