// A rank's side of a data-parallel run: rank 0 records the run and sends its config to the other
// ranks through the rendezvous store; the other ranks build the same trainer and train unrecorded.
#include "dora/distributed.h"

#include "distributed/process_group.h"
#include "dora/error.h"
#include "dora/run_store.h"

#include <algorithm>
#include <thread>

namespace dora {
namespace {

const std::string kConfigKey = "dora/config";

std::vector<uint8_t> bytes_of(const std::string& text) { return {text.begin(), text.end()}; }

// The processes of one machine share its cores: "one thread per core" becomes a share of them, or
// N ranks would each start one thread per core and spend their time preempting one another.
RunConfig with_threads_shared(RunConfig config, const ProcessGroupSettings& settings)
{
    if (config.train.threads == 0 && settings.local_world_size > 1)
        config.train.threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / settings.local_world_size);
    return config;
}

class SilentObserver : public TrainingObserver {};

}  // namespace

DistributedSession::DistributedSession(const ProcessGroupSettings& settings)
    : m_group(std::make_unique<distributed::ProcessGroup>(settings)), m_settings(settings)
{
}

DistributedSession::~DistributedSession() = default;

int DistributedSession::rank() const { return m_group->rank(); }
int DistributedSession::world_size() const { return m_group->world_size(); }

RecordedRun DistributedSession::train_new(const std::string& db_path, const RunConfig& config,
                                          RecordedRunObserver& observer, TrainingControl& control)
{
    if (rank() != 0)
        return follow_rank0(control);
    const RunConfig shared = with_threads_shared(config, m_settings);
    m_group->publish(kConfigKey, bytes_of(run_config_to_json(shared)));
    return train_recorded(db_path, shared, observer, control);
}

RecordedRun DistributedSession::resume(const std::string& db_path, long long run_id, RecordedRunObserver& observer,
                                       TrainingControl& control)
{
    if (rank() != 0)
        return follow_rank0(control);
    std::string config_json;
    {
        RunStore store(db_path);  // closed before resume_recorded opens its own connection
        const std::optional<RunRecord> record = store.find_run(run_id);
        if (!record)
            throw Error(db_path + ": there is no run " + std::to_string(run_id));
        config_json = record->config_json;
    }
    m_group->publish(kConfigKey, bytes_of(config_json));
    return resume_recorded(db_path, run_id, observer, control);
}

RecordedRun DistributedSession::follow_rank0(TrainingControl& control)
{
    const std::vector<uint8_t> bytes = m_group->fetch(kConfigKey);
    RunConfig config = run_config_from_json(std::string(bytes.begin(), bytes.end()), "rank 0's config");
    // Evaluations and layer statistics are rank 0's to record; here they would only cost time. (The
    // evaluations before the first and after the last step remain: the trainer always makes them.)
    config.train.eval_every = 0;
    config.log.layer_stats_every = 0;
    Trainer trainer(config);
    SilentObserver silent;
    RecordedRun result;
    result.summary = trainer.train(silent, control);
    return result;
}

}  // namespace dora
