#include "teaching/guided_demo.h"

#include "dora/run_config.h"
#include "main_window.h"
#include "pages/compare_page.h"
#include "pages/model_page.h"
#include "pages/train_page.h"
#include "pages/try_page.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace dora::ui {
namespace {

struct DemoStep {
    const char* title;
    const char* text;
};

// Plain words for a classroom; the texts are translated (Simplified Chinese ships with the app).
const DemoStep kSteps[] = {
    {QT_TRANSLATE_NOOP("GuidedDemo", "Magnitude and direction"),
     QT_TRANSLATE_NOOP("GuidedDemo",
                       "A neuron multiplies its inputs by a list of weights. Seen as an arrow, the weights have a "
                       "<b>direction</b> - where they point, which inputs the neuron responds to - and a "
                       "<b>magnitude</b> - the arrow's length, how strongly it responds.<br><br>"
                       "<b>LoRA</b> fine-tunes a model by adding a small low-rank update to its weights. "
                       "<b>DoRA</b> splits every weight into magnitude and direction, updates the direction with "
                       "LoRA and learns the magnitude on its own.<br><br>Press <i>Next</i> to see both at work.")},
    {QT_TRANSLATE_NOOP("GuidedDemo", "The model"),
     QT_TRANSLATE_NOOP("GuidedDemo",
                       "We use <b>demo-mlp</b>: a small network that learned to tell apart three spiral arms of "
                       "points in the plane. Fine-tuning will teach it the same spirals <b>turned by 40°</b>.<br><br>"
                       "Its first layer takes a point (x, y), so each of its neurons is an arrow in the plane - "
                       "something we can draw.")},
    {QT_TRANSLATE_NOOP("GuidedDemo", "Train LoRA and DoRA"),
     QT_TRANSLATE_NOOP("GuidedDemo",
                       "Both runs now train in slow motion, one after the other, with the same data, seed, data "
                       "order, rank and layers - only the method differs.<br><br>"
                       "Faint arrows: the weights before training. Solid arrows: the weights now. Watch whether "
                       "the arrows <b>grow or shrink</b> (magnitude) or <b>turn</b> (direction), and how LoRA's "
                       "picture (left) differs from DoRA's (right).")},
    {QT_TRANSLATE_NOOP("GuidedDemo", "What the plots measure"),
     QT_TRANSLATE_NOOP("GuidedDemo",
                       "The Train page measures the same thing for every adapted layer: <b>ΔM</b>, how much the "
                       "lengths changed on average, and <b>ΔD</b>, how much the arrows turned (1 − cosine).<br><br>"
                       "The scatter plots ΔD against ΔM. An additive LoRA update that turns a row usually also "
                       "lengthens it, so LoRA's points tend to line up (a high correlation r). DoRA can turn "
                       "without lengthening, so its points are usually looser. Read the r the run measured: small "
                       "models do not always show the paper's picture.")},
    {QT_TRANSLATE_NOOP("GuidedDemo", "Compare the runs"),
     QT_TRANSLATE_NOOP("GuidedDemo",
                       "The Compare page puts the runs side by side: the loss curves (by step, samples, tokens or "
                       "time), the only setting that differs - the method - and the results: held-out loss, "
                       "trainable parameters, time per step and memory. Below, each run's ΔD-versus-ΔM plot with "
                       "its slope and correlation.<br><br>Slow motion adds a pause to every step, so compare time "
                       "per step on runs trained at full speed.")},
    {QT_TRANSLATE_NOOP("GuidedDemo", "Try the result"),
     QT_TRANSLATE_NOOP("GuidedDemo",
                       "Finally the DoRA run classifies points it never trained on, next to the base model. The "
                       "base model still expects the old spirals, so it gets many points wrong (crosses); the "
                       "fine-tuned model has learned the turned ones.<br><br>That is the whole story: same "
                       "data, same budget, two ways to change the weights. Try it on demo-gpt next.")},
};

constexpr int kTrainStep = 2;
constexpr int kCompareStep = 4;
constexpr int kTryStep = 5;

}  // namespace

