// `dora-cli train CONFIG [--db FILE]` and `dora-cli train --resume RUN_ID [--db FILE]`: trains and
// records the run, prints progress lines, and ends with one JSON line
// {"run_id", "status", "steps", "first_eval_loss", "final_eval_loss", "seconds"}.
#include "cli_args.h"
#include "commands.h"
#include "json_values.h"
#include "default_paths.h"

#include "dora/error.h"
#include "dora/system_check.h"
#include "dora/recorded_run.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <csignal>
#include <cstdio>

namespace dora::cli {
namespace {

TrainingControl* g_control = nullptr;

extern "C" void request_stop(int)
{
    if (g_control)
        g_control->stop.store(true);  // lock-free atomic: safe in a signal handler
}

class ProgressPrinter : public RecordedRunObserver {
public:
    void on_run_created(long long run_id, const Trainer& trainer) override
    {
        const RunConfig& c = trainer.config();
        m_total = c.train.steps;
        m_every = std::max(1, m_total / 20);
        std::printf("run %lld '%s': %s on %s, %s, %lld of %lld parameters trainable (%.3f%%), %zu layers adapted, "
                    "device %s%s\n",
                    run_id, c.name.c_str(), c.adapter.method.c_str(),
                    (c.model.builtin.empty() ? c.model.path : c.model.builtin).c_str(), trainer.data_description().c_str(),
                    trainer.trainable_parameters(), trainer.total_parameters(),
                    100.0 * trainer.trainable_parameters() / std::max(1LL, trainer.total_parameters()),
                    trainer.adapted_layers().size(), trainer.device_name().c_str(),
                    trainer.start_step() > 0 ? (", resuming after step " + std::to_string(trainer.start_step())).c_str()
                                             : "");
        std::fflush(stdout);
    }
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
    int m_total = 1, m_every = 1;
};


}  // namespace

int command_train(const std::vector<std::string>& argv)
{
    const Args args(argv, {"--db", "--resume"}, {});
    const std::string db = args.value("--db", app::default_database_path());
    const bool resume = args.has("--resume");
    if (resume ? !args.positional().empty() : args.positional().size() != 1)
        throw Error("usage: dora-cli train CONFIG.json [--db FILE]  or  dora-cli train --resume RUN_ID [--db FILE]");

    // A reference BLAS makes training ~30x slower: say so before the run, with the package that fixes it.
    if (const BlasCheck blas = check_blas(); blas.slow)
        std::fprintf(stderr, "dora-cli train: warning: %s\n", blas.advice.c_str());

    TrainingControl control;
    g_control = &control;
    std::signal(SIGINT, request_stop);
    std::signal(SIGTERM, request_stop);
    ProgressPrinter printer;
    const RecordedRun run = resume ? resume_recorded(db, parse_run_id(args.value("--resume")), printer, control)
                                   : train_recorded(db, run_config_from_file(args.positional()[0]), printer, control);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    g_control = nullptr;

    nlohmann::json result = {{"run_id", run.run_id},
                             {"status", run.summary.status},
                             {"steps", run.summary.steps},
                             {"first_eval_loss", number_or_null(run.summary.first_eval_loss)},
                             {"final_eval_loss", number_or_null(run.summary.final_eval_loss)},
                             {"seconds", run.summary.seconds}};
    if (!run.summary.message.empty())
        result["message"] = run.summary.message;
    std::printf("%s\n", result.dump().c_str());
    return run.summary.status == "failed" ? 1 : 0;
}

}  // namespace dora::cli
