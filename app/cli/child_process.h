// Running dora-cli itself as a child process and collecting what it prints: `dora-cli bench` measures
// each method in a process of its own, so each peak memory figure is that method's alone.
#pragma once

#include <string>
#include <vector>

namespace dora::cli {

struct ChildResult {
    int exit_code = -1;  // -1 when the child did not exit normally (killed by a signal)
    std::string output;  // its standard output; its standard error goes straight to ours
};

// Runs this same executable (/proc/self/exe) with `args` (without argv[0]) and the current
// environment, and waits for it. Throws dora::Error when the process cannot be started.
ChildResult run_self(const std::vector<std::string>& args);

}  // namespace dora::cli
