#!/usr/bin/env bash
# README's first command: on a fresh Debian/Ubuntu machine with Swift 6 on PATH, installs what is
# missing, builds ffrtmp, starts the broker (with its durable streams) in a temporary state folder,
# declares the fleet's streams, sends a message through it, queues a sample transcoding job and
# shows it waiting in the job queue, then stops the broker. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "system packages (ffmpeg, OpenSSL and SQLite headers)"
deployment/install-packages.sh

step "build (swift build -c release)"
swift build -c release --product ffrtmp
FFRTMP="$(swift build -c release --show-bin-path)/ffrtmp"

STATE="$(mktemp -d "${TMPDIR:-/tmp}/ffrtmp-quickstart.XXXXXX")"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export NATS_URL="nats://127.0.0.1:$PORT"
BROKER_PID=""
cleanup() {
    if [ -n "$BROKER_PID" ]; then kill "$BROKER_PID" 2>/dev/null || true; wait "$BROKER_PID" 2>/dev/null || true; fi
    rm -rf "$STATE"
}
trap cleanup EXIT INT TERM

step "start the broker on $NATS_URL (streams stored in $STATE)"
"$FFRTMP" broker -a 127.0.0.1 -p "$PORT" --store_dir "$STATE/jetstream" 2>"$STATE/broker.log" &
BROKER_PID=$!
for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then break; fi
    sleep 0.05
done
head -n 3 "$STATE/broker.log"

step "declare the fleet's streams and job queues (ffrtmp setup)"
"$FFRTMP" setup

step "publish/subscribe through the broker"
"$FFRTMP" sub demo.hello --count 1 &
SUBSCRIBER=$!
sleep 0.3
"$FFRTMP" pub demo.hello "hello from ffrtmp"
wait "$SUBSCRIBER"

step "queue a sample transcoding job on job.cpu (the publish waits for the durable ack)"
JOB='{"v":1,"id":"quickstart-1","scenario":"720p30-h264","duration_s":2}'
"$FFRTMP" pub job.cpu "$JOB" --msg-id quickstart-1
"$FFRTMP" pub job.cpu "$JOB" --msg-id quickstart-1   # a re-submit is de-duplicated

step "the job waits in the cpu queue for an agent"
"$FFRTMP" req '$JS.API.CONSUMER.INFO.JOBS.cpu' '' --raw | python3 -c '
import json, sys
info = json.load(sys.stdin)
print("JOBS/cpu: %d job(s) waiting, %d running" % (info["num_pending"], info["num_ack_pending"]))'

step "stop the broker (SIGTERM: lame-duck shutdown)"
kill "$BROKER_PID"
wait "$BROKER_PID" || true
BROKER_PID=""
tail -n 2 "$STATE/broker.log"
printf '\nDone. Next: Tests/run-all.sh runs every test; docs/ explains the design and the benchmarks.\n'
