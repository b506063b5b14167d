// The other ranks of a data-parallel run started from the window: the window's worker thread is
// rank 0 (it records the run and feeds the plots as in any run), and ranks 1..N-1 are
// `dora-cli train --worker` processes started here, which take their config and starting state from
// rank 0 and record nothing. Create, use and destroy on one thread (the training thread).
#pragma once

#include "dora/distributed.h"

#include <QProcess>

#include <memory>
#include <vector>

namespace dora::ui {

class LocalWorkers {
public:
    LocalWorkers() = default;
    ~LocalWorkers();  // gives the workers a few seconds to end after rank 0, then kills them
    LocalWorkers(const LocalWorkers&) = delete;
    LocalWorkers& operator=(const LocalWorkers&) = delete;

    // Starts ranks 1..count-1 and returns rank 0's settings for this process. Throws dora::Error when
    // dora-cli is not next to this program or does not start.
    ProcessGroupSettings start(int count);

private:
    std::vector<std::unique_ptr<QProcess>> m_processes;
};

}  // namespace dora::ui
