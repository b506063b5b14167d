#include "export/stored_run.h"

#include "dora/error.h"
#include "dora/run_store.h"

namespace dora::exporting {

StoredRun stored_run(const std::string& db_path, long long run_id)
{
    const RunStore store(db_path);
    const std::optional<RunRecord> record = store.find_run(run_id);
    if (!record)
        throw Error(db_path + ": there is no run " + std::to_string(run_id));
    const std::vector<CheckpointRecord> checkpoints = store.checkpoints(run_id);
    if (checkpoints.empty())
        throw Error("run " + std::to_string(run_id) + " has no checkpoint yet (it ended before its first one)");
    return {run_config_from_json(record->config_json, "run " + std::to_string(run_id)), checkpoints.back().path};
}

}  // namespace dora::exporting
