// The run store from the command line: `runs`, `show`, `delete`, `rename`.
#include "cli_args.h"
#include "commands.h"
#include "json_values.h"
#include "default_paths.h"

#include "dora/error.h"
#include "dora/run_store.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>

namespace dora::cli {
namespace {

using nlohmann::json;

json run_summary_json(const RunRecord& r)
{
    return {{"id", r.id},
            {"name", r.name},
            {"method", r.method},
            {"model", r.model},
            {"status", r.status},
            {"message", r.message},
            {"notes", r.notes},
            {"created_at", r.created_at},
            {"updated_at", r.updated_at},
            {"steps_done", r.steps_done},
            {"total_steps", r.total_steps},
            {"first_eval_loss", number_or_null(r.first_eval_loss)},
            {"final_eval_loss", number_or_null(r.final_eval_loss)},
            {"trainable_parameters", r.trainable_parameters},
            {"total_parameters", r.total_parameters},
            {"model_identity", r.model_identity},
            {"data_identity", r.data_identity}};
}

long long run_id_argument(const Args& args, const char* usage)
{
    if (args.positional().empty())
        throw Error(usage);
    return parse_run_id(args.positional()[0]);
}

RunRecord existing_run(const RunStore& store, long long id)
{
    auto record = store.find_run(id);
    if (!record)
        throw Error(store.path() + ": there is no run " + std::to_string(id) + " (`dora-cli runs` lists them)");
    return *record;
}

}  // namespace

int command_runs(const std::vector<std::string>& argv)
{
    const Args args(argv, {"--db"}, {"--json"});
    if (!args.positional().empty())
        throw Error("usage: dora-cli runs [--db FILE] [--json]");
    const RunStore store(args.value("--db", app::default_database_path()));
    const std::vector<RunRecord> runs = store.list_runs();
    if (args.has("--json")) {
        json list = json::array();
        for (const RunRecord& r : runs)
            list.push_back(run_summary_json(r));
        std::printf("%s\n", list.dump().c_str());
        return 0;
    }
    if (runs.empty()) {
        std::printf("no runs yet in %s\n", store.path().c_str());
        return 0;
    }
    std::printf("%5s  %-24s  %-5s  %-10s  %-11s  %11s  %10s  %s\n", "id", "name", "kind", "model", "status", "steps",
                "held-out", "created");
    for (const RunRecord& r : runs) {
        const std::string steps = std::to_string(r.steps_done) + "/" + std::to_string(r.total_steps);
        std::printf("%5lld  %-24.24s  %-5s  %-10.10s  %-11s  %11s  %10.4f  %s\n", r.id, r.name.c_str(), r.method.c_str(),
                    r.model.c_str(), r.status.c_str(), steps.c_str(), r.final_eval_loss, r.created_at.c_str());
    }
    return 0;
}

int command_show(const std::vector<std::string>& argv)
{
    const Args args(argv, {"--db"}, {"--json"});
    const long long id = run_id_argument(args, "usage: dora-cli show RUN_ID [--db FILE] --json");
    const RunStore store(args.value("--db", app::default_database_path()));
    const RunRecord record = existing_run(store, id);

    json out = run_summary_json(record);
    out["config"] = json::parse(record.config_json, nullptr, /*allow_exceptions=*/false);
    json steps = json::array(), evals = json::array(), stats = json::array(), checkpoints = json::array();
    for (const StepMetrics& m : store.step_metrics(id))
        steps.push_back({{"step", m.step}, {"loss", m.loss}, {"learning_rate", m.learning_rate},
                         {"grad_norm", m.grad_norm}, {"samples_per_second", m.samples_per_second},
                         {"tokens_per_second", m.tokens_per_second}, {"seconds", m.seconds}});
    for (const EvalResult& e : store.eval_results(id))
        evals.push_back({{"step", e.step}, {"loss", e.loss}});
    for (const LayerStats& s : store.layer_stats(id)) {
        json layers = json::array();
        for (const LayerStat& l : s.layers)
            layers.push_back({{"layer", l.layer}, {"delta_magnitude", l.delta_magnitude},
                              {"delta_direction", l.delta_direction}});
        stats.push_back({{"step", s.step}, {"layers", layers}});
    }
    for (const CheckpointRecord& c : store.checkpoints(id))
        checkpoints.push_back({{"step", c.step}, {"path", c.path}, {"created_at", c.created_at}});
    out["step_metrics"] = steps;
    out["eval_results"] = evals;
    out["layer_stats"] = stats;
    out["checkpoints"] = checkpoints;
    std::printf("%s\n", args.has("--json") ? out.dump().c_str() : out.dump(2).c_str());
    return 0;
}

int command_delete(const std::vector<std::string>& argv)
{
    const Args args(argv, {"--db"}, {});
    const long long id = run_id_argument(args, "usage: dora-cli delete RUN_ID [--db FILE]");
    RunStore store(args.value("--db", app::default_database_path()));
    const RunRecord record = existing_run(store, id);
    if (record.status == "running")
        throw Error("run " + std::to_string(id) + " is still training; stop it first");
    for (const std::string& path : store.delete_run(id)) {
        std::error_code ignored;  // a checkpoint file already gone is fine
        std::filesystem::remove(path, ignored);
    }
    std::printf("deleted run %lld '%s'\n", id, record.name.c_str());
    return 0;
}

int command_rename(const std::vector<std::string>& argv)
{
    const Args args(argv, {"--db"}, {});
    const long long id = run_id_argument(args, "usage: dora-cli rename RUN_ID NAME [--db FILE]");
    if (args.positional().size() != 2 || args.positional()[1].empty())
        throw Error("usage: dora-cli rename RUN_ID NAME [--db FILE]");
    RunStore store(args.value("--db", app::default_database_path()));
    existing_run(store, id);
    store.rename_run(id, args.positional()[1]);
    std::printf("run %lld is now '%s'\n", id, args.positional()[1].c_str());
    return 0;
}

}  // namespace dora::cli
