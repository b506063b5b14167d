// bench_training and peak_rss_mb (dora/training_bench.h): a GPT-2 of the requested shape with random
// weights, random tokens, and the product's own Trainer, so the benchmark times exactly what a run
// does per step (forward, loss, backward, one loss read, clipping, AdamW).
#include "dora/training_bench.h"

#include "dora/error.h"
#include "train/bench_observer.h"

#include <fstream>
#include <string>

namespace dora {

TrainingBenchResult bench_training(const BenchShape& shape, const std::string& method)
{
    TrainingBenchResult result;
    result.method = method;
    result.gflop_per_step = training_gflop_per_step(shape, method);  // also checks the shape and method

    const std::unique_ptr<Trainer> trainer = train::make_bench_trainer(shape, method);
    result.trainable_parameters = trainer->trainable_parameters();
    train::BenchObserver observer(shape.batch);
    TrainingControl control;
    const RunSummary summary = trainer->train(observer, control);
    if (summary.status != "finished")
        throw Error(method + " training " + summary.status + ": " + summary.message);
    train::fill_bench_result(observer, shape, result);
    return result;
}

double peak_rss_mb()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stod(line.substr(6)) / 1024.0;  // the kernel reports kB
    return 0;
}

}  // namespace dora
