#!/usr/bin/env bash
# Runs `ffrtmp bench` against nats-server and against the ffrtmp broker, side by side on loopback,
# alternating between them, and prints a markdown table of the median of each figure.
#
# Usage: Tests/Bench/compare-with-nats-server.sh
#        TLS=1 Tests/Bench/compare-with-nats-server.sh      # the same over mutual TLS
# Environment (all optional):
#   ROUNDS=3  MSGS=2000000  JS_MSGS=200000  COUNT=20000  SIZE=128  SUBS=4  HANDSHAKES=3000
#   MODES="pub pubsub queue fanout reqrep js-pub js-pull"   (TLS=1: "pub pubsub reqrep handshake resume")
#   handshake: connections per second (TCP, INFO, TLS handshake, CONNECT/PING/PONG, close) from
#   Tests/Bench/connect_rate.py with 2 client processes, and the server's CPU time per connection.
#   resume: the same, each connection offering the TLS session of the one before (connect_rate.py
#   --resume), as reconnecting clients do; "resumed" says how many the server resumed.
# TLS=1: `ffrtmp certs` makes a CA, a broker certificate for 127.0.0.1 and a client certificate in
# the temporary folder; both servers get `--tls --tlscert --tlskey --tlscacert --tlsverify` (client
# certificates required), every client `--tlsca --tlscert --tlskey`.
# Both servers run with JetStream on a file store in a temporary folder; ffrtmp fsyncs before each
# publish ack (group commit), nats-server does not fsync per message.
#   BENCH=.build/release/ffrtmp          the load generator (built with `swift build -c release` if missing)
#   NATS_SERVER_COMMAND=nats-server      the reference server
#   FFRTMP_BROKER_COMMAND="$BENCH broker" the server under test; "-a 127.0.0.1 -p PORT" is appended.
#                                        Set it to nats-server to try the script before the broker works.
set -euo pipefail
cd "$(dirname "$0")/../.."

ROUNDS=${ROUNDS:-3}
MSGS=${MSGS:-2000000}
COUNT=${COUNT:-20000}
SIZE=${SIZE:-128}
SUBS=${SUBS:-4}
TLS=${TLS:-0}
if [[ $TLS == 1 ]]; then
    MODES=${MODES:-"pub pubsub reqrep handshake resume"}
else
    MODES=${MODES:-"pub pubsub queue fanout reqrep js-pub js-pull"}
fi
HANDSHAKES=${HANDSHAKES:-3000}
JS_MSGS=${JS_MSGS:-200000}
BENCH=${BENCH:-.build/release/ffrtmp}
NATS_SERVER_COMMAND=${NATS_SERVER_COMMAND:-nats-server}
FFRTMP_BROKER_COMMAND=${FFRTMP_BROKER_COMMAND:-"$BENCH broker"}

if [[ ! -x $BENCH ]]; then
    echo "building $BENCH (swift build -c release)" >&2
    swift build -c release >&2
fi

WORK=$(mktemp -d /tmp/ffrtmp-compare.XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for_port() {
    for _ in $(seq 200); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.05
    done
    return 1
}

SERVER_TLS=()
CLIENT_TLS=()
if [[ $TLS == 1 ]]; then
    certs() { "$BENCH" certs "$@" --dir "$WORK/certs" >/dev/null; }
    certs init
    certs issue --role broker --name broker --ip 127.0.0.1 --dns localhost
    certs issue --role admin --name bench
    SERVER_TLS=(--tls --tlscert "$WORK/certs/broker.pem" --tlskey "$WORK/certs/broker-key.pem"
        --tlscacert "$WORK/certs/ca.pem" --tlsverify)
    CLIENT_TLS=(--tlsca "$WORK/certs/ca.pem" --tlscert "$WORK/certs/bench.pem" --tlskey "$WORK/certs/bench-key.pem")
fi

# start_server NAME COMMAND: starts COMMAND -a 127.0.0.1 -p PORT (and the TLS flags), sets PORT_<NAME>
# and PID_<NAME>.
start_server() {
    local name=$1 command=$2 port
    port=$(free_port)
    # shellcheck disable=SC2086  # the command is a word list on purpose
    $command -a 127.0.0.1 -p "$port" "${SERVER_TLS[@]}" >"$WORK/$name.log" 2>&1 &
    PIDS+=($!)
    printf -v "PID_$name" '%s' "$!"
    if ! wait_for_port "$port"; then
        echo "$name ($command) did not start on port $port:" >&2
        cat "$WORK/$name.log" >&2
        exit 1
    fi
    printf -v "PORT_$name" '%s' "$port"
}

start_server nats "$NATS_SERVER_COMMAND -js -sd $WORK/nats-store"
start_server ffrtmp "$FFRTMP_BROKER_COMMAND --store_dir $WORK/ffrtmp-store"
echo "nats-server: $NATS_SERVER_COMMAND on port $PORT_nats; ffrtmp: $FFRTMP_BROKER_COMMAND on port $PORT_ffrtmp" >&2

# measure SIDE MODE PORT: one run's JSON line on stdout.
measure() {
    local side=$1 mode=$2 port=$3 messages=$MSGS pid
    if [[ $mode == handshake || $mode == resume ]]; then
        if [[ $side == nats ]]; then pid=$PID_nats; else pid=$PID_ffrtmp; fi
        python3 Tests/Bench/connect_rate.py -s "nats://127.0.0.1:$port" "${CLIENT_TLS[@]}" \
            --count "$HANDSHAKES" --server-pid "$pid" $([[ $mode == resume ]] && echo --resume)
        return
    fi
    if [[ $mode == js-* ]]; then messages=$JS_MSGS; fi
    "$BENCH" bench "$mode" -s "nats://127.0.0.1:$port" "${CLIENT_TLS[@]}" --msgs "$messages" --count "$COUNT" \
        --size "$SIZE" --subs "$SUBS" --subject "bench.$mode" --json
}

# run_bench SIDE MODE: appends "SIDE MODE KEY VALUE" lines for the figures of one run to $WORK/results.
run_bench() {
    local side=$1 mode=$2 port output
    if [[ $side == nats ]]; then port=$PORT_nats; else port=$PORT_ffrtmp; fi
    if output=$(measure "$side" "$mode" "$port" 2>"$WORK/bench.err"); then
        echo "$output" | tr ',{}' '\n\n\n' | tr -d '" ' | awk -F: -v side="$side" -v mode="$mode" \
            '$1 ~ /^(msgs_per_sec|deliveries_per_sec|rps|p50_us|p99_us|handshakes_per_sec|server_cpu_us|resumed)$/ {
                print side, mode, $1, $2 }' >>"$WORK/results"
        echo "  $side $mode: $output" >&2
    else
        echo "  $side $mode: FAILED: $(cat "$WORK/bench.err")" >&2
        echo "$side $mode failed 1" >>"$WORK/results"
    fi
}

