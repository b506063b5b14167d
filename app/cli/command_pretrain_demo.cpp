// `dora-cli pretrain-demo NAME --out FILE [--steps N] [--seed S]`: the reproducible recipe behind the
// shipped demo weights (scripts/make-demo-weights.sh runs it for every demo).
#include "cli_args.h"
#include "commands.h"

#include "dora/demos.h"
#include "dora/error.h"

#include <cstdio>

namespace dora::cli {

int command_pretrain_demo(const std::vector<std::string>& argv)
{
    const Args args(argv, {"--out", "--steps", "--seed"}, {});
    if (args.positional().size() != 1 || !args.has("--out"))
        throw Error("usage: dora-cli pretrain-demo NAME --out FILE [--steps N] [--seed S]");
    const long long steps = args.integer("--steps", 3000);
    if (steps < 1)
        throw Error("--steps must be at least 1");
    pretrain_demo(args.positional()[0], args.value("--out"), static_cast<int>(steps),
                  static_cast<unsigned long long>(args.integer("--seed", 1)), [](int step, double train, double eval) {
                      std::printf("step %d  train loss %.4f  held-out loss %.4f\n", step, train, eval);
                      std::fflush(stdout);
                  });
    std::printf("wrote %s\n", args.value("--out").c_str());
    return 0;
}

}  // namespace dora::cli
