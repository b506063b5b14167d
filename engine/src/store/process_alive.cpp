// Process identity from /proc (Linux); elsewhere, a signal-0 probe of the pid (see process_alive.h).
#include "store/process_alive.h"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <signal.h>
#include <unistd.h>

namespace dora::store {
namespace {

struct ProcStat {
    bool found = false;
    char state = '?';
    long long start_time = 0;
};

// /proc/PID/stat is "pid (comm) state ppid ... starttime ...": comm may hold spaces and ')', so the
// fields are counted from the last ')'. The state is field 3, the start time field 22.
ProcStat read_proc_stat(long long pid)
{
    ProcStat stat;
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!in || !std::getline(in, line)) return stat;
    const size_t close = line.rfind(')');
    if (close == std::string::npos) return stat;
    std::istringstream fields(line.substr(close + 1));
    std::string field;
    for (int number = 3; number <= 22 && fields >> field; ++number) {
        if (number == 3) stat.state = field.empty() ? '?' : field[0];
        if (number == 22) {
            stat.start_time = std::strtoll(field.c_str(), nullptr, 10);
            stat.found = true;
        }
    }
    return stat;
}

bool proc_available()
{
    static const bool available = read_proc_stat(getpid()).found;
    return available;
}

}  // namespace

ProcessIdentity process_identity_self()
{
    ProcessIdentity self;
    self.pid = getpid();
    self.start_time = read_proc_stat(self.pid).start_time;
    return self;
}

bool process_is_alive(const ProcessIdentity& who)
{
    if (who.pid <= 0) return false;  // kill(0, ...) would probe our own process group
    if (!proc_available()) return kill(static_cast<pid_t>(who.pid), 0) == 0 || errno == EPERM;
    const ProcStat stat = read_proc_stat(who.pid);
    if (!stat.found || stat.state == 'Z' || stat.state == 'X') return false;
    return who.start_time == 0 || stat.start_time == who.start_time;
}

}  // namespace dora::store
