#include "testing/crash_points.h"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>

namespace dora::testing {
namespace {

struct Plan {
    std::string point;
    long remaining = 0;
};

Plan read_plan()
{
    Plan plan;
    const char* spec = std::getenv("DORA_CRASH_AT");
    if (!spec)
        return plan;
    const char* colon = std::strrchr(spec, ':');
    plan.point = colon ? std::string(spec, colon) : std::string(spec);
    plan.remaining = colon ? std::strtol(colon + 1, nullptr, 10) : 1;
    return plan;
}

}  // namespace

void crash_point(const char* name)
{
    static Plan plan = read_plan();
    static std::atomic<long> reached{0};
    if (plan.point.empty() || plan.point != name)
        return;
    if (reached.fetch_add(1) + 1 >= plan.remaining)
        std::raise(SIGKILL);
}

}  // namespace dora::testing
