// The process-group settings cluster launchers pass through the environment (torchrun, Slurm
// scripts, `dora-cli train --nproc`). Torch-free, so it lives in the core library.
#include "dora/distributed.h"

#include "dora/error.h"

#include <cstdlib>

namespace dora {
namespace {

const char* variable(const char* name)
{
    const char* value = std::getenv(name);
    return value && *value ? value : nullptr;
}

long long whole_number(const char* name, long long minimum, long long maximum, std::optional<long long> fallback)
{
    const char* text = variable(name);
    if (!text) {
        if (!fallback)
            throw Error(std::string("environment: ") + name + " is not set but WORLD_SIZE is (a distributed run needs both)");
        return *fallback;
    }
    char* end = nullptr;
    const long long value = std::strtoll(text, &end, 10);
    if (*end != '\0' || value < minimum || value > maximum)
        throw Error(std::string("environment: ") + name + "='" + text + "' is not a whole number from " +
                    std::to_string(minimum) + " to " + std::to_string(maximum));
    return value;
}

}  // namespace

std::optional<ProcessGroupSettings> process_group_settings_from_environment()
{
    if (!variable("WORLD_SIZE"))
        return std::nullopt;
    ProcessGroupSettings s;
    s.world_size = static_cast<int>(whole_number("WORLD_SIZE", 1, 65536, std::nullopt));
    s.rank = static_cast<int>(whole_number("RANK", 0, s.world_size - 1, std::nullopt));
    s.local_rank = static_cast<int>(whole_number("LOCAL_RANK", 0, s.world_size - 1, 0));
    s.local_world_size = static_cast<int>(whole_number("LOCAL_WORLD_SIZE", 1, s.world_size, 1));
    s.master_port = static_cast<int>(whole_number("MASTER_PORT", 1, 65535, std::nullopt));
    s.timeout_seconds = static_cast<double>(whole_number("DORA_DIST_TIMEOUT", 1, 86400, 300));
    if (const char* address = variable("MASTER_ADDR"))
        s.master_addr = address;
    else
        throw Error("environment: MASTER_ADDR is not set but WORLD_SIZE is (rank 0's host name or address)");
    return s;
}

}  // namespace dora
