#include "omp_wait_policy.h"

#include <cstdlib>
#include <unistd.h>

namespace dora::app {

void ensure_passive_omp_wait_policy(char** argv)
{
    if (std::getenv("OMP_WAIT_POLICY"))
        return;
    ::setenv("OMP_WAIT_POLICY", "passive", 1);
    ::execv("/proc/self/exe", argv);
    // execv only returns on failure (no /proc): carry on with libgomp's default policy.
}

}  // namespace dora::app
