#include "io/file_writer.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>

#include <unistd.h>

namespace dora::io {
namespace {

constexpr int64_t kUnlimited = -1;

int64_t limit_from_environment()
{
    const char* text = std::getenv("DORA_DISK_SPACE");
    if (!text || !*text)
        return kUnlimited;
    char* end = nullptr;
    const long long bytes = std::strtoll(text, &end, 10);
    return *end == '\0' && bytes >= 0 ? bytes : kUnlimited;
}

// Bytes the simulated disk still accepts; kUnlimited when no fault is injected. Read from the
// environment once, on first use, so a test can set it before the process starts.
std::atomic<int64_t>& space_left()
{
    static std::atomic<int64_t> left{limit_from_environment()};
    return left;
}

// How many of `wanted` bytes the simulated disk takes now (all of them when there is no simulation).
size_t reserve_space(size_t wanted)
{
    std::atomic<int64_t>& left = space_left();
    int64_t now = left.load();
    for (;;) {
        if (now == kUnlimited)
            return wanted;
        const int64_t granted = std::min<int64_t>(now, static_cast<int64_t>(std::min<size_t>(wanted, INT64_MAX)));
        if (left.compare_exchange_weak(now, now - granted))
            return static_cast<size_t>(granted);
    }
}

// Returns what a short or interrupted write reserved but did not use.
void refund_space(size_t unused)
{
    std::atomic<int64_t>& left = space_left();
    int64_t now = left.load();
    while (now != kUnlimited && unused > 0 && !left.compare_exchange_weak(now, now + static_cast<int64_t>(unused))) {
    }
}

}  // namespace

bool write_fully(int fd, const void* data, size_t n)
{
    for (const char* p = static_cast<const char*>(data); n > 0;) {
        const size_t allowed = reserve_space(std::min<size_t>(n, size_t(1) << 30));
        if (allowed == 0) {
            errno = ENOSPC;
            return false;
        }
        const ssize_t written = ::write(fd, p, allowed);
        refund_space(allowed - static_cast<size_t>(std::max<ssize_t>(written, 0)));
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0) {
            if (written == 0)
                errno = EIO;
            return false;
        }
        p += written;
        n -= static_cast<size_t>(written);
    }
    return true;
}

void simulate_disk_space(int64_t bytes) { space_left().store(bytes < 0 ? kUnlimited : bytes); }

}  // namespace dora::io
