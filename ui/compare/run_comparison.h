// What the Compare page shows, read from the run store in one go: each run's record, results and
// metric series, and the settings that differ between them. No widgets, so tests check it directly.
#pragma once

#include "dora/comparison.h"
#include "dora/run_store.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <string>
#include <vector>

namespace dora::ui {

struct ComparedRun {
    RunRecord record;
    RunResults results;
    std::vector<StepMetrics> steps;
    std::vector<EvalResult> evals;
    std::vector<LayerStats> layer_stats;
};

struct RunComparison {
    std::vector<ComparedRun> runs;
    QStringList differing_keys;            // dotted config keys, e.g. "adapter.method"
    QVector<QStringList> differing_values;  // [key][run]: the JSON value, "—" where a run lacks the key
};

// Throws dora::Error (a missing run, an unreadable store).
RunComparison load_comparison(const std::string& db_path, const std::vector<long long>& run_ids);

// What the loss curves are drawn against.
enum class CompareAxis { Step, Samples, Tokens, Seconds };

// The x value of a logged step on that axis. Samples and tokens are counted from the step (every
// step sees samples_per_step samples); seconds are the run's own clock.
double axis_value(const ComparedRun& run, int step, double seconds, CompareAxis axis);
// For held-out points, which carry a step only: seconds are read from the nearest logged step.
double axis_value_at_step(const ComparedRun& run, int step, CompareAxis axis);

// "Run 3 · DoRA r8" - the label a run has in legends and table headers.
QString run_label(const RunRecord& run);

}  // namespace dora::ui
