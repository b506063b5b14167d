#include "train/shard_workers.h"

#include <ATen/Config.h>
#include <ATen/Parallel.h>

#include <algorithm>

#include <omp.h>

namespace dora::train {
namespace {

// The calling thread's intra-op thread count for the life of the scope. With LibTorch's OpenMP
// backend the count is per thread (an OpenMP ICV), and OpenBLAS's OpenMP build reads it on every call.
class IntraOpThreads {
public:
    explicit IntraOpThreads(int threads) : m_previous(at::get_num_threads()) { omp_set_num_threads(threads); }
    ~IntraOpThreads() { omp_set_num_threads(m_previous); }
    IntraOpThreads(const IntraOpThreads&) = delete;
    IntraOpThreads& operator=(const IntraOpThreads&) = delete;

private:
    int m_previous;
};

}  // namespace

bool ShardWorkers::supported() { return AT_PARALLEL_OPENMP; }

ShardWorkers::ShardWorkers(int helpers, int threads_per_job)
    : m_threads_per_job(threads_per_job), m_errors(static_cast<size_t>(helpers) + 1)
{
    m_threads.reserve(static_cast<size_t>(helpers));
    for (int i = 1; i <= helpers; ++i)
        m_threads.emplace_back([this, i, threads_per_job] { helper_loop(i, threads_per_job); });
}

ShardWorkers::~ShardWorkers()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    for (std::thread& t : m_threads)
        t.join();
}

void ShardWorkers::helper_loop(int index, int threads_per_job)
{
    // at::get_num_threads() first: ATen sets a new thread's count from the process-wide one on first
    // use, which would otherwise undo the setting below.
    at::get_num_threads();
    omp_set_num_threads(threads_per_job);
    long seen = 0;
    for (;;) {
        const std::function<void(int)>* job = nullptr;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_wake.wait(lock, [&] { return m_stop || m_generation != seen; });
            if (m_stop)
                return;
            seen = m_generation;
            if (index < m_count)
                job = m_job;
        }
        if (!job)
            continue;
        try {
            (*job)(index);
        } catch (...) {
            m_errors[static_cast<size_t>(index)] = std::current_exception();
        }
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            --m_pending;
        }
        m_done.notify_one();
    }
}

void ShardWorkers::run(int count, const std::function<void(int)>& job)
{
    count = std::max(1, std::min(count, capacity()));
    for (std::exception_ptr& e : m_errors)
        e = nullptr;
    if (count > 1) {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_job = &job;
            m_count = count;
            m_pending = count - 1;
            ++m_generation;
        }
        m_wake.notify_all();
    }
    try {
        const IntraOpThreads threads(m_threads_per_job);
        job(0);
    } catch (...) {
        m_errors[0] = std::current_exception();
    }
    if (count > 1) {  // the helpers hold references to the caller's job: wait for them even after a throw
        std::unique_lock<std::mutex> lock(m_mutex);
        m_done.wait(lock, [&] { return m_pending == 0; });
        m_job = nullptr;
    }
    for (const std::exception_ptr& e : m_errors)
        if (e)
            std::rethrow_exception(e);
}

}  // namespace dora::train
