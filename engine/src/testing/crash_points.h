// Named places where a test can make the process die by SIGKILL, to prove that a crash there loses
// nothing: DORA_CRASH_AT=<point>:<n> kills the process the n-th time <point> is reached. Points:
//   training-step       after a step's backward pass, before the optimizer updates the weights
//   file-before-rename  a safetensors file (a checkpoint) is fully written under its temporary name
//   metrics-commit      a transaction with metrics (alone or with a checkpoint row) is written but
//                       not committed
// Without the variable this costs one relaxed atomic load per call.
#pragma once

namespace dora::testing {

void crash_point(const char* name);

}  // namespace dora::testing