: >"$WORK/results"
for round in $(seq "$ROUNDS"); do
    echo "round $round of $ROUNDS" >&2
    for mode in $MODES; do
        # Alternate which server goes first, so neither always runs on a warmer machine.
        if (( round % 2 == 1 )); then order="nats ffrtmp"; else order="ffrtmp nats"; fi
        for side in $order; do run_bench "$side" "$mode"; done
    done
done

# median SIDE MODE KEY: the median of that figure over the rounds, or "failed".
median() {
    if grep -q "^$1 $2 failed" "$WORK/results"; then echo failed; return; fi
    grep "^$1 $2 $3 " "$WORK/results" | awk '{ print $4 }' | sort -g |
        awk '{ values[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print values[(NR + 1) / 2];
              else print (values[NR / 2] + values[NR / 2 + 1]) / 2 }'
}

# row LABEL MODE KEY BETTER: BETTER is "higher" (ratio ffrtmp/nats) or "lower" (ratio nats/ffrtmp).
row() {
    local nats ffrtmp ratio
    nats=$(median nats "$2" "$3")
    ffrtmp=$(median ffrtmp "$2" "$3")
    ratio=$(awk -v n="$nats" -v f="$ffrtmp" -v better="$4" 'BEGIN {
        if (n + 0 <= 0 || f + 0 <= 0) { print "-"; exit }
        printf "%.2f×", (better == "higher") ? f / n : n / f }')
    printf '| %s | %s | %s | %s |\n' "$1" "$(pretty "$nats")" "$(pretty "$ffrtmp")" "$ratio"
}

pretty() {
    awk -v v="$1" 'BEGIN { if (v !~ /^[0-9.]+$/) { print v; exit }
        if (v >= 1e6) printf "%.2f M", v / 1e6; else if (v >= 1e4) printf "%.1f k", v / 1e3; else printf "%.1f", v }'
}

echo
over="loopback"
if [[ $TLS == 1 ]]; then
    openssl=$(openssl version 2>/dev/null | cut -d' ' -f1-2)
    over="loopback, mutual TLS; ffrtmp on ${openssl:-OpenSSL}, nats-server on Go crypto/tls"
fi
echo "ffrtmp bench, $SIZE B payloads, median of $ROUNDS rounds ($(nproc) CPUs, $over)."
echo "Ratio > 1 means ffrtmp is better: ffrtmp ÷ nats-server for rates, nats-server ÷ ffrtmp for latencies."
echo
echo "| figure | nats-server | ffrtmp | ratio |"
echo "|---|---|---|---|"
for mode in $MODES; do
    case $mode in
        pub) row "publish only, msgs/s" pub msgs_per_sec higher ;;
        pubsub) row "pub → sub, msgs/s" pubsub msgs_per_sec higher ;;
        queue) row "queue group of $SUBS, msgs/s" queue msgs_per_sec higher ;;
        fanout) row "fan-out to $SUBS, deliveries/s" fanout deliveries_per_sec higher ;;
        reqrep)
            row "request/reply, requests/s" reqrep rps higher
            row "request/reply p50, µs (lower is better)" reqrep p50_us lower
            row "request/reply p99, µs (lower is better)" reqrep p99_us lower
            ;;
        js-pub) row "JetStream publish with ack (256 in flight), msgs/s" js-pub msgs_per_sec higher ;;
        js-pull) row "JetStream fetch 256 + ack each, msgs/s" js-pull msgs_per_sec higher ;;
        handshake)
            steps="connect, CONNECT/PONG, close"
            if [[ $TLS == 1 ]]; then steps="connect, TLS handshake, CONNECT/PONG, close"; fi
            row "connections/s ($steps; 2 clients)" handshake handshakes_per_sec higher
            row "connection p50, µs (lower is better)" handshake p50_us lower
            row "server CPU per connection, µs (lower is better)" handshake server_cpu_us lower
            ;;
        resume)
            row "resumed TLS connections/s (as handshake, offering the last session; 2 clients)" resume \
                handshakes_per_sec higher
            row "resumed connection p50, µs (lower is better)" resume p50_us lower
            row "server CPU per resumed connection, µs (lower is better)" resume server_cpu_us lower
            row "connections resumed (of $HANDSHAKES)" resume resumed higher
            ;;
    esac
done
