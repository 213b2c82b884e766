#!/usr/bin/env bash
# JetStream throughput as a nats.go application sees it: Tests/Bench/natsgo/jsbench (nats.go 1.22.1
# from Debian) against nats-server and the ffrtmp broker, alternating between them, one fresh
# file-store stream per run. Prints a markdown table of the median of each figure and the ratio
# ffrtmp ÷ nats-server, plus the load average before and after (the machine may be shared).
# Mode "sync" is js.Publish one at a time (each waits for its ack); each round of it also measures
# the fdatasync limit on the disk the stores are on (write + fdatasync of one small record in a loop,
# appending, and overwriting zeros written beforehand), printed next to it with ffrtmp ÷ limit.
# nats-server acknowledges before it syncs (it syncs every 2 minutes by default); the broker syncs
# every message before its ack. So mode "sync" also runs a second nats-server configured with
# `jetstream { sync_interval: always }` (one fsync per write, before its ack: the broker's durability),
# printed as its own row with ffrtmp ÷ that server. The last row is the sequential bound: nats-server's
# unsynced round trip followed by one sync, the most a server that syncs before its ack could reach
# one at a time if the client's round trip did not grow while the machine waits on the disk.
# Not part of any test suite: run it by hand.
#
# Needs: apt-get install golang-go golang-github-nats-io-go-nats-dev linux-perf (perf: optional)
# Usage: Tests/Bench/natsgo-jetstream.sh
# Environment (all optional):
#   ROUNDS=3  MSGS=100000  SIZE=128  BATCH=256  MAXWAIT=5s  MODES="publish fetch sync"
#   SYNC_MSGS=5000 (messages of mode sync, and records of each fdatasync probe)
#   BROKER=.build/release/ffrtmp   (built with `swift build -c release --product ffrtmp` if missing)
#   NATS_SERVER_COMMAND=nats-server
#   PERF=1: record the broker with `perf record -g` during its fetch runs ($WORK/perf.data is kept
#   and its report summary printed).
set -euo pipefail
cd "$(dirname "$0")/../.."

ROUNDS=${ROUNDS:-3}
MSGS=${MSGS:-100000}
SIZE=${SIZE:-128}
BATCH=${BATCH:-256}
MAXWAIT=${MAXWAIT:-5s}
MODES=${MODES:-"publish fetch sync"}
SYNC_MSGS=${SYNC_MSGS:-5000}
BROKER=${BROKER:-.build/release/ffrtmp}
NATS_SERVER_COMMAND=${NATS_SERVER_COMMAND:-nats-server}
PERF=${PERF:-0}

if [[ ! -x $BROKER ]]; then
    echo "building $BROKER (swift build -c release --product ffrtmp)" >&2
    swift build -c release --product ffrtmp >&2
fi
mkdir -p .build/natsgo
JSBENCH=.build/natsgo/jsbench
(cd Tests/Bench/natsgo/jsbench &&
    GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="${GOCACHE:-$PWD/../../../../.build/natsgo/cache}" \
        go build -o ../../../../$JSBENCH .)

WORK=$(mktemp -d /tmp/ffrtmp-natsgo.XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    if [[ $PERF == 1 ]]; then echo "perf data kept in $WORK/perf.data" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT INT TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for_port() {
    for _ in $(seq 400); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.05
    done
    return 1
}

# start_server NAME COMMAND...: starts the command with "-a 127.0.0.1 -p PORT", sets PORT_<NAME>, PID_<NAME>.
start_server() {
    local name=$1 port
    shift
    port=$(free_port)
    "$@" -a 127.0.0.1 -p "$port" >"$WORK/$name.log" 2>&1 &
    PIDS+=($!)
    printf -v "PID_$name" '%s' "$!"
    if ! wait_for_port "$port"; then
        echo "$name ($*) did not start on port $port:" >&2
        cat "$WORK/$name.log" >&2
        exit 1
    fi
    printf -v "PORT_$name" '%s' "$port"
}

# shellcheck disable=SC2086  # the command is a word list on purpose
start_server nats $NATS_SERVER_COMMAND -js -sd "$WORK/nats-store"
start_server ffrtmp "$BROKER" broker -js -sd "$WORK/ffrtmp-store"
echo "nats-server ($($NATS_SERVER_COMMAND --version)) on port $PORT_nats; ffrtmp on port $PORT_ffrtmp" >&2
if [[ " $MODES " == *" sync "* ]]; then
    printf 'jetstream { store_dir: "%s", sync_interval: always }\n' "$WORK/nats-sync-store" >"$WORK/nats-sync.conf"
    # shellcheck disable=SC2086  # the command is a word list on purpose
    start_server natssync $NATS_SERVER_COMMAND -c "$WORK/nats-sync.conf"
    echo "nats-server with sync_interval: always on port $PORT_natssync" >&2
fi
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

: >"$WORK/results"
for round in $(seq "$ROUNDS"); do
    for mode in $MODES; do
        # Alternate which server goes first, so neither always runs on a warmer machine.
        if ((round % 2 == 1)); then order="nats ffrtmp"; else order="ffrtmp nats"; fi
        if [[ $mode == sync ]]; then
            if ((round % 2 == 1)); then order="$order natssync"; else order="natssync $order"; fi
        fi
        for side in $order; do
            case $side in
                nats) port=$PORT_nats ;;
                natssync) port=$PORT_natssync ;;
                *) port=$PORT_ffrtmp ;;
            esac
            perf_pid=""
            if [[ $PERF == 1 && $side == ffrtmp && $mode == fetch ]]; then
                perf record -g -o "$WORK/perf.data" -p "$PID_ffrtmp" 2>/dev/null &
                perf_pid=$!
            fi
            messages=$MSGS
            if [[ $mode == sync ]]; then messages=$SYNC_MSGS; fi
            if output=$("$JSBENCH" -url "nats://127.0.0.1:$port" -mode "$mode" -msgs "$messages" -size "$SIZE" \
                -batch "$BATCH" -maxwait "$MAXWAIT" 2>&1); then
                echo "$side $mode $(echo "$output" | awk '{ print $(NF - 1) }')" >>"$WORK/results"
            else
                echo "$side $mode failed" >>"$WORK/results"
            fi
            if [[ -n $perf_pid ]]; then kill -INT "$perf_pid"; wait "$perf_pid" || true; fi
            echo "  round $round $side: $output" >&2
        done
        if [[ $mode == sync ]]; then
            # The limit on this disk now: the same directory as the stores, between the two servers' runs.
            for probe in append overwrite; do
                flags=()
                if [[ $probe == overwrite ]]; then flags=(-overwrite); fi
                output=$("$JSBENCH" -mode fdatasync "${flags[@]}" -dir "$WORK" -msgs "$SYNC_MSGS" -size "$SIZE" 2>&1)
                echo "limit-$probe sync $(echo "$output" | awk '{ print $(NF - 1) }')" >>"$WORK/results"
                echo "  round $round fdatasync limit ($probe): $output" >&2
            done
        fi
    done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

