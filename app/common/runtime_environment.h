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
// MALLOC_TOP_PAD_=64 MB. The trim threshold governs the main heap only. The arenas glibc gives other
// threads (the batch shares' helpers, train/shard_workers.h) are 64 MB heaps, and one that falls wholly
// free is unmapped unless the top pad says to keep that much: with glibc's 128 kB pad the bench's
// steps faulted in 600–1,100 fresh pages each (LoRA and DoRA alike; 4.2 ms of a DoRA step's CPU time
// went to the kernel zeroing them), with 64 MB 40–170. The pad is address space, not memory: pages
// count once touched. One arena for all threads (MALLOC_ARENA_MAX=1) also ended the faults, but made
// the GUI's demo-mlp run 10–20% slower (its trainer and the GUI thread then share one malloc lock).
#pragma once

namespace dora::app {

// Call first thing in main(). Returns normally when nothing needed setting (or re-exec failed).
void ensure_runtime_environment(char** argv);

}  // namespace dora::app
