#!/usr/bin/env bash
# Runs every libFuzzer target (tests/fuzz) for SECONDS each (default 60), starting from its seed corpus
# tests/fuzz/corpus/<target>, with AddressSanitizer and UndefinedBehaviorSanitizer on. Builds the
# targets with clang into build-fuzz/ first. Prints, per target, how many inputs it tried, the coverage
# reached and what it found; new corpus inputs go to build-fuzz/fuzz-work/<target> (not the source tree).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]   targets: safetensors run_config tokenizer_json
#                                           peft_adapter_config model_config shard_index dataset
#
# A crash leaves its input in build-fuzz/fuzz-artifacts/<target>/. To keep it as a regression test,
# copy it to tests/fuzz/regressions/<target>/<what-it-found>, fix the parser, and run
# `ctest -R test_fuzz_regressions` (it replays every such file in the normal suite).
set -euo pipefail

seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(safetensors run_config tokenizer_json peft_adapter_config model_config shard_index dataset)
root=$(cd "$(dirname "$0")/.." && pwd)
build=${DORA_FUZZ_BUILD:-$root/build-fuzz}
command -v clang++-14 >/dev/null || { echo "fuzz: clang++-14 is missing (apt-get install clang-14 libclang-rt-14-dev)" >&2; exit 2; }

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER=clang-14 \
      -DCMAKE_CXX_COMPILER=clang++-14 -DDORA_FUZZ=ON >/dev/null
cmake --build "$build" -j "${JOBS:-$(nproc)}" --target fuzzers

export ASAN_OPTIONS="detect_leaks=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
found=0
for target in "${targets[@]}"; do
    work=$build/fuzz-work/$target artifacts=$build/fuzz-artifacts/$target
    rm -rf "$artifacts"
    mkdir -p "$work" "$artifacts"
    log=$build/fuzz-work/$target.log
    # The first corpus folder receives new inputs; the seeds are read only. -timeout: an input that takes
    # more than 10 s is a hang; -rss_limit_mb: one that needs 2 GiB is a memory exhaustion.
    set +e
    "$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" "$work" "$root/tests/fuzz/corpus/$target" >"$log" 2>&1
    rc=$?
    set -e
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
    corpus=$(find "$work" -type f | wc -l)
    crashes=$(find "$artifacts" -type f | wc -l)
    printf 'fuzz %-20s %8s inputs in %ss, coverage %5s edges, %5d new corpus inputs, %d crash files' \
        "$target" "$runs" "$seconds" "$cov" "$corpus" "$crashes"
    if [ $rc -ne 0 ] || [ "$crashes" -gt 0 ]; then
        found=1
        echo "  <- FOUND SOMETHING (exit $rc):"
        grep -m1 -E 'ERROR: |runtime error|terminate called|deadly signal|out-of-memory|timeout' "$log" | sed 's/^/    /' || true
        find "$artifacts" -type f | sed 's/^/    input: /'
        echo "    full log: $log"
    else
        echo "  nothing found"
    fi
done
exit $found
