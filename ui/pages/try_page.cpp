#include "pages/try_page.h"

#include "compare/run_comparison.h"
#include "dora/run_store.h"
#include "plots/plot_frame.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTextCursor>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <qcustomplot.h>

namespace dora::ui {
namespace {

constexpr int kShownSamples = 400;  // the demo holds out fewer; a cap keeps a large set drawable

// Two runs' worth of plane plots share their look: a square view of [-1.2, 1.2]², no grid clutter.
QCustomPlot* plane_plot(QWidget* owner, const QString& title)
{
    auto* host = new QWidget(owner);
    auto* plot = new QCustomPlot(host);
    frame_plot(host, plot, title);
    plot->xAxis->setRange(-1.2, 1.2);
    plot->yAxis->setRange(-1.2, 1.2);
    plot->setMinimumSize(260, 260);
    return plot;
}

// The prompt in bold, then what the model wrote after it: where the user's text ends and the
// model's begins is visible at a glance ("the cat" + "he tall grass" read as one word otherwise).
void show_continuation(QPlainTextEdit* view, const QString& prompt, const QString& continuation)
{
    view->clear();
    QTextCursor cursor(view->document());
    QTextCharFormat prompt_format;
    prompt_format.setFontWeight(QFont::Bold);
    cursor.insertText(prompt, prompt_format);
    cursor.insertText(continuation, QTextCharFormat());
}

const QColor kClassColors[] = {QColor(0, 114, 178), QColor(213, 94, 0), QColor(0, 158, 115)};

bool is_classifier(const RunRecord& run)
{
    return run.model == "demo-mlp";
}

}  // namespace

TryPage::TryPage(const QString& database_path, QWidget* parent) : QWidget(parent), m_database(database_path)
{
    m_runs = new QComboBox;
    m_runs->setMinimumContentsLength(30);
    auto* reload = new QPushButton(tr("Reload"));

    // Language models: a prompt and the two continuations.
    m_prompt = new QLineEdit;
    m_prompt->setPlaceholderText(tr("Type the start of a text, for example: the cat"));
    m_tokens = new QSpinBox;
    m_tokens->setRange(1, 1000);
    m_tokens->setValue(80);
    m_temperature = new QDoubleSpinBox;
    m_temperature->setRange(0, 2);
    m_temperature->setSingleStep(0.1);
    m_temperature->setSpecialValueText(tr("0 (greedy)"));
    m_temperature->setToolTip(tr("0 always takes the most likely next token; higher values sample more freely."));
    m_generate = new QPushButton(tr("Generate"));
    m_generate->setDefault(true);
    m_base_text = new QPlainTextEdit;
    m_adapted_text = new QPlainTextEdit;
    for (QPlainTextEdit* text : {m_base_text, m_adapted_text})
        text->setReadOnly(true);
    m_adapted_title = new QLabel(tr("<b>Trained model</b>"));
    auto* text_page = new QWidget;
    auto* text_form = new QFormLayout;
    text_form->addRow(tr("Prompt"), m_prompt);
    auto* knobs = new QHBoxLayout;
    knobs->addWidget(new QLabel(tr("New tokens")));
    knobs->addWidget(m_tokens);
    knobs->addWidget(new QLabel(tr("Temperature")));
    knobs->addWidget(m_temperature);
    knobs->addStretch();
    knobs->addWidget(m_generate);
    auto* texts = new QGridLayout;
    texts->addWidget(new QLabel(tr("<b>Base model</b>")), 0, 0);
    texts->addWidget(m_adapted_title, 0, 1);
    texts->addWidget(m_base_text, 1, 0);
    texts->addWidget(m_adapted_text, 1, 1);
    auto* text_layout = new QVBoxLayout(text_page);
    text_layout->addLayout(text_form);
    text_layout->addLayout(knobs);
    text_layout->addLayout(texts, 1);

    // Classifiers: held-out points coloured by each model's prediction.
    auto* points_page = new QWidget;
    m_predict = new QPushButton(tr("Classify the held-out points"));
    m_base_plot = plane_plot(points_page, tr("Base model"));
    m_adapted_plot = plane_plot(points_page, tr("Trained model"));
    auto* plots = new QHBoxLayout;
    plots->addWidget(m_base_plot->parentWidget());
    plots->addWidget(m_adapted_plot->parentWidget());
    auto* legend = new QLabel(tr("Colour: the class a model predicts. A cross marks a wrong prediction (the truth differs)."));
    legend->setWordWrap(true);
    auto* points_layout = new QVBoxLayout(points_page);
    points_layout->addWidget(m_predict, 0, Qt::AlignLeft);
    points_layout->addWidget(legend);
    points_layout->addLayout(plots, 1);

    m_kinds = new QStackedWidget;
    m_kinds->addWidget(text_page);
    m_kinds->addWidget(points_page);
    m_summary = new QLabel;
    m_summary->setWordWrap(true);

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Run")));
    top->addWidget(m_runs, 1);
    top->addWidget(reload);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_kinds, 1);
    layout->addWidget(m_summary);

