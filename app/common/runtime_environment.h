// Settings that the C runtime and libgomp read when they are loaded, before main(): the only way to
// give them to ourselves is to re-execute the program with them in the environment. Values the user
// set are left alone.
//
// OMP_WAIT_POLICY=passive. libgomp, which LibTorch's CPU kernels run on, spin-waits between parallel
// regions by default. With as many torch threads as cores, any other busy process (the GUI thread, a
// browser, a compiler) makes those spinners fight for the cores: measured here, a demo-gpt step on two
// cores took 1 s instead of 40 ms while one core was busy elsewhere. Passive threads sleep at once.
//
// MALLOC_MMAP_THRESHOLD_ and MALLOC_TRIM_THRESHOLD_. glibc's malloc hands blocks above a moving
// threshold to mmap, and gives freed memory at the top of the heap back to the system once more than
// twice that threshold is free. A training step frees and re-allocates the same activation buffers
// (a few MB each) every step, so with the defaults they keep going back to the kernel and returning as
// fresh pages it must fault in and zero: 5–9% of a step on the `dora-cli bench` GPT-2 shape. Fixed
// thresholds (32 MB, glibc's largest, and 1 GB) keep them for reuse. Peak memory is not raised; memory
// freed after a run is returned once more than 1 GB of it is free. mallopt() from main() was measured
// too and kept most of the cost; a 256 MB trim threshold also did (that shape frees more at once).
//
// MALLOC_ARENA_MAX=1. The trim threshold governs the main heap only: the extra arenas glibc gives
// other threads (the batch shares' helpers, train/shard_workers.h) are mmap'd heaps that it shrinks on
// its own, so their buffers came back as fresh zeroed pages all the same. Measured on the bench's
// DoRA run with two shares: 663 page faults a step (2.6 MB zeroed by the kernel, 4.2 ms of CPU time),
// none with one arena. A few hundred allocations a step contend for its lock for nanoseconds each.
#pragma once

namespace dora::app {

// Call first thing in main(). Returns normally when nothing needed setting (or re-exec failed).
void ensure_runtime_environment(char** argv);

}  // namespace dora::app
