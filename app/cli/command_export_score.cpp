// `dora-cli export RUN_ID (--adapter DIR | --merged DIR)` and
// `dora-cli score MODEL (--ids 1,2,3 | --text STR) [--adapter DIR] --json`.
#include "cli_args.h"
#include "commands.h"
#include "default_paths.h"

#include "dora/error.h"
#include "dora/export.h"
#include "dora/scoring.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <sstream>

namespace dora::cli {
namespace {

std::vector<long long> parse_ids(const std::string& text)
{
    std::vector<long long> ids;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
        try {
            size_t used = 0;
            const long long id = std::stoll(item, &used);
            if (used == item.size()) {
                ids.push_back(id);
                continue;
            }
        } catch (const std::exception&) {
        }
        throw Error("--ids: '" + item + "' is not a token id (give whole numbers separated by commas)");
    }
    return ids;
}

}  // namespace

int command_export(const std::vector<std::string>& argv)
{
    const Args args(argv, {"--db", "--adapter", "--merged"}, {});
    const char* usage = "usage: dora-cli export RUN_ID (--adapter DIR | --merged DIR) [--db FILE]";
    if (args.positional().size() != 1 || args.has("--adapter") == args.has("--merged"))
        throw Error(usage);
    long long id = 0;
    try {
        id = std::stoll(args.positional()[0]);
    } catch (const std::exception&) {
        throw Error("'" + args.positional()[0] + "' is not a run id");
    }
    const std::string db = args.value("--db", app::default_database_path());
    if (args.has("--adapter")) {
        export_run_adapter(db, id, args.value("--adapter"));
        std::printf("wrote the adapter of run %lld to %s\n", id, args.value("--adapter").c_str());
    } else {
        export_run_merged(db, id, args.value("--merged"));
        std::printf("wrote run %lld merged into its base model to %s\n", id, args.value("--merged").c_str());
    }
    return 0;
}

int command_score(const std::vector<std::string>& argv)
{
    const Args args(argv, {"--ids", "--text", "--adapter"}, {"--json"});
    if (args.positional().size() != 1 || args.has("--ids") == args.has("--text"))
        throw Error("usage: dora-cli score MODEL (--ids 1,2,3 | --text STR) [--adapter DIR] [--json]");
    const std::string& model = args.positional()[0];
    const std::vector<long long> ids =
        args.has("--ids") ? parse_ids(args.value("--ids")) : encode_text(model, args.value("--text"));
    const ScoreResult result = score_ids(model, ids, args.value("--adapter"));
    if (args.has("--json"))
        std::printf("%s\n", nlohmann::json({{"ids", result.ids}, {"loss", result.loss}}).dump().c_str());
    else
        std::printf("%zu tokens, mean next-token loss %.6f\n", result.ids.size(), result.loss);
    return 0;
}

}  // namespace dora::cli
