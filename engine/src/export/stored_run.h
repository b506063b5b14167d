// What rebuilding a stored run's trained model needs: its config and its newest checkpoint file.
// Shared by the exports and by "try it" (base and adapted model side by side).
#pragma once

#include "dora/run_config.h"

#include <string>

namespace dora::exporting {

struct StoredRun {
    RunConfig config;
    std::string newest_checkpoint;
};

// Throws dora::Error when the run does not exist or has no checkpoint yet.
StoredRun stored_run(const std::string& db_path, long long run_id);

}  // namespace dora::exporting
