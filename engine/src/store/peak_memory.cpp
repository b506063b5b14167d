#include "store/peak_memory.h"

#include <sys/resource.h>

#include <fstream>
#include <string>

namespace dora::store {

void reset_peak_memory()
{
    // "5" resets VmHWM (Linux 4.0+); the file may be missing or refused in a sandbox, which only
    // means the lifetime peak is reported instead.
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
}

double peak_memory_mb()
{
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stod(line.substr(6)) / 1024.0;  // "VmHWM:   320628 kB"
    rusage usage{};
    if (getrusage(RUSAGE_SELF, &usage) == 0)
        return static_cast<double>(usage.ru_maxrss) / 1024.0;  // kilobytes on Linux
    return 0;
}

}  // namespace dora::store