median() {
    if grep -q "^$1 $2 failed" "$WORK/results"; then echo failed; return; fi
    grep "^$1 $2 " "$WORK/results" | awk '{ print $3 }' | sort -g |
        awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2];
              else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo
echo "nats.go 1.22.1 jsbench, $SIZE B payloads, $MSGS messages ($SYNC_MSGS one at a time), median of $ROUNDS rounds ($(nproc) CPUs," \
    "load average $LOAD_BEFORE before, $LOAD_AFTER after)."
echo
echo "| figure | nats-server | ffrtmp | ratio |"
echo "|---|---|---|---|"
for mode in $MODES; do
    nats=$(median nats "$mode")
    ffrtmp=$(median ffrtmp "$mode")
    ratio=$(awk -v n="$nats" -v f="$ffrtmp" 'BEGIN { if (n + 0 <= 0 || f + 0 <= 0) print "-"; else printf "%.2f×", f / n }')
    case $mode in
        publish) label="JetStream async publish + ack, msgs/s" ;;
        fetch) label="JetStream Fetch($BATCH) + Ack, msgs/s" ;;
        sync) label="js.Publish one at a time, msgs/s" ;;
        *) label=$mode ;;
    esac
    printf '| %s | %s | %s | %s |\n' "$label" "$nats" "$ffrtmp" "$ratio"
    if [[ $mode == sync ]]; then
        synced=$(median natssync sync)
        ratio=$(awk -v n="$synced" -v f="$ffrtmp" 'BEGIN { if (n + 0 <= 0 || f + 0 <= 0) print "-"; else printf "%.2f×", f / n }')
        printf '| %s | %s | %s | %s |\n' "js.Publish one at a time, nats-server with sync_interval: always, msgs/s" \
            "$synced" "$ffrtmp" "$ratio"
    fi
done
if [[ " $MODES " == *" sync "* ]]; then
    ffrtmp=$(median ffrtmp sync)
    echo
    echo "| fdatasync limit on the store's disk ($SYNC_MSGS records of $SIZE + 32 B) | records/s |" \
        "ffrtmp one at a time ÷ limit |"
    echo "|---|---|---|"
    for probe in append overwrite; do
        limit=$(median "limit-$probe" sync)
        ratio=$(awk -v l="$limit" -v f="$ffrtmp" 'BEGIN { if (l + 0 <= 0 || f + 0 <= 0) print "-"; else printf "%.2f×", f / l }')
        case $probe in
            append) label="write + fdatasync, appending (the file grows)" ;;
            overwrite) label="write + fdatasync, overwriting zeros written beforehand" ;;
        esac
        printf '| %s | %s | %s |\n' "$label" "$limit" "$ratio"
    done
    # One publish in flight pays the client's round trip and then one sync, one after the other: the
    # most any server that syncs before it acknowledges can reach is 1 / (round trip + sync), with the
    # round trip measured as nats-server's own js.Publish one at a time (it does not sync).
    nats=$(median nats sync)
    limit=$(median limit-overwrite sync)
    bound=$(awk -v n="$nats" -v l="$limit" 'BEGIN { if (n + 0 <= 0 || l + 0 <= 0) print "-"; else printf "%.0f", 1 / (1 / n + 1 / l) }')
    ratio=$(awk -v b="$bound" -v f="$ffrtmp" 'BEGIN { if (b + 0 <= 0 || f + 0 <= 0) print "-"; else printf "%.2f×", f / b }')
    printf '| %s | %s | %s |\n' "nats-server's round trip, then one overwriting sync: 1 / (1/$nats + 1/$limit)" "$bound" "$ratio"
fi
if [[ $PERF == 1 && -f $WORK/perf.data ]]; then
    echo
    perf report -i "$WORK/perf.data" --no-children --stdio 2>/dev/null | grep -v '^#' | grep '%' | head -25
fi
