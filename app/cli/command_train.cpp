// `dora-cli train CONFIG [--db FILE] [--nproc N]` and `dora-cli train --resume RUN_ID [--db FILE] [--nproc N]`:
// trains and records the run, prints progress lines, and ends with one JSON line
// {"run_id", "status", "steps", "first_eval_loss", "final_eval_loss", "seconds"}. With --nproc, or
// started by a cluster launcher (WORLD_SIZE set), the process is one rank of a data-parallel run.
#include "cli_args.h"
#include "commands.h"
#include "json_values.h"
#include "default_paths.h"
#include "worker_launcher.h"

#include "dora/distributed.h"
#include "dora/error.h"
#include "dora/system_check.h"
#include "dora/recorded_run.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <memory>

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


// The arguments for the workers: the same command without --nproc N.
std::vector<std::string> without_nproc(const std::vector<std::string>& argv)
{
    std::vector<std::string> kept;
    for (size_t i = 0; i < argv.size(); ++i) {
        if (argv[i] == "--nproc")
            ++i;
        else
            kept.push_back(argv[i]);
    }
    return kept;
}

}  // namespace

int command_train(const std::vector<std::string>& argv)
{
    const Args args(argv, {"--db", "--resume", "--nproc"}, {"--worker"});
    const std::string db = args.value("--db", app::default_database_path());
    const bool resume = args.has("--resume"), worker = args.has("--worker");
    if (resume || worker ? !args.positional().empty() : args.positional().size() != 1)
        throw Error("usage: dora-cli train CONFIG.json [--db FILE] [--nproc N]  or  "
                    "dora-cli train --resume RUN_ID [--db FILE] [--nproc N]  or  dora-cli train --worker");
    const std::optional<ProcessGroupSettings> cluster = process_group_settings_from_environment();
    if (worker && (!cluster || cluster->rank == 0))
        throw Error("--worker is for the ranks other than 0 of a distributed run: set WORLD_SIZE, RANK (1 or more), "
                    "MASTER_ADDR and MASTER_PORT");
    const long long processes = args.integer("--nproc", 1);
    if (processes < 1 || processes > 256)
        throw Error("--nproc needs a number of processes from 1 to 256, got " + args.value("--nproc"));
    if (processes > 1 && cluster)
        throw Error("--nproc starts its own workers, but WORLD_SIZE is set (this process is already a rank of a run)");
    if (processes > 1)
        return launch_local_workers(static_cast<int>(processes), without_nproc(argv));
    std::unique_ptr<DistributedSession> session;
    if (cluster && cluster->world_size > 1)
        session = std::make_unique<DistributedSession>(*cluster);
    const bool records = !session || session->rank() == 0;  // only rank 0 reads the config and the store

    // A reference BLAS makes training ~30x slower: say so before the run, with the package that fixes it.
    if (const BlasCheck blas = check_blas(); blas.slow)
        std::fprintf(stderr, "dora-cli train: warning: %s\n", blas.advice.c_str());

    TrainingControl control;
    g_control = &control;
    std::signal(SIGINT, request_stop);
    std::signal(SIGTERM, request_stop);
    ProgressPrinter printer;
    const RunConfig config = !resume && records ? run_config_from_file(args.positional()[0]) : RunConfig{};
    const long long resume_id = resume ? parse_run_id(args.value("--resume")) : 0;
    RecordedRun run;
    if (session)
        run = resume ? session->resume(db, resume_id, printer, control) : session->train_new(db, config, printer, control);
    else
        run = resume ? resume_recorded(db, resume_id, printer, control) : train_recorded(db, config, printer, control);
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
    if (session) {
        result["rank"] = session->rank();
        result["world_size"] = session->world_size();
        if (!records && !run.summary.message.empty())  // rank 0 reported it through the printer already
            std::fprintf(stderr, "%s\n", run.summary.message.c_str());
    }
    std::printf("%s\n", result.dump().c_str());
    return run.summary.status == "failed" || run.summary.status == "interrupted" ? 1 : 0;
}

}  // namespace dora::cli
