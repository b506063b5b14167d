// `dora-cli train CONFIG [--db FILE]`: trains, prints progress lines, and ends with one JSON line
// {"run_id", "status", "steps", "first_eval_loss", "final_eval_loss", "seconds"}.
#include "cli_args.h"
#include "commands.h"

#include "dora/error.h"
#include "dora/training.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <random>

namespace dora::cli {
namespace {

TrainingControl* g_control = nullptr;

extern "C" void request_stop(int)
{
    if (g_control)
        g_control->stop.store(true);  // lock-free atomic: safe in a signal handler
}

// Until runs are stored, an id that is unique enough to tell runs apart in logs.
std::string make_run_id()
{
    const std::time_t now = std::time(nullptr);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::gmtime(&now));
    std::random_device device;
    char suffix[8];
    std::snprintf(suffix, sizeof suffix, "%04x", static_cast<unsigned>(device() & 0xffff));
    return std::string(stamp) + "-" + suffix;
}

class ProgressPrinter : public TrainingObserver {
public:
    explicit ProgressPrinter(int total_steps) : m_total(total_steps), m_every(std::max(1, total_steps / 20)) {}

    void on_step(const StepMetrics& m) override
    {
        if (m.step % m_every != 0 && m.step != m_total)
            return;
        std::printf("step %d/%d  loss %.4f  lr %.2e  grad-norm %.3f  %.0f samples/s  %.1fs\n", m.step, m_total, m.loss,
                    m.learning_rate, m.grad_norm, m.samples_per_second, m.seconds);
        std::fflush(stdout);
    }
    void on_eval(const EvalResult& e) override
    {
        std::printf("eval  step %d  held-out loss %.4f\n", e.step, e.loss);
        std::fflush(stdout);
    }
    void on_message(const std::string& message) override { std::fprintf(stderr, "%s\n", message.c_str()); }

private:
    int m_total, m_every;
};

}  // namespace

int command_train(const std::vector<std::string>& argv)
{
    const Args args(argv, {"--db", "--resume"}, {});
    if (args.has("--resume"))
        throw Error("--resume needs the run store, which this build does not have yet");
    if (args.positional().size() != 1)
        throw Error("usage: dora-cli train CONFIG.json [--db FILE]");

    const RunConfig config = run_config_from_file(args.positional()[0]);
    Trainer trainer(config);
    std::printf("run '%s': %s on %s, %s, %lld of %lld parameters trainable (%.3f%%), %zu layers adapted, device %s\n",
                config.name.c_str(), config.adapter.method.c_str(),
                (config.model.builtin.empty() ? config.model.path : config.model.builtin).c_str(),
                trainer.data_description().c_str(), trainer.trainable_parameters(), trainer.total_parameters(),
                100.0 * trainer.trainable_parameters() / std::max(1LL, trainer.total_parameters()),
                trainer.adapted_layers().size(), trainer.device_name().c_str());
    std::fflush(stdout);

    TrainingControl control;
    g_control = &control;
    std::signal(SIGINT, request_stop);
    std::signal(SIGTERM, request_stop);
    ProgressPrinter printer(config.train.steps);
    const RunSummary summary = trainer.train(printer, control);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    g_control = nullptr;

    nlohmann::json result = {{"run_id", make_run_id()},
                             {"status", summary.status},
                             {"steps", summary.steps},
                             {"first_eval_loss", summary.first_eval_loss},
                             {"final_eval_loss", summary.final_eval_loss},
                             {"seconds", summary.seconds}};
    if (!summary.message.empty())
        result["message"] = summary.message;
    std::printf("%s\n", result.dump().c_str());
    return summary.status == "failed" ? 1 : 0;
}

}  // namespace dora::cli
