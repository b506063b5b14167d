// `dora-cli export RUN_ID (--adapter DIR | --merged DIR) [--db FILE]`.
#include "cli_args.h"
#include "commands.h"
#include "default_paths.h"

#include "dora/error.h"
#include "dora/export.h"

#include <cstdio>

namespace dora::cli {

int command_export(const std::vector<std::string>& argv)
{
    const Args args(argv, {"--db", "--adapter", "--merged"}, {});
    const char* usage = "usage: dora-cli export RUN_ID (--adapter DIR | --merged DIR) [--db FILE]";
    if (args.positional().size() != 1 || args.has("--adapter") == args.has("--merged"))
        throw Error(usage);
    const long long id = parse_run_id(args.positional()[0]);
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

}  // namespace dora::cli
