// Data-parallel training over several processes, on one machine or many, with PyTorch's c10d
// (Gloo). Each rank trains on its share of every global batch, the trainable gradients are summed
// over ranks once per step, and every rank takes the same optimizer step. Rank 0 alone writes the
// run store and the checkpoints; the other ranks receive the run's config and starting state from it.
// Plain C++ (no torch), like every public engine header.
#pragma once

#include "dora/recorded_run.h"
#include "dora/run_config.h"

#include <memory>
#include <optional>
#include <string>

namespace dora {

namespace distributed {
class ProcessGroup;
}

struct ProcessGroupSettings {
    int rank = 0;
    int world_size = 1;
    int local_rank = 0;            // rank among the processes on this machine (informational on CPU)
    int local_world_size = 1;      // processes on this machine: they share its cores
    std::string master_addr = "127.0.0.1";  // where rank 0 listens
    int master_port = 29500;
    double timeout_seconds = 300;  // longest wait for a silent peer before the run ends on every rank
};

// The settings cluster launchers give through the environment, as torchrun and Slurm scripts set them:
// RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT, LOCAL_RANK, LOCAL_WORLD_SIZE, and DORA_DIST_TIMEOUT
// (seconds). std::nullopt when WORLD_SIZE is not set. Throws dora::Error naming the variable when one
// is malformed or missing.
std::optional<ProcessGroupSettings> process_group_settings_from_environment();

// A TCP port nobody listens on now, for MASTER_PORT of a run on this machine. Another program could
// take it before rank 0 binds it; that run then fails at once naming the address and can be started
// again. Throws dora::Error when the system gives no port.
int free_local_port();

// This process's membership in a data-parallel run, for the life of the object: while it exists, every
// Trainer in the process all-reduces its gradients with the other ranks. One per process.
class DistributedSession {
public:
    // Meets the other ranks; throws dora::Error naming the address when they do not all arrive in time.
    explicit DistributedSession(const ProcessGroupSettings& settings);
    ~DistributedSession();
    DistributedSession(const DistributedSession&) = delete;
    DistributedSession& operator=(const DistributedSession&) = delete;

    int rank() const;
    int world_size() const;

    // Rank 0 creates and records the run as train_recorded() does and sends the config to the others;
    // `config` and `db_path` are read on rank 0 only. Other ranks train what rank 0 sent, record
    // nothing, and report no run id. A rank that loses a peer ends with status `interrupted`.
    RecordedRun train_new(const std::string& db_path, const RunConfig& config, RecordedRunObserver& observer,
                          TrainingControl& control);
    // As train_new, continuing a stored run (resume_recorded() on rank 0).
    RecordedRun resume(const std::string& db_path, long long run_id, RecordedRunObserver& observer,
                       TrainingControl& control);

private:
    RecordedRun follow_rank0(TrainingControl& control);

    std::unique_ptr<distributed::ProcessGroup> m_group;
    ProcessGroupSettings m_settings;
};

}  // namespace dora
