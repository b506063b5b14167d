// The peak resident memory of this process during one run. Linux keeps a high-water mark (VmHWM)
// that can be reset to the current size, so a run trained inside the long-lived GUI process gets its
// own peak rather than the largest of every run since the application started.
#pragma once

namespace dora::store {

// Starts a new high-water mark at the current resident size (no effect where unsupported).
void reset_peak_memory();
// Megabytes; the process's lifetime peak where the reset is unsupported, 0 when unknown.
double peak_memory_mb();

}  // namespace dora::store
