#!/usr/bin/env bash
# The fleet benchmark (ARCHITECTURE §10): `ffrtmp bench fleet` runs simulated agents (heartbeat every
# 5 s, telemetry every 1 s) against one `ffrtmp broker` and one `ffrtmp master` on this machine, probing
# a page of the master's /api/nodes and /api/fleet each second. One dashboard viewer follows /events
# for the whole run (curl): its bytes give the live feed per viewer. Meanwhile the CPU% and RSS of
# broker, master and bench are read from /proc every 5 s. Prints the bench's report, the viewer's
# rate, then a table of the samples.
#
# Open files: the bench multiplexes its agents over CONNECTIONS sockets, so the broker holds about
# CONNECTIONS + 3 client sockets here, not one per agent; the soft limit is still raised to the hard
# one (a real fleet of N agents needs N descriptors in the broker, which warns at start when short).
#
# Usage: Tests/Bench/fleet.sh
# Environment (all optional):
#   AGENTS=10000  DURATION=60s  CONNECTIONS=16  HEARTBEAT=5s  TELEMETRY=1s  SAMPLE_EVERY=5
#   BENCH=.build/release/ffrtmp   (built with `swift build -c release --product ffrtmp` if missing)
#   KEEP=1                        keep the temporary folder (logs, master.db, bench JSON)
set -euo pipefail
cd "$(dirname "$0")/../.."

AGENTS=${AGENTS:-10000}
DURATION=${DURATION:-60s}
CONNECTIONS=${CONNECTIONS:-16}
HEARTBEAT=${HEARTBEAT:-5s}
TELEMETRY=${TELEMETRY:-1s}
SAMPLE_EVERY=${SAMPLE_EVERY:-5}
BENCH=${BENCH:-.build/release/ffrtmp}
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "open files: soft limit $(ulimit -n), hard $(ulimit -Hn)" >&2

if [[ ! -x $BENCH ]]; then
    echo "building $BENCH" >&2
    swift build -c release --product ffrtmp >&2
fi

