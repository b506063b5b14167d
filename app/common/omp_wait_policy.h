// libgomp, which LibTorch's CPU kernels run on, spin-waits between parallel regions by default. With
// as many torch threads as cores, any other busy process (the GUI thread, a browser, a compiler) makes
// those spinners fight for the cores: measured here, a demo-gpt step on two cores took 1 s instead of
// 40 ms while one core was busy elsewhere. OMP_WAIT_POLICY=passive (threads sleep at once) removes
// that cliff. libgomp reads the variable when it is loaded, before main(), so the only way to set it
// for ourselves is to re-execute the program with it set. A value the user set is left alone.
#pragma once

namespace dora::app {

// Call first thing in main(). Returns normally when the policy is already set (or re-exec failed).
void ensure_passive_omp_wait_policy(char** argv);

}  // namespace dora::app
