#include "runtime_environment.h"

#include <cstdlib>
#include <unistd.h>

namespace dora::app {

void ensure_runtime_environment(char** argv)
{
    bool changed = false;
    auto set_default = [&](const char* name, const char* value) {
        if (!std::getenv(name)) {
            ::setenv(name, value, 1);
            changed = true;
        }
    };
    set_default("OMP_WAIT_POLICY", "passive");
    set_default("MALLOC_MMAP_THRESHOLD_", "33554432");
    set_default("MALLOC_TRIM_THRESHOLD_", "1073741824");
    set_default("MALLOC_TOP_PAD_", "67108864");
    if (!changed)
        return;
    ::execv("/proc/self/exe", argv);
    // execv only returns on failure (no /proc): carry on with the defaults.
}

}  // namespace dora::app
