// dora-cli's subcommands. Each takes the arguments after its name and returns the exit code; a
// dora::Error escaping one is printed by main as a single line on stderr.
#pragma once

#include <string>
#include <vector>

namespace dora::cli {

int command_train(const std::vector<std::string>& args);
int command_pretrain_demo(const std::vector<std::string>& args);
int command_runs(const std::vector<std::string>& args);
int command_show(const std::vector<std::string>& args);
int command_delete(const std::vector<std::string>& args);
int command_rename(const std::vector<std::string>& args);
int command_export(const std::vector<std::string>& args);
int command_score(const std::vector<std::string>& args);
int command_generate(const std::vector<std::string>& args);
int command_inspect(const std::vector<std::string>& args);
int command_tokenize(const std::vector<std::string>& args);
int command_bench(const std::vector<std::string>& args);

}  // namespace dora::cli
