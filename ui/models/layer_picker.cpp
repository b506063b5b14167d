// The layer picker widget (see layer_picker.h).
#include "models/layer_picker.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace dora::ui {

namespace {

using Preset = LayerSelectionModel::Preset;

// Combo rows after the first ("Custom"), which stands for a selection no preset made.
const Preset kPresetRows[] = {Preset::AttentionQueryValue, Preset::AllAttention, Preset::AllLinear,
                              Preset::MlpOnly, Preset::None};

// "5.7 M", "124 M", "1.1 B": the size of a model as people say it.
QString shortCount(long long n)
{
    const QLocale locale;
    const double v = double(n);
    auto scaled = [&](double unit, const QString& suffix) {
        const double x = v / unit;
        return locale.toString(x, 'f', x < 100 ? 1 : 0) + u' ' + suffix;
    };
    if (v >= 1e9) return scaled(1e9, LayerPicker::tr("B", "billion"));
    if (v >= 1e6) return scaled(1e6, LayerPicker::tr("M", "million"));
    if (v >= 1e4) return scaled(1e3, LayerPicker::tr("K", "thousand"));
    return locale.toString(n);
}

}  // namespace

LayerPicker::LayerPicker(QWidget* parent)
    : QWidget(parent),
      m_model(new LayerSelectionModel(this)),
      m_tree(new QTreeView(this)),
      m_presets(new QComboBox(this)),
      m_pattern(new QLineEdit(this)),
      m_applyPattern(new QPushButton(tr("Apply"), this)),
      m_patternError(new QLabel(this)),
      m_summary(new QLabel(this))
{
    m_presets->addItem(tr("Custom selection"));
    m_presets->addItem(tr("Attention q and v"));
    m_presets->addItem(tr("All attention"));
    m_presets->addItem(tr("All linear layers"));
    m_presets->addItem(tr("MLP only"));
    m_presets->addItem(tr("None"));

    m_tree->setModel(m_model);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(LayerSelectionModel::NameColumn, QHeaderView::Stretch);
    for (int c = LayerSelectionModel::KindColumn; c < LayerSelectionModel::ColumnCount; ++c)
        m_tree->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);

    m_pattern->setPlaceholderText(tr("Regex over whole layer names, e.g. .*attn\\.c_attn"));
    m_pattern->setClearButtonEnabled(true);
    // Red text under the field rather than a dialog: the user is mid-typing and should stay there.
    m_patternError->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_patternError->setWordWrap(true);
    m_patternError->hide();

    auto* presetRow = new QHBoxLayout;
    presetRow->addWidget(new QLabel(tr("Preset:"), this));
    presetRow->addWidget(m_presets, 1);
    auto* patternRow = new QHBoxLayout;
    patternRow->addWidget(new QLabel(tr("Pattern:"), this));
    patternRow->addWidget(m_pattern, 1);
    patternRow->addWidget(m_applyPattern);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(presetRow);
    layout->addWidget(m_tree, 1);
    layout->addLayout(patternRow);
    layout->addWidget(m_patternError);
    layout->addWidget(m_summary);

    connect(m_presets, &QComboBox::activated, this, &LayerPicker::applyPresetAt);
    connect(m_applyPattern, &QPushButton::clicked, this, &LayerPicker::applyPatternField);
    connect(m_pattern, &QLineEdit::returnPressed, this, &LayerPicker::applyPatternField);
    connect(m_model, &LayerSelectionModel::selectionChanged, this, [this] {
        showMatchingPreset();
        updateSummary();
        Q_EMIT selectionChanged();
    });
    showMatchingPreset();
    updateSummary();
}

void LayerPicker::setModelInfo(const dora::ModelInfo& info)
{
    m_model->setModelInfo(info);
    // Blocks (h.0, layers.0) collapsed, their parents open: the structure shows without 100 rows.
    m_tree->expandToDepth(1);
    m_tree->resizeColumnToContents(LayerSelectionModel::NameColumn);
}

void LayerPicker::setMethodAndRank(const QString& method, int rank)
{
    m_method = method;
    m_rank = rank;
    updateSummary();
}

QString LayerPicker::summaryText() const { return m_summary->text(); }

QString LayerPicker::patternError() const { return m_patternError->isVisible() ? m_patternError->text() : QString(); }

void LayerPicker::applyPresetAt(int comboIndex)
{
    if (comboIndex < 1 || comboIndex > int(std::size(kPresetRows)))
        return;
    m_model->applyPreset(kPresetRows[comboIndex - 1]);
}

void LayerPicker::showMatchingPreset()
{
    // The combo names the preset the checks equal, however they were made (by hand, a pattern, a
    // loaded config); "None" only for an empty selection, so that a model whose attention presets
    // select nothing (the MLP demo) does not claim one of them.
    const QStringList checked = m_model->checkedLayers();
    int row = 0;
    for (int i = 0; i < int(std::size(kPresetRows)) && row == 0; ++i) {
        const QStringList preset = m_model->presetLayers(kPresetRows[i]);
        if (preset == checked && (!checked.isEmpty() || kPresetRows[i] == Preset::None))
            row = i + 1;
    }
    m_presets->setCurrentIndex(row);
}

void LayerPicker::applyPatternField()
{
    QString error;
    if (m_model->applyPattern(m_pattern->text(), &error)) {
        m_patternError->clear();
        m_patternError->hide();
    } else {
        m_patternError->setText(error);
        m_patternError->show();
    }
}

void LayerPicker::updateSummary()
{
    const QLocale locale;
    const int layers = int(m_model->checkedLayers().size());
    const long long trainable = m_model->trainableParameters(m_method, m_rank);
    const long long total = m_model->totalParameters();
    const double percent = total > 0 ? 100.0 * double(trainable) / double(total) : 0.0;
    // Singular and plural spelled out rather than "%n layer(s)": a %n string needs its English plural
    // forms added to dora_studio_en.ts by hand; two plain strings need nothing.
    const QString layersText = layers == 1 ? tr("1 layer") : tr("%1 layers").arg(locale.toString(layers));
    m_summary->setText(tr("%1 · %2 trainable parameters (%3% of %4)")
                           .arg(layersText, locale.toString(trainable),
                                locale.toString(percent, 'f', percent > 0 && percent < 10 ? 2 : 1),
                                shortCount(total)));
}

}  // namespace dora::ui
