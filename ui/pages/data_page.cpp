#include "pages/data_page.h"

#include "dora/data_preview.h"
#include "dora/error.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace dora::ui {

DataPage::DataPage(QWidget* parent) : QWidget(parent)
{
    m_builtin = new QRadioButton(tr("The demo's own task"));
    m_builtin->setToolTip(tr("Each built-in demo comes with the task it is adapted to."));
    m_file = new QRadioButton(tr("A file of mine"));
    m_path = new QLineEdit;
    m_path->setPlaceholderText(tr("path to a .txt, .jsonl, .json or .csv file"));
    auto* browse = new QPushButton(tr("Browse…"));
    m_format = new QComboBox;
    m_format->addItem(tr("Plain text"), "text");
    m_format->addItem(tr("JSONL with a \"text\" field"), "jsonl");
    m_format->addItem(tr("Alpaca instructions (learns the responses)"), "alpaca");
    m_format->addItem(tr("CSV table (demo MLP)"), "csv");
    m_format->setToolTip(tr("How to read the file. Alpaca data trains only on the responses, not the prompts."));
    m_eval_fraction = new QDoubleSpinBox;
    m_eval_fraction->setRange(0.01, 0.5);
    m_eval_fraction->setSingleStep(0.05);
    m_eval_fraction->setToolTip(tr("The share of samples kept aside to measure the held-out loss, never trained on."));
    auto* show_preview = new QPushButton(tr("Preview"));
    show_preview->setObjectName(QStringLiteral("previewButton"));
    m_preview = new QTextBrowser;
    m_preview->setPlaceholderText(tr("The first samples appear here, as the model will see them."));

    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open data file"));
        if (path.isEmpty())
            return;
        m_path->setText(path);
        m_file->setChecked(true);
        const QString suffix = QFileInfo(path).suffix().toLower();
        m_format->setCurrentIndex(m_format->findData(suffix == "csv" ? "csv" : suffix == "jsonl" ? "jsonl"
                                                                           : suffix == "json"  ? "alpaca"
                                                                                               : "text"));
    });
    connect(show_preview, &QPushButton::clicked, this, &DataPage::previewRequested);
    connect(m_path, &QLineEdit::textEdited, this, [this] { m_file->setChecked(true); });

    auto* file_row = new QHBoxLayout;
    file_row->addWidget(m_path, 1);
    file_row->addWidget(browse);
    auto* form = new QFormLayout;
    form->addRow(m_builtin);
    form->addRow(m_file, file_row);
    form->addRow(tr("Format"), m_format);
    form->addRow(tr("Held-out share"), m_eval_fraction);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(show_preview, 0, Qt::AlignLeft);
    layout->addWidget(m_preview, 1);
    show(RunConfig{});
}

void DataPage::setModel(const QString& source, bool builtin)
{
    m_model_source = source;
    m_builtin->setEnabled(builtin);
    (builtin ? m_builtin : m_file)->setChecked(true);
    m_preview->clear();
}

void DataPage::apply(RunConfig& c) const
{
    c.data.builtin.clear();
    c.data.path.clear();
    if (m_builtin->isChecked() && m_builtin->isEnabled())
        c.data.builtin = m_model_source.toStdString();
    else
        c.data.path = m_path->text().toStdString();
    c.data.format = m_format->currentData().toString().toStdString();
    c.data.eval_fraction = m_eval_fraction->value();
}

void DataPage::show(const RunConfig& c)
{
    (c.data.path.empty() ? m_builtin : m_file)->setChecked(true);
    m_path->setText(QString::fromStdString(c.data.path));
    m_format->setCurrentIndex(std::max(0, m_format->findData(QString::fromStdString(c.data.format))));
    m_eval_fraction->setValue(c.data.eval_fraction);
}

bool DataPage::preview(const RunConfig& config)
{
    try {
        const DataPreview preview = preview_data(config, 3);
        QString html;
        for (size_t i = 0; i < preview.samples.size(); ++i) {
            html += tr("<p><b>Sample %1</b><br>").arg(i + 1);
            for (const PreviewToken& token : preview.samples[i]) {
                const QString text = QString::fromStdString(token.text).toHtmlEscaped().replace('\n', QStringLiteral("↵"));
                html += token.trained ? QStringLiteral("<span style='background:#dbeafe'>%1</span>").arg(text)
                                      : QStringLiteral("<span style='color:#888'>%1</span>").arg(text);
                html += QStringLiteral("<span style='color:#ccc'>|</span>");
            }
            html += QStringLiteral("</p>");
        }
        const QString counts = tr("<p><b>%1 samples</b>, %2 tokens trained on; %3 samples held out for evaluation.</p>")
                                   .arg(QLocale().toString(preview.total_samples), QLocale().toString(preview.trained_tokens),
                                        QLocale().toString(preview.held_out_samples));
        m_preview->setHtml(counts + tr("<p style='color:#555'>Blue: tokens the model learns to predict. Grey: context only. "
                                       "| separates tokens.</p>") + html);
        return true;
    } catch (const Error& e) {
        m_preview->setHtml(QStringLiteral("<p style='color:#b00020'>%1</p>").arg(QString::fromStdString(e.what()).toHtmlEscaped()));
        return false;
    }
}

}  // namespace dora::ui
