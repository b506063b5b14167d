// The training options as a form: method (LoRA, DoRA, full fine-tuning), rank, alpha, dropout, rsLoRA,
// the magnitude options, and the optimiser and schedule settings. Every field has a tooltip in plain
// words; values are checked by the engine's own config validation before Start, and the problem is
// shown under the form.
#pragma once

#include "dora/run_config.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;

namespace dora::ui {

class OptionsPage : public QWidget {
    Q_OBJECT
public:
    explicit OptionsPage(QWidget* parent = nullptr);

    // Fills the adapter, data sizes and train sections of `config` from the form.
    void apply(RunConfig& config) const;
    // Shows `config`'s values (defaults for a demo, or a stored run's).
    void show(const RunConfig& config);
    // Checks `config` with the engine's rules; shows the message and returns false when it is wrong.
    bool validate(const RunConfig& config);

    QString method() const;
    int rank() const;
    // 0 when the length is given in steps; otherwise the number of passes over the training data, which
    // the window turns into steps once it knows how many samples there are.
    int epochs() const;
    // Processes of this machine to train on (data parallel): not part of the run's config, since the
    // run computes the same thing on any number of them.
    int processes() const;

Q_SIGNALS:
    void methodOrRankChanged(const QString& method, int rank);

private:
    QComboBox* m_method;
    QSpinBox* m_rank;
    QDoubleSpinBox* m_alpha;
    QDoubleSpinBox* m_dropout;
    QCheckBox* m_rslora;
    QCheckBox* m_magnitude_trainable;
    QDoubleSpinBox* m_magnitude_lr_scale;
    QCheckBox* m_exact_norm;
    QDoubleSpinBox* m_lr;
    QComboBox* m_schedule;
    QSpinBox* m_warmup;
    QSpinBox* m_steps;
    QComboBox* m_length_unit;
    QSpinBox* m_batch;
    QSpinBox* m_accum;
    QSpinBox* m_seq_len;
    QSpinBox* m_eval_every;
    QSpinBox* m_seed;
    QSpinBox* m_threads;
    QSpinBox* m_processes;
    QLabel* m_problem;
};

}  // namespace dora::ui