WORK=$(mktemp -d /tmp/ffrtmp-fleet.XXXXXX)
PIDS=()
cleanup() {
    # Newest first: the master stops (and writes what it holds) before the broker goes.
    for ((index = ${#PIDS[@]} - 1; index >= 0; index--)); do
        kill "${PIDS[index]}" 2>/dev/null || true
        wait "${PIDS[index]}" 2>/dev/null || true
    done
    if [[ ${KEEP:-0} == 1 ]]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT INT TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for_port() {
    for _ in $(seq 300); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "nothing listens on port $1" >&2
    return 1
}

# Prints "cpu_ticks rss_kb" of a process.
proc_sample() {
    local stat rss
    stat=$(cut -d' ' -f14,15 "/proc/$1/stat" 2>/dev/null) || return 1
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null) || return 1
    echo "$(( ${stat% *} + ${stat#* } )) $rss"
}

# Appends "seconds name cpu% rss_kb" for each named pid every SAMPLE_EVERY seconds until killed.
sample_loop() {
    local ticks_per_second start previous_time
    ticks_per_second=$(getconf CLK_TCK)
    start=$(date +%s.%N)
    declare -A previous
    for entry in "$@"; do previous[$entry]=$(proc_sample "${entry#*=}" | cut -d' ' -f1); done
    previous_time=$start
    while sleep "$SAMPLE_EVERY"; do
        local now
        now=$(date +%s.%N)
        for entry in "$@"; do
            local name=${entry%%=*} pid=${entry#*=} sample
            sample=$(proc_sample "$pid") || continue
            awk -v t="$now" -v t0="$start" -v tp="$previous_time" -v name="$name" -v ticks="${sample% *}" \
                -v before="${previous[$entry]}" -v rss="${sample#* }" -v hz="$ticks_per_second" \
                'BEGIN { printf "%.0f %s %.1f %d\n", t - t0, name, (ticks - before) / hz / (t - tp) * 100, rss }'
            previous[$entry]=${sample% *}
        done
        previous_time=$now
    done
}

BROKER_PORT=$(free_port)
HTTP_PORT=$(free_port)
URL="nats://127.0.0.1:$BROKER_PORT"

"$BENCH" broker -a 127.0.0.1 -p "$BROKER_PORT" -sd "$WORK/store" -l "$WORK/broker.log" &
BROKER_PID=$!
PIDS+=("$BROKER_PID")
wait_for_port "$BROKER_PORT"
"$BENCH" setup -s "$URL" >"$WORK/setup.log"
"$BENCH" master -s "$URL" --http "127.0.0.1:$HTTP_PORT" --db "$WORK/master.db" -l "$WORK/master.log" &
MASTER_PID=$!
PIDS+=("$MASTER_PID")
wait_for_port "$HTTP_PORT"

"$BENCH" bench fleet -s "$URL" --agents "$AGENTS" --duration "$DURATION" --connections "$CONNECTIONS" \
    --heartbeat "$HEARTBEAT" --telemetry "$TELEMETRY" --master "http://127.0.0.1:$HTTP_PORT" \
    >"$WORK/bench.txt" &
BENCH_PID=$!
PIDS+=("$BENCH_PID")
# One live viewer while the bench publishes (DURATION in whole seconds, e.g. 40s; none otherwise).
VIEWER_PID=
if [[ $DURATION =~ ^([0-9]+)s$ ]]; then
    VIEWER_SECONDS=${BASH_REMATCH[1]}
    curl -s -N --max-time "$VIEWER_SECONDS" -o /dev/null -w '%{size_download}' \
        "http://127.0.0.1:$HTTP_PORT/events" >"$WORK/viewer.bytes" 2>/dev/null &
    VIEWER_PID=$!
    PIDS+=("$VIEWER_PID")
fi
sample_loop "broker=$BROKER_PID" "master=$MASTER_PID" "bench=$BENCH_PID" >"$WORK/samples.txt" &
SAMPLER_PID=$!
PIDS+=("$SAMPLER_PID")
wait "$BENCH_PID"
kill "$SAMPLER_PID" 2>/dev/null || true

cat "$WORK/bench.txt"
if [[ -n $VIEWER_PID ]]; then
    wait "$VIEWER_PID" 2>/dev/null || true
    awk -v bytes="$(cat "$WORK/viewer.bytes" 2>/dev/null || echo 0)" -v seconds="$VIEWER_SECONDS" \
        'BEGIN { printf "  /events, one viewer: %.0f KB in %d s, %.0f KB/s\n", bytes / 1024, seconds, \
            bytes / 1024 / seconds }'
fi
echo
echo "CPU (% of one core) and RSS, sampled every ${SAMPLE_EVERY}s:"
awk '
    { t[NR] = $1; name[NR] = $2; cpu[NR] = $3; rss[NR] = $4; seen[$2] = 1; times[$1] = 1 }
    END {
        order[1] = "broker"; order[2] = "master"; order[3] = "bench"
        printf "| t (s) |"
        for (i = 1; i <= 3; i++) printf " %s CPU%% | %s RSS MB |", order[i], order[i]
        printf "\n|---|"
        for (i = 1; i <= 3; i++) printf "---|---|"
        printf "\n"
        for (r = 1; r <= NR; r += 0) {
            time = t[r]; line = sprintf("| %s |", time)
            for (i = 1; i <= 3; i++) { cell[i] = " - | - |" }
            while (r <= NR && t[r] == time) {
                for (i = 1; i <= 3; i++) if (name[r] == order[i]) {
                    cell[i] = sprintf(" %.1f | %.1f |", cpu[r], rss[r] / 1024)
                    sum[i] += cpu[r]; count[i]++; if (rss[r] > peak[i]) peak[i] = rss[r]; last[i] = rss[r]
                }
                r++
            }
            for (i = 1; i <= 3; i++) line = line cell[i]
            print line
        }
        printf "\n| process | mean CPU %% | peak RSS MB | last RSS MB |\n|---|---|---|---|\n"
        for (i = 1; i <= 3; i++) if (count[i] > 0)
            printf "| %s | %.1f | %.1f | %.1f |\n", order[i], sum[i] / count[i], peak[i] / 1024, last[i] / 1024
    }' "$WORK/samples.txt"
