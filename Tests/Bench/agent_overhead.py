#!/usr/bin/env python3
"""Agent overhead benchmark: the same ffmpeg job run bare and through a real agent, alternating.

Starts `ffrtmp broker` (JetStream), `ffrtmp setup` and one `ffrtmp agent`, then for each round:
  1. submits a job on job.cpu and times submit -> result received (end to end), keeping the
     agent's own wall_s (ffmpeg start to exit) from the result;
  2. runs the argv the agent reported, bare, and times it.
Prints the medians side by side as ratios against bare ffmpeg (the reference; target <= 1.02),
then the agent's idle RSS (target <= 15 MB) and idle CPU over a quiet period (target < 0.5 %).
Not a CI gate: numbers depend on the machine.

Usage: Tests/Bench/agent_overhead.py [--rounds 5] [--duration 10] [--resolution 1280x720]
                                     [--idle-seconds 30] [--bin .build/release/ffrtmp]
                                     [--agent whole|slim]
--agent slim (the default) runs the `ffrtmp-agent` binary beside --bin, what nodes install;
--agent whole runs `ffrtmp agent` from the all-in-one binary.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nats

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


def proc_status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def bare_seconds(argv: list[str]) -> float:
    start = time.monotonic()
    subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.monotonic() - start


async def run_job(nc, job: dict) -> tuple[float, dict]:
    """Submits `job` and returns (seconds from submit to result, the result)."""
    done: asyncio.Future = asyncio.get_running_loop().create_future()

    async def on_result(message):
        result = json.loads(message.data)
        if result.get("job_id") == job["id"] and not done.done():
            done.set_result(result)

    subscription = await nc.subscribe("result.>", cb=on_result)
    start = time.monotonic()
    await nc.request(f"job.cpu", json.dumps(job).encode(), timeout=5, headers={"Nats-Msg-Id": job["id"]})
    result = await asyncio.wait_for(done, timeout=600)
    elapsed = time.monotonic() - start
    await subscription.unsubscribe()
    if result["status"] != "succeeded":
        raise RuntimeError(f"job {job['id']} ended {result['status']}: {result.get('error')}")
    return elapsed, result


def median(values: list[float]) -> float:
    return statistics.median(values)


async def benchmark(args, agent: subprocess.Popen, url: str) -> None:
    nc = await nats.connect(url)
    end_to_end, agent_wall, bare = [], [], []
    for round_number in range(1, args.rounds + 1):
        job = {"v": 1, "id": f"overhead-{os.getpid()}-{round_number}", "scenario": "720p30-h264",
               "resolution": args.resolution, "duration_s": args.duration}
        elapsed, result = await run_job(nc, job)
        argv = [arg for arg in result["ffmpeg"]["argv"]]
        reference = bare_seconds(argv)
        end_to_end.append(elapsed)
        agent_wall.append(result["timings"]["wall_s"])
        bare.append(reference)
        print(f"round {round_number}: submit->result {elapsed:.3f} s, agent wall {result['timings']['wall_s']:.3f} s, "
              f"bare ffmpeg {reference:.3f} s", flush=True)
    print("argv:", " ".join(argv))
    await nc.close()

    reference = median(bare)
    print()
    print(f"| figure (median of {args.rounds}) | agent | bare ffmpeg (reference) | ratio | target |")
    print("|---|---:|---:|---:|---|")
    print(f"| submit -> result, s | {median(end_to_end):.3f} | {reference:.3f} | "
          f"{median(end_to_end) / reference:.3f}x | <= 1.02x |")
    print(f"| ffmpeg wall inside the agent, s | {median(agent_wall):.3f} | {reference:.3f} | "
          f"{median(agent_wall) / reference:.3f}x | <= 1.02x |")

    time.sleep(3)  # let the last job's telemetry settle
    ticks_per_second = os.sysconf("SC_CLK_TCK")
    first_ticks, first_time = cpu_ticks(agent.pid), time.monotonic()
    time.sleep(args.idle_seconds)
    used = (cpu_ticks(agent.pid) - first_ticks) / ticks_per_second
    span = time.monotonic() - first_time
    rss_mb = proc_status_kb(agent.pid, "VmRSS") / 1024
    print(f"| agent idle RSS, MB | {rss_mb:.1f} | | | <= 15 MB |")
    print(f"| agent idle CPU over {span:.0f} s, % | {100 * used / span:.3f} | | | < 0.5 % |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=float, default=10, help="seconds of generated video per job")
    parser.add_argument("--resolution", default="1280x720")
    parser.add_argument("--idle-seconds", type=float, default=30)
    parser.add_argument("--bin", default=str(REPO / ".build" / "release" / "ffrtmp"))
    parser.add_argument("--agent", choices=["slim", "whole"], default="slim")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="ffrtmp-overhead-"))
    port = free_port()
    url = f"nats://127.0.0.1:{port}"
    processes: list[subprocess.Popen] = []
    try:
        broker = subprocess.Popen([args.bin, "broker", "-a", "127.0.0.1", "-p", str(port), "-sd", str(work / "store")],
                                  stderr=open(work / "broker.log", "w"))
        processes.append(broker)
        wait_for_port(port)
        subprocess.run([args.bin, "setup", "-s", url], check=True, stdout=subprocess.DEVNULL)
        command = [str(Path(args.bin).with_name("ffrtmp-agent"))] if args.agent == "slim" else [args.bin, "agent"]
        print("agent:", " ".join(command), flush=True)
        agent = subprocess.Popen(
            command + ["-s", url, "-n", "overhead", "--work-dir", str(work / "work"),
             "--spool-dir", str(work / "spool"), "--capabilities", "cpu", "--nvidia-smi", "none"],
            stderr=open(work / "agent.log", "w"))
        processes.append(agent)
        time.sleep(1)
        asyncio.run(benchmark(args, agent, url))
    finally:
        for process in reversed(processes):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        print(f"logs: {work}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
