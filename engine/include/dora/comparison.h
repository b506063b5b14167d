// Comparing runs: which settings differ between them, what each run achieved, and the configs of a
// fair LoRA-against-DoRA experiment. Torch-free; the GUI's Compare page and tests use it.
#pragma once

#include "dora/run_config.h"

#include <string>
#include <utility>
#include <vector>

namespace dora {

class RunStore;
struct EvalResult;
struct RunRecord;
struct StepMetrics;

// A config as dotted keys and their JSON values, e.g. {"adapter.rank", "8"}, in the config's order.
// Lists are one value ("adapter.targets" -> ["q","v"]): a list is a setting, not several.
std::vector<std::pair<std::string, std::string>> flatten_settings(const std::string& config_json);

// The keys whose values are not the same in every config (a key missing from one counts as
// different), in the order of the first config, then keys only later configs have. The run's
// `name` is left out: it names the run, it is not a setting. Throws dora::Error for malformed JSON.
std::vector<std::string> differing_settings(const std::vector<std::string>& config_jsons);

// One line of the results table.
struct RunResults {
    long long run_id = 0;
    double best_eval_loss = 0;      // lowest held-out loss measured; NaN when none
    double final_eval_loss = 0;     // the last one; NaN when none
    long long trainable_parameters = 0;
    double seconds_per_step = 0;    // median time between consecutive logged steps; NaN with < 2 steps
    double peak_memory_mb = 0;      // NaN when not measured (runs made before it was recorded)
    double samples_per_step = 0;    // batch_size * grad_accum, for "samples seen" axes
    double tokens_per_sample = 0;   // from the logged throughput (1 for classifiers); NaN when not logged
};
// Throws dora::Error when the store has no such run.
RunResults run_results(const RunStore& store, long long run_id);
// The same from a run's record and series already read (the Compare page holds them anyway).
RunResults summarize_run(const RunRecord& run, const std::vector<StepMetrics>& steps,
                         const std::vector<EvalResult>& evals);

// The runs of a fair comparison: `base` as LoRA and as DoRA, and with `with_half_rank` a DoRA run at
// half the rank (at least 1). Everything else - model, data, seed (hence data order and the adapters'
// initial A), layers, rank, steps - is the same, so differences come from the method alone. Names say
// which is which.
std::vector<RunConfig> lora_vs_dora_configs(const RunConfig& base, bool with_half_rank);

}  // namespace dora
