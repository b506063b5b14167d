// Choosing the model: the built-in demos, a Hugging Face folder (button or drag and drop), or a recent
// one. Shows what was loaded: architecture, parameters, size, and the memory a run would need.
#pragma once

#include "dora/model_info.h"
#include "dora/run_config.h"

#include <QWidget>

class QLabel;
class QAbstractItemModel;
class QListWidget;
class QTreeView;

namespace dora::ui {

class ModelPage : public QWidget {
    Q_OBJECT
public:
    explicit ModelPage(QWidget* parent = nullptr);

    // Loads a built-in name or a folder; false (and the reason on the page) when it cannot.
    bool choose(const QString& source);
    const ModelInfo& info() const { return m_info; }
    QString source() const { return m_source; }
    bool isBuiltin() const;
    // The architecture tree (module, kind, shape, parameters) shown on this page: the layer page's
    // model, so both always describe the same model.
    void setArchitectureModel(QAbstractItemModel* model);
    // The memory estimate for `config` (which names this model), shown on the page.
    void showEstimate(const RunConfig& config);

Q_SIGNALS:
    void modelChosen(const QString& source);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void remember(const QString& folder);
    void refreshRecent();

    QListWidget* m_demos;
    QListWidget* m_recent;
    QLabel* m_summary;
    QLabel* m_estimate;
    QTreeView* m_tree;
    ModelInfo m_info;
    QString m_source;
};

}  // namespace dora::ui
