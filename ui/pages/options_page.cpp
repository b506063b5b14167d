#include "pages/options_page.h"

#include "dora/error.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>

namespace dora::ui {
namespace {

QSpinBox* spin(int min, int max, const QString& tip)
{
    auto* box = new QSpinBox;
    box->setRange(min, max);
    box->setToolTip(tip);
    return box;
}

QDoubleSpinBox* real(double min, double max, int decimals, double step, const QString& tip)
{
    auto* box = new QDoubleSpinBox;
    box->setRange(min, max);
    box->setDecimals(decimals);
    box->setSingleStep(step);
    box->setToolTip(tip);
    return box;
}

}  // namespace

OptionsPage::OptionsPage(QWidget* parent) : QWidget(parent)
{
    m_method = new QComboBox;
    m_method->addItem(tr("DoRA: direction by LoRA, magnitude learned"), "dora");
    m_method->addItem(tr("LoRA: a low-rank update of each weight"), "lora");
    m_method->addItem(tr("Full fine-tuning of the chosen layers"), "full");
    m_method->setToolTip(tr("How the chosen layers learn. DoRA splits each weight row into a length (magnitude) "
                            "and a direction and adapts them separately; LoRA adds a small low-rank update; full "
                            "fine-tuning trains every weight of the chosen layers."));
    m_rank = spin(1, 1024, tr("The size of the low-rank update. Larger learns more but trains more parameters."));
    m_alpha = real(0.01, 4096, 2, 1, tr("Scales the update: the adapter is multiplied by alpha / rank."));
    m_dropout = real(0, 0.9, 2, 0.05, tr("Randomly drops inputs of the adapter while training, to generalise better."));
    m_rslora = new QCheckBox(tr("Rank-stabilised scaling (alpha / √rank)"));
    m_rslora->setToolTip(tr("Keeps the update's size steady when you change the rank."));
    m_magnitude_trainable = new QCheckBox(tr("Learn the magnitude"));
    m_magnitude_trainable->setToolTip(tr("DoRA: let each neuron's strength (the length of its weight row) change. "
                                         "Off: only the direction is adapted."));
    m_magnitude_lr_scale = real(0, 100, 2, 0.5, tr("DoRA: the magnitude's learning rate as a multiple of the main one."));
    m_exact_norm = new QCheckBox(tr("Exact gradient through the norm"));
    m_exact_norm->setToolTip(tr("DoRA: also send gradients through the row norm. Off (the default, as in the DoRA "
                                "paper and PEFT) treats the norm as a constant, which saves memory."));

    m_lr = real(1e-6, 1, 6, 1e-4, tr("How big each training step is. Too high and the loss jumps or becomes NaN."));
    m_schedule = new QComboBox;
    m_schedule->addItem(tr("Cosine decay"), "cosine");
    m_schedule->addItem(tr("Linear decay"), "linear");
    m_schedule->addItem(tr("Constant"), "constant");
    m_schedule->setToolTip(tr("How the learning rate changes after warm-up."));
    m_warmup = spin(0, 100000, tr("Steps at the start during which the learning rate grows from zero."));
    m_steps = spin(1, 10000000, tr("How long to train: optimiser steps, or passes over the training data (epochs)."));
    m_length_unit = new QComboBox;
    m_length_unit->addItem(tr("steps"));
    m_length_unit->addItem(tr("epochs"));
    m_length_unit->setToolTip(tr("An epoch is one pass over every training sample."));
    m_batch = spin(1, 4096, tr("Samples per step. Larger is smoother but needs more memory."));
    m_accum = spin(1, 1024, tr("Add up the gradients of this many batches before each step: a larger effective "
                               "batch without more memory."));
    m_seq_len = spin(2, 32768, tr("Tokens per sample for language models."));
    m_eval_every = spin(0, 1000000, tr("Measure the held-out loss every this many steps (0: only at the start and end)."));
    m_seed = spin(0, 2147483647, tr("The same seed and settings repeat a run exactly."));
    m_threads = spin(0, 256, tr("CPU threads for training (0: one per core)."));
    m_processes = spin(1, 64, tr("Train on this many processes, each on its share of every batch: the same "
                                 "result, sooner when one process leaves cores idle. See the README for clusters."));
    m_processes->setValue(1);

    auto* adapter = new QGroupBox(tr("Adapter"));
    auto* adapter_form = new QFormLayout(adapter);
    adapter_form->addRow(tr("Method"), m_method);
    adapter_form->addRow(tr("Rank"), m_rank);
    adapter_form->addRow(tr("Alpha"), m_alpha);
    adapter_form->addRow(tr("Dropout"), m_dropout);
    adapter_form->addRow(QString(), m_rslora);
    auto* magnitude = new QGroupBox(tr("Magnitude (DoRA)"));
    auto* magnitude_form = new QFormLayout(magnitude);
    magnitude_form->addRow(QString(), m_magnitude_trainable);
    magnitude_form->addRow(tr("Learning-rate scale"), m_magnitude_lr_scale);
    magnitude_form->addRow(QString(), m_exact_norm);
    auto* training = new QGroupBox(tr("Training"));
    auto* training_form = new QFormLayout(training);
    training_form->addRow(tr("Learning rate"), m_lr);
    training_form->addRow(tr("Schedule"), m_schedule);
    training_form->addRow(tr("Warm-up steps"), m_warmup);
    auto* length = new QHBoxLayout;
    length->addWidget(m_steps, 1);
    length->addWidget(m_length_unit);
    training_form->addRow(tr("Train for"), length);
    training_form->addRow(tr("Batch size"), m_batch);
    training_form->addRow(tr("Gradient accumulation"), m_accum);
    training_form->addRow(tr("Sequence length"), m_seq_len);
    training_form->addRow(tr("Evaluate every"), m_eval_every);
    training_form->addRow(tr("Seed"), m_seed);
    training_form->addRow(tr("Threads"), m_threads);
    training_form->addRow(tr("Processes"), m_processes);

    m_problem = new QLabel;
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_problem->hide();

    auto* columns = new QHBoxLayout;
    auto* left = new QVBoxLayout;
    left->addWidget(adapter);
    left->addWidget(magnitude);
    left->addStretch();
    columns->addLayout(left);
    columns->addWidget(training);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(columns);
    layout->addWidget(m_problem);
    layout->addStretch();

    auto changed = [this, magnitude] {
        const bool dora = method() == "dora", adapter_method = method() != "full";
        magnitude->setEnabled(dora);
        m_rank->setEnabled(adapter_method);
        m_alpha->setEnabled(adapter_method);
        m_dropout->setEnabled(adapter_method);
        m_rslora->setEnabled(adapter_method);
        m_problem->hide();
        Q_EMIT methodOrRankChanged(method(), rank());
    };
    connect(m_method, &QComboBox::currentIndexChanged, this, changed);
    connect(m_rank, &QSpinBox::valueChanged, this, changed);
    show(RunConfig{});
}

QString OptionsPage::method() const { return m_method->currentData().toString(); }
int OptionsPage::epochs() const { return m_length_unit->currentIndex() == 1 ? m_steps->value() : 0; }
int OptionsPage::rank() const { return m_rank->value(); }
int OptionsPage::processes() const { return m_processes->value(); }

void OptionsPage::apply(RunConfig& c) const
{
    c.adapter.method = method().toStdString();
    c.adapter.rank = m_rank->value();
    c.adapter.alpha = m_alpha->value();
    c.adapter.dropout = m_dropout->value();
    c.adapter.rslora = m_rslora->isChecked();
    c.adapter.magnitude.trainable = m_magnitude_trainable->isChecked();
    c.adapter.magnitude.lr_scale = m_magnitude_lr_scale->value();
    c.adapter.magnitude.detach_norm = !m_exact_norm->isChecked();
    c.train.lr = m_lr->value();
    c.train.schedule = m_schedule->currentData().toString().toStdString();
    c.train.warmup_steps = m_warmup->value();
    c.train.steps = m_steps->value();
    c.train.batch_size = m_batch->value();
    c.train.grad_accum = m_accum->value();
    c.data.seq_len = m_seq_len->value();
    c.train.eval_every = m_eval_every->value();
    c.train.seed = static_cast<unsigned long long>(m_seed->value());
    c.train.threads = m_threads->value();
}

void OptionsPage::show(const RunConfig& c)
{
    m_method->setCurrentIndex(m_method->findData(QString::fromStdString(c.adapter.method)));
    m_rank->setValue(c.adapter.rank);
    m_alpha->setValue(c.adapter.alpha);
    m_dropout->setValue(c.adapter.dropout);
    m_rslora->setChecked(c.adapter.rslora);
    m_magnitude_trainable->setChecked(c.adapter.magnitude.trainable);
    m_magnitude_lr_scale->setValue(c.adapter.magnitude.lr_scale);
    m_exact_norm->setChecked(!c.adapter.magnitude.detach_norm);
    m_lr->setValue(c.train.lr);
    m_schedule->setCurrentIndex(m_schedule->findData(QString::fromStdString(c.train.schedule)));
    m_warmup->setValue(c.train.warmup_steps);
    m_steps->setValue(c.train.steps);
    m_length_unit->setCurrentIndex(0);
    m_batch->setValue(c.train.batch_size);
    m_accum->setValue(c.train.grad_accum);
    m_seq_len->setValue(c.data.seq_len);
    m_eval_every->setValue(c.train.eval_every);
    m_seed->setValue(static_cast<int>(std::min<unsigned long long>(c.train.seed, 2147483647ULL)));
    m_threads->setValue(c.train.threads);
}

bool OptionsPage::validate(const RunConfig& config)
{
    try {
        run_config_validate(config, tr("Options").toStdString());
        m_problem->hide();
        return true;
    } catch (const Error& e) {
        m_problem->setText(QString::fromStdString(e.what()));
        m_problem->show();
        return false;
    }
}

}  // namespace dora::ui
