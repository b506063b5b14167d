// Choosing the data: the demo's built-in task or a file (text, JSONL, Alpaca, CSV), the held-out share,
// and a preview of the first samples as the model will see them — tokens the model learns to predict
// highlighted, prompt tokens dimmed.
#pragma once

#include "dora/run_config.h"

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QRadioButton;
class QTextBrowser;

namespace dora::ui {

class DataPage : public QWidget {
    Q_OBJECT
public:
    explicit DataPage(QWidget* parent = nullptr);

    void setModel(const QString& source, bool builtin);
    void apply(RunConfig& config) const;  // the data section
    void show(const RunConfig& config);
    // Renders the preview for `config` (which has the model and data set); false and a message on error.
    bool preview(const RunConfig& config);

Q_SIGNALS:
    void previewRequested();

private:
    QRadioButton* m_builtin;
    QRadioButton* m_file;
    QLineEdit* m_path;
    QComboBox* m_format;
    QDoubleSpinBox* m_eval_fraction;
    QTextBrowser* m_preview;
    QString m_model_source;
};

}  // namespace dora::ui
