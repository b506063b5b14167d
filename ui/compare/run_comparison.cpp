#include "compare/run_comparison.h"

#include "dora/error.h"
#include "models/runs_table_model.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>
#include <map>

namespace dora::ui {

RunComparison load_comparison(const std::string& db_path, const std::vector<long long>& run_ids)
{
    const RunStore store(db_path);
    RunComparison comparison;
    std::vector<std::string> configs;
    for (long long id : run_ids) {
        ComparedRun run;
        const std::optional<RunRecord> record = store.find_run(id);
        if (!record)
            throw Error(db_path + " has no run " + std::to_string(id));
        run.record = *record;
        run.steps = store.step_metrics(id);
        run.evals = store.eval_results(id);
        run.results = summarize_run(run.record, run.steps, run.evals);
        run.layer_stats = store.layer_stats(id);
        configs.push_back(record->config_json);
        comparison.runs.push_back(std::move(run));
    }
    if (configs.empty())
        return comparison;
    std::vector<std::map<std::string, std::string>> values;
    for (const std::string& config : configs) {
        const auto flat = flatten_settings(config);
        values.emplace_back(flat.begin(), flat.end());
    }
    for (const std::string& key : differing_settings(configs)) {
        comparison.differing_keys << QString::fromStdString(key);
        QStringList row;
        for (const auto& run_values : values) {
            const auto it = run_values.find(key);
            row << (it == run_values.end() ? QStringLiteral("—") : QString::fromStdString(it->second));
        }
        comparison.differing_values << row;
    }
    return comparison;
}

double axis_value(const ComparedRun& run, int step, double seconds, CompareAxis axis)
{
    const double samples = step * run.results.samples_per_step;
    switch (axis) {
    case CompareAxis::Step: return step;
    case CompareAxis::Samples: return samples;
    case CompareAxis::Tokens:
        return samples * (std::isfinite(run.results.tokens_per_sample) ? run.results.tokens_per_sample : 1.0);
    case CompareAxis::Seconds: return seconds;
    }
    return step;
}

double axis_value_at_step(const ComparedRun& run, int step, CompareAxis axis)
{
    double seconds = 0;
    if (axis == CompareAxis::Seconds && !run.steps.empty()) {
        const auto it = std::lower_bound(run.steps.begin(), run.steps.end(), step,
                                         [](const StepMetrics& m, int s) { return m.step < s; });
        seconds = it == run.steps.end() ? run.steps.back().seconds : (it->step == step || it == run.steps.begin())
                                                                          ? it->seconds
                                                                          : std::prev(it)->seconds;
    }
    return axis_value(run, step, seconds, axis);
}

QString run_label(const RunRecord& run)
{
    const QString method = run_method_label(run.method);
    int rank = 0;
    try {
        rank = run_config_from_json(run.config_json).adapter.rank;
    } catch (const std::exception&) {
    }
    return run.method == "full" ? QCoreApplication::translate("RunComparison", "Run %1 · %2").arg(run.id).arg(method)
                                : QCoreApplication::translate("RunComparison", "Run %1 · %2 r%3").arg(run.id).arg(method).arg(rank);
}

}  // namespace dora::ui
