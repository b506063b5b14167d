#include "dora/comparison.h"

#include "dora/error.h"
#include "dora/run_store.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace dora {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double median(std::vector<double> values)
{
    if (values.empty())
        return kNaN;
    const size_t mid = values.size() / 2;
    std::nth_element(values.begin(), values.begin() + mid, values.end());
    return values[mid];
}

}  // namespace

RunResults run_results(const RunStore& store, long long run_id)
{
    const std::optional<RunRecord> run = store.find_run(run_id);
    if (!run)
        throw Error(store.path() + " has no run " + std::to_string(run_id));
    return summarize_run(*run, store.step_metrics(run_id), store.eval_results(run_id));
}

RunResults summarize_run(const RunRecord& run, const std::vector<StepMetrics>& steps,
                         const std::vector<EvalResult>& evals)
{
    RunResults r;
    r.run_id = run.id;
    r.trainable_parameters = run.trainable_parameters;
    r.peak_memory_mb = run.peak_memory_mb;

    r.best_eval_loss = r.final_eval_loss = kNaN;
    for (const EvalResult& e : evals) {
        if (!std::isfinite(e.loss))
            continue;
        if (!(e.loss >= r.best_eval_loss))  // also true while best is NaN
            r.best_eval_loss = e.loss;
        r.final_eval_loss = e.loss;
    }

    // Step times from consecutive logged steps; the median ignores the pauses of evaluations,
    // checkpoints and a resume (whose clock restarts, giving a negative difference that is skipped).
    std::vector<double> durations, tokens_per_sample;
    for (size_t i = 1; i < steps.size(); ++i) {
        const double dt = steps[i].seconds - steps[i - 1].seconds;
        if (steps[i].step == steps[i - 1].step + 1 && dt > 0)
            durations.push_back(dt);
    }
    for (const StepMetrics& m : steps)
        if (m.samples_per_second > 0 && m.tokens_per_second > 0)
            tokens_per_sample.push_back(m.tokens_per_second / m.samples_per_second);
    r.seconds_per_step = median(std::move(durations));
    r.tokens_per_sample = median(std::move(tokens_per_sample));

    const RunConfig config = run_config_from_json(run.config_json, "run " + std::to_string(run.id) + " config");
    r.samples_per_step = static_cast<double>(config.train.batch_size) * config.train.grad_accum;
    return r;
}

}  // namespace dora
