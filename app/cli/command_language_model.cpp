// `dora-cli tokenize (MODEL | tokenizer.json) --text STR [--special] [--json]`,
// `dora-cli score MODEL (--ids 1,2,3 | --text STR) [--adapter DIR] [--json]` and
// `dora-cli generate MODEL --prompt STR [--max-new-tokens N] [--temperature T] [--seed S] [--adapter DIR]`.
#include "cli_args.h"
#include "commands.h"

#include "dora/error.h"
#include "dora/language_model.h"

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

int command_tokenize(const std::vector<std::string>& argv)
{
    const Args args(argv, {"--text"}, {"--json", "--special"});
    if (args.positional().size() != 1 || !args.has("--text"))
        throw Error("usage: dora-cli tokenize (MODEL | tokenizer.json) --text STR [--special] [--json]");
    const std::vector<long long> ids = encode_text(args.positional()[0], args.value("--text"), args.has("--special"));
    if (args.has("--json")) {
        std::printf("%s\n", nlohmann::json({{"ids", ids}}).dump().c_str());
    } else {
        for (size_t i = 0; i < ids.size(); ++i)
            std::printf("%s%lld", i ? " " : "", ids[i]);
        std::printf("\n");
    }
    return 0;
}

int command_generate(const std::vector<std::string>& argv)
{
    const Args args(argv, {"--prompt", "--max-new-tokens", "--temperature", "--seed", "--adapter"}, {});
    if (args.positional().size() != 1 || !args.has("--prompt"))
        throw Error("usage: dora-cli generate MODEL --prompt STR [--max-new-tokens N] [--temperature T] [--seed S] "
                    "[--adapter DIR]");
    GenerateOptions options;
    options.max_new_tokens = static_cast<int>(args.integer("--max-new-tokens", 64));
    options.seed = static_cast<unsigned long long>(args.integer("--seed", 1));
    options.adapter_dir = args.value("--adapter");
    if (args.has("--temperature")) {
        try {
            options.temperature = std::stod(args.value("--temperature"));
        } catch (const std::exception&) {
            throw Error("--temperature needs a number, got '" + args.value("--temperature") + "'");
        }
    }
    const std::string prompt = args.value("--prompt");
    std::printf("%s%s\n", prompt.c_str(), generate_text(args.positional()[0], prompt, options).c_str());
    return 0;
}

}  // namespace dora::cli
