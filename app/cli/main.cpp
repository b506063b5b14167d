// dora-cli: DoRA Studio without a window. Thin: parses the subcommand and hands over; every error
// ends as one line on stderr and a non-zero exit code, never as a crash.
#include "commands.h"
#include "runtime_environment.h"

#include "dora/error.h"

#include <cstdio>
#include <exception>
#include <map>
#include <string>
#include <vector>

namespace {

const char* kUsage =
    "usage: dora-cli <command> [options]\n"
    "  train CONFIG.json [--db FILE] [--nproc N]\n"
    "                                       train a run described by a run config (see README);\n"
    "                                       --nproc: on N data-parallel processes of this machine\n"
    "  train --resume RUN_ID [--db FILE] [--nproc N]\n"
    "                                       continue an interrupted, stopped or failed run\n"
    "  train --worker                       a rank other than 0 (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT\n"
    "                                       set): trains what rank 0 sends, records nothing\n"
    "  runs [--db FILE] [--json]            list the stored runs\n"
    "  show RUN_ID [--db FILE] [--json]     print a run whole: config, status, metrics, layer statistics\n"
    "  rename RUN_ID NAME [--db FILE]       rename a run\n"
    "  delete RUN_ID [--db FILE]            delete a run and its checkpoints\n"
    "  export RUN_ID (--adapter DIR | --merged DIR) [--db FILE]\n"
    "                                       write the PEFT adapter, or the model with it merged in\n"
    "  tokenize (MODEL | tokenizer.json) --text STR [--special] [--json]\n"
    "                                       token ids of a text (special tokens only with --special)\n"
    "  score MODEL (--ids 1,2,3 | --text STR) [--adapter DIR] [--json]\n"
    "                                       mean next-token loss of a sequence\n"
    "  inspect MODEL [--json]               architecture, parameters, every module with kind and shape\n"
    "  generate MODEL --prompt STR [--max-new-tokens N] [--temperature T] [--seed S] [--adapter DIR]\n"
    "                                       continue a prompt (greedy unless a temperature is given)\n"
    "  pretrain-demo NAME --out FILE [--steps N] [--seed S]\n"
    "                                       re-create a demo model's shipped weights\n"
    "  bench [--layers L --d D --heads H --vocab V --seq T --batch B --rank R --steps N --threads K]\n"
    "        [--methods lora,dora,full] [--rounds N] [--layer-stats-every N] [--json]\n"
    "                                       train a random GPT-2-shaped model; time, FLOP use, peak memory\n";

}  // namespace

int main(int argc, char** argv)
{
    dora::app::ensure_runtime_environment(argv);
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        std::fputs(kUsage, args.empty() ? stderr : stdout);
        return args.empty() ? 2 : 0;
    }
    const std::string command = args[0];
    args.erase(args.begin());
    using Command = int (*)(const std::vector<std::string>&);
    static const std::map<std::string, Command> commands = {
        {"train", dora::cli::command_train},       {"pretrain-demo", dora::cli::command_pretrain_demo},
        {"runs", dora::cli::command_runs},         {"show", dora::cli::command_show},
        {"rename", dora::cli::command_rename},     {"delete", dora::cli::command_delete},
        {"export", dora::cli::command_export},     {"score", dora::cli::command_score},
        {"generate", dora::cli::command_generate}, {"inspect", dora::cli::command_inspect},
        {"tokenize", dora::cli::command_tokenize}, {"bench", dora::cli::command_bench},
    };
    try {
        if (auto it = commands.find(command); it != commands.end())
            return it->second(args);
        std::fprintf(stderr, "dora-cli: unknown command '%s'\n%s", command.c_str(), kUsage);
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "dora-cli %s: %s\n", command.c_str(), e.what());
        return 2;
    }
}
