// bench_training_paired (dora/training_bench.h): two trainers, each on a thread of its own, that
// take turns step by step, so that each pair of steps ran within the same second of the machine.
#include "dora/training_bench.h"

#include "dora/error.h"
#include "train/bench_observer.h"

#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

namespace dora {
namespace {

// Whose step it is (trainer 0 or 1). Each trainer waits before its first step until both are ready
// and it has the turn; after each step it hands the turn over and waits for it to come back. Once
// one has finished (or failed), the other no longer waits for it.
class StepTurns {
public:
    void ready(int who)
    {
        std::unique_lock lock(m_mutex);
        ++m_ready;
        m_changed.notify_all();
        m_changed.wait(lock, [&] { return (m_ready == 2 && m_turn == who) || m_finished[1 - who]; });
    }
    void stepped(int who)
    {
        std::unique_lock lock(m_mutex);
        m_turn = 1 - who;
        m_changed.notify_all();
        m_changed.wait(lock, [&] { return m_turn == who || m_finished[1 - who]; });
    }
    void finished(int who)
    {
        const std::lock_guard lock(m_mutex);
        m_finished[who] = true;
        m_turn = 1 - who;
        m_changed.notify_all();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    int m_ready = 0, m_turn = 0;
    bool m_finished[2] = {false, false};
};

}  // namespace

PairedBenchResult bench_training_paired(const BenchShape& shape, const std::string& first, const std::string& second)
{
    PairedBenchResult paired;
    TrainingBenchResult* results[2] = {&paired.first, &paired.second};
    const std::string methods[2] = {first, second};
    std::unique_ptr<Trainer> trainers[2];
    for (int who = 0; who < 2; ++who) {  // here, one after the other: each seeds LibTorch's generator
        results[who]->method = methods[who];
        results[who]->gflop_per_step = training_gflop_per_step(shape, methods[who]);  // checks shape and method
        trainers[who] = train::make_bench_trainer(shape, methods[who]);
        results[who]->trainable_parameters = trainers[who]->trainable_parameters();
    }

    StepTurns turns;
    std::unique_ptr<train::BenchObserver> observers[2];
    for (int who = 0; who < 2; ++who)
        observers[who] = std::make_unique<train::BenchObserver>(
            shape.batch, train::BenchObserver::Hooks{[&turns, who] { turns.ready(who); },
                                                     [&turns, who] { turns.stepped(who); }});
    RunSummary summaries[2];
    std::exception_ptr errors[2];
    auto run = [&](int who) {
        try {
            TrainingControl control;
            summaries[who] = trainers[who]->train(*observers[who], control);
        } catch (...) {
            errors[who] = std::current_exception();
        }
        turns.finished(who);
    };
    std::thread other(run, 1);
    run(0);
    other.join();

    for (int who = 0; who < 2; ++who) {
        if (errors[who])
            std::rethrow_exception(errors[who]);
        if (summaries[who].status != "finished")
            throw Error(methods[who] + " training " + summaries[who].status + ": " + summaries[who].message);
        train::fill_bench_result(*observers[who], shape, *results[who]);
    }
    const size_t pairs = std::min(paired.first.step_ms.size(), paired.second.step_ms.size());
    for (size_t i = 0; i < pairs; ++i)
        paired.step_ratios.push_back(paired.second.step_ms[i] / paired.first.step_ms[i]);
    paired.median_ratio = train::median(paired.step_ratios);
    return paired;
}

}  // namespace dora
