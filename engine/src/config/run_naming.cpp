#include "dora/run_naming.h"

#include <filesystem>

namespace dora {
namespace {

// Stored names are data, not interface text: English whatever the interface language.
std::string method_display_name(const std::string& method)
{
    if (method == "lora")
        return "LoRA";
    if (method == "dora")
        return "DoRA";
    if (method == "full")
        return "Full";
    return method;
}

}  // namespace

std::string default_run_name(const ModelSource& model, const std::string& method, int rank)
{
    std::string name = model.builtin;
    if (name.empty()) {
        std::filesystem::path folder(model.path);
        if (folder.filename().empty())  // "models/gpt2/"
            folder = folder.parent_path();
        name = folder.filename().string();
    }
    if (name.empty())  // a folder such as "/" has no last part
        name = "model";
    name += " " + method_display_name(method);
    if (method != "full")
        name += " r" + std::to_string(rank);
    return name;
}

}  // namespace dora
