#include "pages/model_page.h"

#include "dora/demos.h"
#include "dora/error.h"

#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QTreeView>
#include <QLabel>
#include <QListWidget>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace dora::ui {
namespace {

constexpr int kRecentKept = 8;

QString megabytes(double mb)
{
    return mb >= 1024 ? QObject::tr("%1 GB").arg(mb / 1024, 0, 'f', 1) : QObject::tr("%1 MB").arg(mb, 0, 'f', 1);
}

}  // namespace

ModelPage::ModelPage(QWidget* parent) : QWidget(parent)
{
    setAcceptDrops(true);
    m_demos = new QListWidget;
    for (const DemoInfo& demo : demo_models()) {
        auto* item = new QListWidgetItem(QStringLiteral("%1 — %2").arg(QString::fromStdString(demo.name),
                                                                      QString::fromStdString(demo.description)));
        item->setData(Qt::UserRole, QString::fromStdString(demo.name));
        m_demos->addItem(item);
    }
    m_demos->setWordWrap(true);
    m_demos->setMaximumHeight(110);
    connect(m_demos, &QListWidget::itemActivated, this,
            [this](QListWidgetItem* item) { choose(item->data(Qt::UserRole).toString()); });
    connect(m_demos, &QListWidget::itemClicked, this,
            [this](QListWidgetItem* item) { choose(item->data(Qt::UserRole).toString()); });

    auto* open = new QPushButton(tr("Open model folder…"));
    open->setToolTip(tr("A Hugging Face model folder: config.json and model.safetensors (GPT-2, Llama, Mistral, Qwen2)."));
    connect(open, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Open model folder"));
        if (!folder.isEmpty())
            choose(folder);
    });
    m_recent = new QListWidget;
    m_recent->setMaximumHeight(90);
    connect(m_recent, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) { choose(item->text()); });

    m_summary = new QLabel(tr("Pick a demo above, or open a model folder (you can also drop one here)."));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_estimate = new QLabel;
    m_estimate->setWordWrap(true);
    m_tree = new QTreeView;
    m_tree->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_tree->setSelectionMode(QAbstractItemView::NoSelection);
    m_tree->setToolTip(tr("The model's modules. Tick the ones to adapt on the Layers page."));

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("<b>Built-in demos</b> (ready in seconds, no download)")));
    layout->addWidget(m_demos);
    layout->addWidget(open, 0, Qt::AlignLeft);
    layout->addWidget(new QLabel(tr("<b>Recent models</b>")));
    layout->addWidget(m_recent);
    layout->addWidget(m_summary);
    layout->addWidget(m_estimate);
    layout->addWidget(m_tree, 1);
    refreshRecent();
}

bool ModelPage::isBuiltin() const
{
    for (const DemoInfo& demo : demo_models())
        if (m_source.toStdString() == demo.name)
            return true;
    return false;
}

bool ModelPage::choose(const QString& source)
{
    try {
        m_info = inspect_model(source.toStdString());
    } catch (const Error& e) {
        m_summary->setText(tr("<span style='color:#b00020'>Could not load the model: %1</span>")
                               .arg(QString::fromStdString(e.what()).toHtmlEscaped()));
        return false;
    }
    m_source = source;
    for (int i = 0; i < m_demos->count(); ++i)
        if (m_demos->item(i)->data(Qt::UserRole).toString() == source)
            m_demos->setCurrentRow(i);
    long long linear = 0;
    for (const ModuleInfo& m : m_info.modules)
        linear += m.kind == "linear";
    m_summary->setText(tr("<b>%1</b>: %2, %3 parameters (%4 in float32), %5 linear layers that can be adapted.")
                           .arg(source.toHtmlEscaped(), QString::fromStdString(m_info.architecture),
                                QLocale().toString(m_info.parameters), megabytes(m_info.parameters * 4.0 / 1048576.0))
                           .arg(linear));
    if (!isBuiltin())
        remember(source);
    Q_EMIT modelChosen(source);
    return true;
}

void ModelPage::setArchitectureModel(QAbstractItemModel* model)
{
    m_tree->setModel(model);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tree->header()->setStretchLastSection(false);
}

void ModelPage::showEstimate(const RunConfig& config)
{
    try {
        const MemoryEstimate e = estimate_memory(config);
        m_estimate->setText(tr("A run with the current options needs about %1 (weights %2, adapter and optimiser %3, "
                               "activations %4); %5 free.")
                                .arg(megabytes(e.total_mb), megabytes(e.weights_mb), megabytes(e.trainable_mb),
                                     megabytes(e.activations_mb), megabytes(e.available_mb)));
    } catch (const Error& e) {
        m_estimate->setText(QString::fromStdString(e.what()));
    }
}

void ModelPage::dragEnterEvent(QDragEnterEvent* event)
{
    const QMimeData* mime = event->mimeData();
    if (mime->hasUrls() && mime->urls().size() == 1 && QFileInfo(mime->urls().first().toLocalFile()).isDir())
        event->acceptProposedAction();
}

void ModelPage::dropEvent(QDropEvent* event)
{
    choose(event->mimeData()->urls().first().toLocalFile());
}

void ModelPage::remember(const QString& folder)
{
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("recentModels")).toStringList();
    recent.removeAll(folder);
    recent.prepend(folder);
    settings.setValue(QStringLiteral("recentModels"), recent.mid(0, kRecentKept));
    refreshRecent();
}

void ModelPage::refreshRecent()
{
    m_recent->clear();
    m_recent->addItems(QSettings().value(QStringLiteral("recentModels")).toStringList());
}

}  // namespace dora::ui
