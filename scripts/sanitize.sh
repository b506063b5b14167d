#!/usr/bin/env bash
# Builds everything with AddressSanitizer and UndefinedBehaviorSanitizer (-DDORA_SANITIZE=ON, in
# build-asan/) and runs the whole test suite under them. Any report fails the test that caused it:
# UBSan stops at the first finding, ASan at the first memory error, and LeakSanitizer reports leaks at
# exit, apart from the known ones of the libraries listed in tests/sanitizers/lsan.supp.
#
#   scripts/sanitize.sh [CTEST ARGS...]     e.g. scripts/sanitize.sh -R test_safetensors
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${DORA_SANITIZE_BUILD:-$root/build-asan}
jobs=${JOBS:-$(nproc)}

# -O1: sanitizer builds of the torch files are slow to compile, and -O1 keeps reports exact.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1 -g1 -DNDEBUG" \
      -DDORA_SANITIZE=ON >/dev/null
cmake --build "$build" -j "$jobs"

# halt_on_error/abort_on_error: a finding must end the test with a failure, not scroll past.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0:${LSAN_OPTIONS:-}"
cd "$build"
echo "sanitize: running the test suite under ASan + UBSan ($build)"
QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j "$jobs" "$@"
echo "sanitize: clean: no sanitizer report in any test"
