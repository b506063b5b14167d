// A training run that is kept: created in (or resumed from) the run store, checkpointed next to the
// database, every metric recorded. This is the one engine call behind `dora-cli train` and the GUI's
// Start and Resume buttons. Call it on the thread that trains; it opens its own store connection.
#pragma once

#include "dora/run_config.h"
#include "dora/training.h"

#include <string>

namespace dora {

struct RecordedRun {
    long long run_id = 0;
    RunSummary summary;  // first_eval_loss is the run's own, also after a resume
    double store_seconds = 0;  // time spent writing metrics and checkpoint rows to the database
};

// Called once the run exists in the store (its id known), before the first step.
class RecordedRunObserver : public TrainingObserver {
public:
    virtual void on_run_created(long long /*run_id*/, const Trainer& /*trainer*/) {}
};

// Builds the trainer (throws dora::Error for a bad config, before anything is stored), creates the
// run, trains and records. Training failures end as a stored `failed` run, not as an exception.
RecordedRun train_recorded(const std::string& db_path, const RunConfig& config, RecordedRunObserver& observer,
                           TrainingControl& control);

// Continues an `interrupted`, `stopped` or `failed` run from its newest readable checkpoint (or from the start
// when it has none). The stored metric series stays without gaps or duplicate steps.
RecordedRun resume_recorded(const std::string& db_path, long long run_id, RecordedRunObserver& observer,
                            TrainingControl& control);

// Where a run's checkpoint files live: <folder of the database>/checkpoints/run-<id>.
std::string checkpoint_dir_for(const std::string& db_path, long long run_id);

}  // namespace dora
