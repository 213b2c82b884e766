#!/usr/bin/env bash
# README's first command. On a fresh Debian/Ubuntu machine with Swift 6 on PATH: installs what is
# missing, builds ffrtmp, starts the embedded default (`ffrtmp up`: broker with its durable streams,
# master with the dashboard, one agent), submits a sample transcoding job, waits for its measured
# result, and prints where to see it. The farm keeps running until Ctrl-C.
#
#   deployment/quickstart.sh            run, then keep serving the dashboard until Ctrl-C
#   deployment/quickstart.sh --exit     stop once the sample result is in (for scripts)
# Environment: FFRTMP_STATE (default ./ffrtmp-state), FFRTMP_PORT (4222), FFRTMP_HTTP (127.0.0.1:8080)
set -euo pipefail
cd "$(dirname "$0")/.."

EXIT_AFTER_RESULT=0
[ "${1:-}" = "--exit" ] && EXIT_AFTER_RESULT=1
STATE="${FFRTMP_STATE:-$PWD/ffrtmp-state}"
PORT="${FFRTMP_PORT:-4222}"
HTTP="${FFRTMP_HTTP:-127.0.0.1:8080}"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "system packages (ffmpeg, OpenSSL and SQLite headers)"
deployment/install-packages.sh

step "build (swift build -c release)"
swift build -c release --product ffrtmp
FFRTMP="$(swift build -c release --show-bin-path)/ffrtmp"

for port in "$PORT" "${HTTP##*:}"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "port $port is already in use (another ffrtmp up or nats-server?); set FFRTMP_PORT / FFRTMP_HTTP" >&2
        exit 1
    fi
done

step "start the farm: ffrtmp up --state-dir $STATE"
mkdir -p "$STATE"
"$FFRTMP" up --state-dir "$STATE" -p "$PORT" --http "$HTTP" 2>"$STATE/up.log" &
UP_PID=$!
stop() { kill "$UP_PID" 2>/dev/null || true; wait "$UP_PID" 2>/dev/null || true; }
trap stop EXIT
trap 'exit 130' INT TERM
for _ in $(seq 200); do
    if (exec 3<>"/dev/tcp/${HTTP%:*}/${HTTP##*:}") 2>/dev/null; then break; fi
    kill -0 "$UP_PID" 2>/dev/null || { echo "ffrtmp up stopped; its log:" >&2; cat "$STATE/up.log" >&2; exit 1; }
    sleep 0.1
done
export NATS_URL="nats://127.0.0.1:$PORT"

step "submit a sample job: 5 s of generated 720p video, encoded with libx264"
JOB_ID="quickstart-$(date +%s)"
echo "(the agent first proves its capabilities with probe encodes, then pulls the job)"
"$FFRTMP" submit --scenario 720p30-h264 --duration 5s --id "$JOB_ID" --wait --timeout-wait 2m

step "the master stored it: $JOB_ID as the dashboard's API shows it"
RESULT=""
for _ in $(seq 240); do
    RESULT="$(curl -fsS "http://$HTTP/api/jobs/$JOB_ID" 2>/dev/null || true)"
    # The result and the job's final event reach the master apart (results and events are two
    # streams): show the job once both are stored.
    if RESULT="$RESULT" python3 -c '
import json, os, sys
job = json.loads(os.environ["RESULT"] or "{}")
events = job.get("events") or []
sys.exit(0 if job.get("results") and events and events[-1]["state"] in ("succeeded", "failed", "timeout", "cancelled", "rejected") else 1)
' 2>/dev/null; then break; fi
    kill -0 "$UP_PID" 2>/dev/null || { echo "ffrtmp up stopped; its log:" >&2; tail -n 30 "$STATE/up.log" >&2; exit 1; }
    sleep 0.5
done
RESULT="$RESULT" python3 - <<'PY'
import json, os, sys
try:
    job = json.loads(os.environ["RESULT"])
    r = job["results"][-1]
except (ValueError, KeyError, IndexError):
    sys.exit("no result within 2 minutes; see the log in the state folder (up.log)")
f, e, t = r.get("ffmpeg") or {}, r.get("energy") or {}, r["timings"]
print(f"job {r['job_id']}: {r['status']} on node {r['node_id']}")
print(f"  {f.get('frames')} frames at {f.get('fps_avg', 0):.0f} fps, {t['wall_s']:.2f} s wall, {t['cpu_s']:.2f} s CPU")
if e:
    print(f"  energy {e['e_total_j']:.2f} J ({e['source']}), {e.get('j_per_frame', 0):.4f} J/frame")
print("  events: " + ", ".join(ev["state"] for ev in job["events"]))
PY

cat <<EOF

The farm is up:
  dashboard   http://$HTTP/
  this job    http://$HTTP/api/jobs/$JOB_ID
  metrics     http://$HTTP/metrics
  broker      $NATS_URL   (any NATS client works; e.g. ffrtmp sub 'evt.job.>')
  state       $STATE      (logs in up.log)
More jobs:    $FFRTMP submit --encoders libx264,libx265 --resolutions 720p,1080p --duration 5s --wait
              $FFRTMP results --master http://$HTTP --summary
EOF
if [ "$EXIT_AFTER_RESULT" = 1 ]; then exit 0; fi
echo "Ctrl-C stops the farm."
wait "$UP_PID"