GuidedDemo::GuidedDemo(MainWindow& window) : QDockWidget(tr("Guided demo"), &window), m_window(window)
{
    setObjectName(QStringLiteral("guidedDemo"));
    auto* body = new QWidget;
    m_counter = new QLabel;
    m_text = new QLabel;
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::RichText);
    m_text->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_text->setMinimumWidth(260);
    m_back = new QPushButton(tr("Back"));
    m_next = new QPushButton(tr("Next"));
    m_next->setDefault(true);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_counter);
    buttons->addStretch();
    buttons->addWidget(m_back);
    buttons->addWidget(m_next);
    auto* layout = new QVBoxLayout(body);
    layout->addWidget(m_text, 1);
    layout->addLayout(buttons);
    setWidget(body);

    connect(m_back, &QPushButton::clicked, this, &GuidedDemo::back);
    connect(m_next, &QPushButton::clicked, this, &GuidedDemo::next);
    connect(window.trainPage(), &TrainPage::seriesFinished, this, &GuidedDemo::onSeriesFinished);
}

int GuidedDemo::stepCount() const
{
    return static_cast<int>(std::size(kSteps));
}

void GuidedDemo::goTo(int step)
{
    if (step < 0 || step >= stepCount())
        return;
    m_step = step;
    m_text->setText(QStringLiteral("<h3>%1</h3>%2").arg(tr(kSteps[step].title), tr(kSteps[step].text)));
    m_counter->setText(tr("Step %1 of %2").arg(step + 1).arg(stepCount()));
    m_back->setEnabled(step > 0);
    m_next->setText(step + 1 == stepCount() ? tr("Close") : tr("Next"));
    disconnect(m_next, &QPushButton::clicked, this, nullptr);
    if (step + 1 == stepCount())
        connect(m_next, &QPushButton::clicked, this, &QDockWidget::close);
    else
        connect(m_next, &QPushButton::clicked, this, &GuidedDemo::next);

    switch (step) {
    case 1:
        m_window.modelPage()->choose(QStringLiteral("demo-mlp"));
        m_window.showPage(MainWindow::LayersStep);
        break;
    case kTrainStep:
        // Enough logged steps for the arrows to move smoothly, slow enough to follow.
        m_window.setConfigAdjustment([steps = m_run_steps](RunConfig& config) {
            config.train.steps = steps;
            config.log.layer_stats_every = 2;
        });
        m_window.trainPage()->session().setStepDelay(kStepDelayMs);
        m_window.showPage(MainWindow::WeightsStep);
        if (m_runs.isEmpty() && !m_window.trainPage()->isTraining())
            m_window.trainPage()->startLoraVsDora();
        break;
    case 3:
        m_window.showPage(MainWindow::TrainStep);
        break;
    case kCompareStep:
        m_window.showPage(MainWindow::CompareStep);
        break;
    case kTryStep:
        if (!m_runs.isEmpty()) {
            m_window.tryPage()->setRun(m_runs.back());
            m_window.tryPage()->predict();
        }
        m_window.showPage(MainWindow::TryStep);
        break;
    default:
        break;
    }
    // Comparing and trying need the trained runs: wait for them.
    m_next->setEnabled(step + 1 < kCompareStep || !m_runs.isEmpty() || step + 1 == stepCount());
}

bool GuidedDemo::canGoNext() const
{
    return m_next->isEnabled();
}

void GuidedDemo::onSeriesFinished(const QList<qint64>& run_ids)
{
    if (m_step < kTrainStep)
        return;
    m_window.trainPage()->session().setStepDelay(0);
    m_window.setConfigAdjustment(nullptr);
    m_runs = run_ids;
    m_next->setEnabled(true);
}

}  // namespace dora::ui
