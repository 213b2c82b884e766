#!/usr/bin/env bash
# The project's test command: release build, Swift unit tests, a fuzz smoke, then the Python interop suites
# (real nats-py client and nats-server 2.15 as the oracle) against the release binary, then the
# agent and master end-to-end suite (real ffmpeg, headless Chromium). Runs from the repository root
# wherever it is called from.
# Extra arguments go to the interop pytest run, e.g. `Tests/run-all.sh -k differential -x`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

stage="setup"
stage_start=$SECONDS
on_exit() {
    local rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "run-all: FAILED in stage '$stage' (exit $rc) after $((SECONDS - stage_start))s" >&2
    fi
}
trap on_exit EXIT

begin() {
    stage="$1"
    stage_start=$SECONDS
    echo "==> run-all: $stage"
}

done_stage() {
    echo "==> run-all: $stage passed ($((SECONDS - stage_start))s)"
}

begin "test tools (nats-server 2.15.1, nats-py, pytest)"
SCRIPTS="$(Tests/install-test-tools.sh | tail -n 1)"
case ":$PATH:" in *":$SCRIPTS:"*) ;; *) export PATH="$SCRIPTS:$PATH" ;; esac
nats-server --version
done_stage

begin "lint (swift format, see .swift-format; Package.swift dependency lists against the imports)"
swift format lint --strict --recursive Sources Tests
Tests/check-package-dependencies.sh
done_stage

begin "swift build -c release --product ffrtmp"
swift build -c release --product ffrtmp
BIN_DIR="$(swift build -c release --show-bin-path)"
done_stage

begin "swift test (unit tests)"
swift test
done_stage

begin "fuzz smoke (Tests/Fuzz/run.sh all 6, then findings: libFuzzer + ASan, own build in .build/fuzz)"
# A smoke only: each of the 7 fuzz targets for a few seconds, so the targets keep building and the
# seeds and first mutations stay crash-free (about 1 min plus a 2-3 min cold build on 2 cores), then
# every past finding replayed strictly as a regression check (a few seconds; the build is reused).
# Longer runs are on demand: Tests/Fuzz/run.sh <target> <seconds>.
Tests/Fuzz/run.sh all "${FUZZ_SMOKE_SECONDS:-6}"
Tests/Fuzz/run.sh findings
done_stage

begin "client JetStream tests against the ffrtmp broker (they ran against nats-server above)"
FFRTMP_BROKER_BIN="$BIN_DIR/ffrtmp" swift test --skip-build --filter ClientTests.JetStream
done_stage

begin "interop suites (python3 -m pytest -q Tests/Interop)"
export FFRTMP_BIN="$BIN_DIR/ffrtmp"
if [ ! -x "$FFRTMP_BIN" ]; then
    echo "run-all: release binary missing at $FFRTMP_BIN" >&2
    exit 1
fi
echo "    FFRTMP_BIN=$FFRTMP_BIN FFRTMP_UNDER_TEST=${FFRTMP_UNDER_TEST:-ffrtmp}"
rm -rf "$ROOT/test-artifacts/interop"  # server logs of this run's failures land here
python3 -m pytest -q Tests/Interop "$@"
done_stage

begin "agent and master end-to-end (python3 -m pytest -q Tests/EndToEnd)"
# Real ffmpeg, the broker, `ffrtmp setup`, agents, `ffrtmp master` and `ffrtmp up`; nginx with the
# RTMP module and chromium (the dashboard test) when installed (deployment/install-packages.sh), else
# their tests are skipped. Logs of failures: test-artifacts/e2e/; the dashboard's screenshot:
# test-artifacts/dashboard/.
rm -rf "$ROOT/test-artifacts/e2e" "$ROOT/test-artifacts/dashboard"
python3 -m pytest -q Tests/EndToEnd
done_stage

begin "deployment checks (python3 -m pytest -q Tests/Deployment)"
# systemd-analyze verify on every unit, promtool check/test on the alert rules; each test skips with
# its reason when its tool is absent.
python3 -m pytest -q Tests/Deployment
done_stage

echo "run-all: all stages passed"
