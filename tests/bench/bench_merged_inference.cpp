// Merged inference costs exactly the base model (performance issue): trains a short DoRA run of
// demo-gpt, exports the merged model folder (as `dora-cli export --merged` does), loads it back as
// `dora-cli score` would, and times the same forward pass on the merged and the base model,
// interleaved, minimum of many repeats. Prints both and their ratio (expected: within noise of 1.00).
//   build/tests/bench/bench_merged_inference [threads]
#include "dora/training.h"
#include "models/builtin_models.h"
#include "models/model_folder.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <unistd.h>

namespace {

double forward_ms(dora::models::LanguageModel& model, const torch::Tensor& ids)
{
    torch::NoGradGuard no_grad;
    const auto start = std::chrono::steady_clock::now();
    model.forward(ids);
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv)
{
    const int threads = argc > 1 ? std::atoi(argv[1]) : 2;
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("dora-bench-merged-" + std::to_string(::getpid()));
    dora::RunConfig config;
    config.model.builtin = config.data.builtin = "demo-gpt";
    config.adapter.method = "dora";
    config.train.steps = 20;
    config.train.threads = threads;
    config.log.layer_stats_every = 0;
    {
        dora::Trainer trainer(config);
        dora::TrainingObserver quiet;
        dora::TrainingControl control;
        trainer.train(quiet, control);
        trainer.export_merged(dir.string());
    }
    torch::set_num_threads(threads);
    auto merged = std::dynamic_pointer_cast<dora::models::LanguageModel>(dora::models::load_model_folder(dir.string()));
    auto base = std::dynamic_pointer_cast<dora::models::LanguageModel>(dora::models::load_builtin_model("demo-gpt"));
    merged->eval();
    base->eval();
    const torch::Tensor ids = torch::randint(base->vocab_size(), {16, base->context_length()}, torch::kLong);
    const int repeats = 50;
    double best_merged = std::numeric_limits<double>::infinity(), best_base = best_merged;
    for (int i = 0; i < repeats; ++i) {
        best_base = std::min(best_base, forward_ms(*base, ids));
        best_merged = std::min(best_merged, forward_ms(*merged, ids));
    }
    std::printf("forward of 16 x %lld tokens, %d threads, minimum of %d: base %.3f ms, merged DoRA export %.3f ms, "
                "ratio %.3f\n",
                static_cast<long long>(base->context_length()), threads, repeats, best_base, best_merged,
                best_merged / best_base);
    std::filesystem::remove_all(dir);
    return 0;
}
