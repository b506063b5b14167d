// `dora-cli inspect MODEL [--json]`: architecture, parameter count, and every module with its kind
// and shape — what target patterns can match.
#include "cli_args.h"
#include "commands.h"

#include "dora/error.h"
#include "dora/model_info.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace dora::cli {

int command_inspect(const std::vector<std::string>& argv)
{
    const Args args(argv, {}, {"--json"});
    if (args.positional().size() != 1)
        throw Error("usage: dora-cli inspect MODEL [--json]   (MODEL: a built-in name or a model folder)");
    const ModelInfo info = inspect_model(args.positional()[0]);
    if (args.has("--json")) {
        nlohmann::json modules = nlohmann::json::array();
        for (const ModuleInfo& m : info.modules)
            modules.push_back({{"name", m.name}, {"kind", m.kind}, {"shape", m.shape}, {"parameters", m.parameters}});
        const nlohmann::json out = {{"model", info.name},
                                    {"architecture", info.architecture},
                                    {"parameters", info.parameters},
                                    {"vocab_size", info.vocab_size},
                                    {"context_length", info.context_length},
                                    {"modules", modules}};
        std::printf("%s\n", out.dump().c_str());
        return 0;
    }
    std::printf("%s: %s, %lld parameters\n", info.name.c_str(), info.architecture.c_str(), info.parameters);
    for (const ModuleInfo& m : info.modules) {
        std::string shape;
        for (long long s : m.shape)
            shape += (shape.empty() ? "" : " x ") + std::to_string(s);
        std::printf("  %-44s %-9s %-14s %lld\n", m.name.c_str(), m.kind.c_str(), shape.c_str(), m.parameters);
    }
    return 0;
}

}  // namespace dora::cli
