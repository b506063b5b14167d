// One process's membership in a data-parallel run: the rendezvous store and the collective
// backend of PyTorch's c10d (Gloo; c10d's NCCL is not compiled into Debian's CPU LibTorch). The c10d
// headers stay in process_group.cpp so that only one translation unit pays for them. Engine-private.
#pragma once

#include "dora/distributed.h"
#include "dora/error.h"

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

namespace dora::distributed {

// A collective failed because another rank is gone or silent: the run cannot continue on any rank,
// but it can be resumed from its last checkpoint, so it ends as `interrupted`, not `failed`.
class PeerLost : public Error {
public:
    explicit PeerLost(const std::string& message) : Error(message) {}
};

class ProcessGroup {
public:
    // Meets the other ranks at settings.master_addr:master_port (rank 0 hosts the store there) and
    // connects the Gloo transport. Throws dora::Error naming the address when they do not all arrive
    // within settings.timeout_seconds.
    explicit ProcessGroup(const ProcessGroupSettings& settings);
    ~ProcessGroup();

    int rank() const { return m_settings.rank; }
    int world_size() const { return m_settings.world_size; }
    // Counts the trainings this rank has begun in the group (0 for the first); every rank begins them
    // in the same order, so the count names keys that belong to one training.
    int begin_training() { return m_trainings_begun++; }

    // Sums a contiguous CPU tensor over all ranks, in place. Throws PeerLost naming the ranks that are
    // gone when a peer dies or stays silent past the timeout.
    void all_reduce_sum(torch::Tensor& buffer);

    // Small blobs through the rendezvous store (a config, a checkpoint): set by one rank, read by
    // others, who wait for the key up to the timeout.
    void publish(const std::string& key, const std::vector<uint8_t>& bytes);
    std::vector<uint8_t> fetch(const std::string& key);

private:
    // After a failed collective: which ranks do not answer a roll call through the store.
    std::string describe_missing_ranks();

    struct Impl;  // c10d objects
    ProcessGroupSettings m_settings;
    std::unique_ptr<Impl> m_impl;
    int m_failures = 0;  // roll calls held so far, so each uses fresh keys
    int m_trainings_begun = 0;
};

// The group this process belongs to while a DistributedSession lives; nullptr in a single-process run.
ProcessGroup* active_group();

}  // namespace dora::distributed
