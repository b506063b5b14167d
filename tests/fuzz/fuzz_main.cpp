// One libFuzzer executable per target: CMake compiles this file with DORA_FUZZ_TARGET="<name>".
#include "fuzz_targets.h"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const dora::fuzz::NamedTarget* target = [] {
        const dora::fuzz::NamedTarget* found = dora::fuzz::find_target(DORA_FUZZ_TARGET);
        if (!found) {
            std::fprintf(stderr, "no fuzz target named %s\n", DORA_FUZZ_TARGET);
            std::abort();
        }
        return found;
    }();
    target->run(data, size);
    return 0;
}
