#!/usr/bin/env bash
# Builds the libFuzzer targets (Tests/Fuzz/Targets) with AddressSanitizer and runs them.
#
#   Tests/Fuzz/run.sh [TARGET|all] [SECONDS]   run one target, or each in turn, for SECONDS (default 60)
#   Tests/Fuzz/run.sh seeds                    rewrite the generated seeds (job messages, store files)
#   Tests/Fuzz/run.sh findings                 replay the past findings (Tests/Fuzz/findings/<target>/)
#                                              with every check on (FUZZ_STRICT=1); fails if any fails
#
# Targets: client-op header-block jetstream consumer http-request job segment (see docs/architecture.md, Fuzzing).
# The build uses its own path, .build/fuzz, so the ordinary .build is untouched. Each run starts from
# the seeds in Tests/Fuzz/corpus/<target>/ (never written to) plus what earlier runs found in
# test-artifacts/fuzz/corpus/<target>/; crashes land in test-artifacts/fuzz/crashes/<target>/ and make
# the script exit non-zero. FUZZ_JOBS=N runs N processes per target (libFuzzer -fork). Extra libFuzzer
# flags can be given in FUZZ_FLAGS.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

TARGETS=(client-op header-block jetstream consumer http-request job segment)
WHICH="${1:-all}"
SECONDS_EACH="${2:-60}"
ARTIFACTS="$ROOT/test-artifacts/fuzz"
BUILD_PATH="$ROOT/.build/fuzz"

case "$WHICH" in
    all) selected=("${TARGETS[@]}") ;;
    seeds | findings) selected=() ;;
    *)
        if [[ " ${TARGETS[*]} " != *" $WHICH "* ]]; then
            echo "fuzz: unknown target '$WHICH'; one of: ${TARGETS[*]} all seeds" >&2
            exit 2
        fi
        selected=("$WHICH")
        ;;
esac

mkdir -p "$ARTIFACTS"
echo "fuzz: building FuzzTargets (debug, libFuzzer + ASan) in .build/fuzz; log: test-artifacts/fuzz/build.log"
build_start=$SECONDS
# With SwiftPM's `--sanitize fuzzer --sanitize address` alone (swift 6.3) the compile jobs get only
# -sanitize=address: no coverage counters, and libFuzzer fuzzes blind. `--sanitize fuzzer` is still
# given so that SwiftPM links libFuzzer's main (not one renamed from main.swift); the combined
# -Xswiftc flag instruments the Swift code. The counters are checked below.
# ld.gold warns "Cannot export local symbol __asan_*" for every object: harmless, kept out of the console.
if ! FFRTMP_FUZZ=1 swift build --build-path "$BUILD_PATH" -c debug --product FuzzTargets \
    --sanitize fuzzer -Xswiftc -sanitize=fuzzer,address >"$ARTIFACTS/build.log" 2>&1; then
    grep -v "Cannot export local symbol" "$ARTIFACTS/build.log" | tail -40 >&2
    echo "fuzz: build failed" >&2
    exit 1
fi
BINARY="$BUILD_PATH/debug/FuzzTargets"
echo "fuzz: built in $((SECONDS - build_start))s"
# Coverage guidance must reach the Swift code, not just the C shims.
counters_hex="$(readelf -SW "$BINARY" | awk '{ for (i = 1; i < NF; i++) if ($i == "__sancov_cntrs") print $(i + 4) }')"
counters=$((16#${counters_hex:-0}))
if [ "$counters" -lt 10000 ]; then
    echo "fuzz: only $counters coverage counters in FuzzTargets: the Swift code is not instrumented" >&2
    exit 1
fi

if [ "$WHICH" = "seeds" ]; then
    FUZZ_WRITE_SEEDS="$ROOT/Tests/Fuzz/corpus" "$BINARY"
    echo "fuzz: wrote the generated seeds under Tests/Fuzz/corpus/{job,segment}"
    exit 0
fi

if [ "$WHICH" = "findings" ]; then
    status=0
    for folder in Tests/Fuzz/findings/*/; do
        target="$(basename "$folder")"
        for finding in "$folder"*; do
            if FUZZ_STRICT=1 FUZZ_TARGET="$target" SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 \
                "$BINARY" "$finding" >"$ARTIFACTS/finding.log" 2>&1; then
                echo "fuzz: passes   $finding"
            else
                echo "fuzz: FAILS    $finding"
                grep -E "fuzz check failed|^(whole|split):|ERROR|Fatal error" "$ARTIFACTS/finding.log" | head -5 | cut -c1-300
                status=1
            fi
        done
    done
    exit "$status"
fi

# Swift's runtime keeps caches that LeakSanitizer would report on exit; leaks are not what this hunts.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}"
# Swift's own crash backtracer would race ASan's report; libFuzzer prints the stack instead.
export SWIFT_BACKTRACE="enable=no"
failed=()
summary=()
for target in "${selected[@]}"; do
    corpus="$ARTIFACTS/corpus/$target"
    crashes="$ARTIFACTS/crashes/$target"
    log="$ARTIFACTS/$target.log"
    mkdir -p "$corpus" "$crashes"
    started="$ARTIFACTS/.started-$target"
    touch "$started"
    dictionary=()
    if [ -f "Tests/Fuzz/dict/$target.dict" ]; then dictionary=("-dict=Tests/Fuzz/dict/$target.dict"); fi
    parallel=()
    if [ "${FUZZ_JOBS:-1}" -gt 1 ]; then parallel=("-fork=$FUZZ_JOBS" "-ignore_crashes=1"); fi
    echo "fuzz: $target for ${SECONDS_EACH}s (log: test-artifacts/fuzz/$target.log)"
    rc=0
    # shellcheck disable=SC2086
    FUZZ_TARGET="$target" "$BINARY" "$corpus" "Tests/Fuzz/corpus/$target" "${dictionary[@]}" "${parallel[@]}" \
        -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
        -artifact_prefix="$crashes/" ${FUZZ_FLAGS:-} >"$log" 2>&1 || rc=$?
    executions="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)"
    found="$(find "$crashes" -type f -newer "$started" | wc -l)"
    summary+=("$(printf '%-13s %12s executions  %3s new crash files  exit %s' "$target" "${executions:-?}" "$found" "$rc")")
    if [ "$rc" -ne 0 ] || [ "$found" -gt 0 ]; then
        failed+=("$target")
        grep -E "^(==[0-9]+==ERROR|SUMMARY|fuzz check failed|Fatal error|.*: Fatal error)|^ +#[0-9] |Test unit written" "$log" \
            | head -20 >&2 || true
    fi
done

echo "fuzz: summary (executions are libFuzzer's stat::number_of_executed_units)"
printf '    %s\n' "${summary[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
    echo "fuzz: crashes in: ${failed[*]} (inputs under test-artifacts/fuzz/crashes/; reproduce with" \
        "FUZZ_TARGET=<target> .build/fuzz/debug/FuzzTargets <file>)" >&2
    exit 1
fi
echo "fuzz: no crashes"