    connect(reload, &QPushButton::clicked, this, &TryPage::refreshRuns);
    connect(m_runs, &QComboBox::currentIndexChanged, this, &TryPage::showKind);
    connect(m_generate, &QPushButton::clicked, this, &TryPage::generate);
    connect(m_prompt, &QLineEdit::returnPressed, this, &TryPage::generate);
    connect(m_predict, &QPushButton::clicked, this, &TryPage::predict);
    connect(&m_text_watcher, &QFutureWatcher<SideBySideText>::finished, this, [this] {
        setBusy(false);
        try {
            const SideBySideText text = m_text_watcher.result();
            show_continuation(m_base_text, m_generated_prompt, QString::fromStdString(text.base));
            show_continuation(m_adapted_text, m_generated_prompt, QString::fromStdString(text.adapted));
            m_summary->setStyleSheet(QString());
            m_summary->setText(tr("Both continue the same prompt with the same settings; only the training differs."));
        } catch (const std::exception& e) {
            fail(QString::fromUtf8(e.what()));
        }
        Q_EMIT resultReady();
    });
    connect(&m_prediction_watcher, &QFutureWatcher<HeldOutPredictions>::finished, this, [this] {
        setBusy(false);
        try {
            m_predictions = m_prediction_watcher.result();
            drawPredictions();
        } catch (const std::exception& e) {
            fail(QString::fromUtf8(e.what()));
        }
        Q_EMIT resultReady();
    });
    refreshRuns();
}

void TryPage::refreshRuns()
{
    const qint64 current = run();
    QSignalBlocker block(m_runs);
    m_runs->clear();
    try {
        for (const RunRecord& r : RunStore(m_database.toStdString()).list_runs())
            if (r.status != "running" && r.steps_done > 0)
                m_runs->addItem(tr("Run %1: %2").arg(r.id).arg(QString::fromStdString(r.name)), r.id);
    } catch (const std::exception& e) {
        fail(QString::fromUtf8(e.what()));
    }
    const int index = m_runs->findData(current);
    m_runs->setCurrentIndex(index >= 0 ? index : 0);
    showKind();
}

void TryPage::setRun(qint64 run_id)
{
    if (m_runs->findData(run_id) < 0)
        refreshRuns();
    m_runs->setCurrentIndex(m_runs->findData(run_id));
    showKind();
}

qint64 TryPage::run() const
{
    return m_runs->currentIndex() >= 0 ? m_runs->currentData().toLongLong() : 0;
}

bool TryPage::isClassifierRun() const
{
    return m_kinds->currentIndex() == 1;
}

void TryPage::showKind()
{
    bool classifier = false;
    try {
        if (const auto record = RunStore(m_database.toStdString()).find_run(run())) {
            classifier = is_classifier(*record);
            m_adapted_title->setText(tr("<b>Trained: %1</b>").arg(run_label(*record).toHtmlEscaped()));
        }
    } catch (const std::exception& e) {
        fail(QString::fromUtf8(e.what()));
    }
    m_kinds->setCurrentIndex(classifier ? 1 : 0);
}

void TryPage::setPrompt(const QString& prompt)
{
    m_prompt->setText(prompt);
}

void TryPage::generate()
{
    if (m_busy || run() == 0)
        return;
    GenerateOptions options;
    options.max_new_tokens = m_tokens->value();
    options.temperature = m_temperature->value();
    setBusy(true);
    m_generated_prompt = m_prompt->text();  // what the texts continue, even if the field is edited meanwhile
    m_text_watcher.setFuture(QtConcurrent::run(
        [db = m_database.toStdString(), id = run(), prompt = m_generated_prompt.toStdString(), options] {
            return continue_with_run(db, id, prompt, options);
        }));
}

void TryPage::predict()
{
    if (m_busy || run() == 0)
        return;
    setBusy(true);
    m_prediction_watcher.setFuture(QtConcurrent::run(
        [db = m_database.toStdString(), id = run()] { return predict_with_run(db, id, kShownSamples); }));
}

void TryPage::setBusy(bool busy)
{
    m_busy = busy;
    for (QWidget* w : {static_cast<QWidget*>(m_generate), static_cast<QWidget*>(m_predict), static_cast<QWidget*>(m_runs)})
        w->setEnabled(!busy);
    if (busy) {
        m_summary->setStyleSheet(QString());
        m_summary->setText(tr("Loading the run and computing…"));
    }
}

void TryPage::drawPredictions()
{
    auto draw = [this](QCustomPlot* plot, auto predicted) {
        plot->clearGraphs();
        for (int c = 0; c < 3; ++c) {
            for (bool wrong : {false, true}) {
                QCPGraph* graph = plot->addGraph();
                graph->setLineStyle(QCPGraph::lsNone);
                graph->setScatterStyle(QCPScatterStyle(wrong ? QCPScatterStyle::ssCross : QCPScatterStyle::ssDisc,
                                                       kClassColors[c], wrong ? 9 : 6));
                for (const ClassifiedSample& s : m_predictions.samples)
                    if (predicted(s) == c && (predicted(s) != s.truth) == wrong && s.input.size() >= 2)
                        graph->addData(s.input[0], s.input[1]);
            }
        }
        plot->replot();
    };
    draw(m_base_plot, [](const ClassifiedSample& s) { return s.base; });
    draw(m_adapted_plot, [](const ClassifiedSample& s) { return s.adapted; });
    m_summary->setStyleSheet(QString());
    m_summary->setText(tr("Held-out points: %1. Correct: base model %2%, trained model %3%.")
                           .arg(m_predictions.held_out)
                           .arg(m_predictions.base_accuracy * 100, 0, 'f', 1)
                           .arg(m_predictions.adapted_accuracy * 100, 0, 'f', 1));
}

void TryPage::fail(const QString& text)
{
    m_summary->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_summary->setText(text);
}

QString TryPage::baseText() const { return m_base_text->toPlainText(); }
QString TryPage::adaptedText() const { return m_adapted_text->toPlainText(); }
QString TryPage::summary() const { return m_summary->text(); }

}  // namespace dora::ui
