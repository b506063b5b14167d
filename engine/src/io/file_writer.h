// The one place where DoRA Studio writes the bytes of files it must not lose: checkpoints, exported
// adapters and models, and their JSON configs. Keeping every such write here lets a test give the
// process a "disk" with only so many bytes left and prove that a full disk costs nothing already
// saved: the writers go through a temporary file, so the previous file stays intact.
#pragma once

#include <cstddef>
#include <cstdint>

namespace dora::io {

// Writes all `n` bytes to `fd`, retrying after EINTR and short writes. Returns false with errno set
// (ENOSPC when the simulated disk below is full).
bool write_fully(int fd, const void* data, size_t n);

// Fault injection for tests. From now on write_fully accepts `bytes` more bytes in all and then fails
// with ENOSPC, as a disk that fills up does (the write that crosses the limit writes what fits).
// A negative value turns the simulation off. Processes started by a test read the same limit from
// the environment variable DORA_DISK_SPACE=<bytes>, on their first write.
void simulate_disk_space(int64_t bytes);

}  // namespace dora::io
