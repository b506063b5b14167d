// Helper threads for splitting a micro-batch across the training threads (train/batch_shards.h).
// Each share of the batch runs on one thread with its own small number of intra-op threads, so the
// operations inside it need no thread hand-offs: with LibTorch's OpenMP, every parallel region wakes
// its sleeping helper threads (20–55 µs a region on the 2-core test machine; a step of the small
// bench model has 54 regions, the 6-layer one about 300). Engine-private; no torch types here.
#pragma once

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace dora::train {

class ShardWorkers {
public:
    // `helpers` threads besides the caller; every job, the caller's included, runs with
    // `threads_per_job` intra-op threads.
    ShardWorkers(int helpers, int threads_per_job);
    ~ShardWorkers();
    ShardWorkers(const ShardWorkers&) = delete;
    ShardWorkers& operator=(const ShardWorkers&) = delete;

    int capacity() const { return static_cast<int>(m_threads.size()) + 1; }

    // Runs job(0) on the calling thread and job(1) … job(count − 1) on helper threads, and returns
    // when all have finished. If jobs threw, rethrows the exception of the lowest-numbered one.
    void run(int count, const std::function<void(int)>& job);

    // Whether this LibTorch takes a per-thread intra-op thread count (its OpenMP backend does), which
    // the shares need so as not to run threads × threads_per_job threads at once.
    static bool supported();

private:
    void helper_loop(int index, int threads_per_job);

    int m_threads_per_job;
    std::vector<std::thread> m_threads;
    std::mutex m_mutex;
    std::condition_variable m_wake, m_done;
    const std::function<void(int)>* m_job = nullptr;
    int m_count = 0;
    long m_generation = 0;
    int m_pending = 0;
    bool m_stop = false;
    std::vector<std::exception_ptr> m_errors;
};

}  // namespace dora::train
