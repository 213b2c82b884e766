#!/usr/bin/env bash
# README's first command: on a fresh Debian/Ubuntu machine with Swift 6 on PATH, installs what is
# missing, builds ffrtmp, starts the broker (with its durable streams) in a temporary state folder,
# declares the fleet's streams, sends a message through it, queues a sample transcoding job, shows
# it waiting, starts an agent that runs it with ffmpeg and prints the measured result, then stops
# the agent (draining) and the broker. Safe to run again.
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
AGENT_PID=""
cleanup() {
    if [ -n "$AGENT_PID" ]; then kill -9 "$AGENT_PID" 2>/dev/null || true; wait "$AGENT_PID" 2>/dev/null || true; fi
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

step "start an agent: it proves its capabilities with probe encodes, then pulls and runs the job"
"$FFRTMP" sub 'result.>' --count 1 --raw >"$STATE/result.json" &
RESULTS=$!
sleep 0.3
"$FFRTMP" agent --name quickstart-agent --work-dir "$STATE/work" --spool-dir "$STATE/spool" 2>"$STATE/agent.log" &
AGENT_PID=$!
if ! timeout 120 tail --pid="$RESULTS" -f /dev/null; then
    echo "no result within 120 s; the agent's log:" >&2
    cat "$STATE/agent.log" >&2
    exit 1
fi
grep -E 'agent starting|capability not proven|job (started|finished)' "$STATE/agent.log" | cut -c1-200
python3 - "$STATE/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
f, e, t = r.get("ffmpeg") or {}, r.get("energy") or {}, r["timings"]
print(f"result: job {r['job_id']} {r['status']} on {r['node_id']}: {f.get('frames')} frames, "
      f"{f.get('fps_avg', 0):.0f} fps, {t['wall_s']:.2f} s wall, {t['cpu_s']:.2f} s CPU")
if e:
    print(f"energy: {e['e_total_j']:.2f} J ({e['source']}), {e.get('j_per_frame', 0):.4f} J/frame")
print("argv:", " ".join(f.get("argv", [])))
PY

step "stop the agent (SIGTERM: drain) and the broker (SIGTERM: lame-duck shutdown)"
kill "$AGENT_PID"
wait "$AGENT_PID" || true
AGENT_PID=""
kill "$BROKER_PID"
wait "$BROKER_PID" || true
BROKER_PID=""
tail -n 2 "$STATE/broker.log"
printf '\nDone. Next: Tests/run-all.sh runs every test; docs/ explains the design and the benchmarks.\n'
