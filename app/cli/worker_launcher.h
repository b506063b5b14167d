// `dora-cli train ... --nproc N`: starts N copies of this program as the ranks of one data-parallel
// run on this machine and watches them until they end.
#pragma once

#include <string>
#include <vector>

namespace dora::cli {

// Starts `dora-cli train <train_args>` N times with RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE,
// MASTER_ADDR=127.0.0.1 and a free MASTER_PORT set, as a cluster launcher would. Rank 0 keeps this
// terminal's output; the others' standard output (their own copy of the summary) is discarded,
// their errors are kept. When a worker dies, the message names its rank; the others end by
// themselves once their collective fails and are killed if they have not within a grace period.
// Returns rank 0's exit code, or 1 when a worker died.
int launch_local_workers(int count, const std::vector<std::string>& train_args);

}  // namespace dora::cli
