"""One agent, real ffmpeg: a job's whole path through the fleet (JOBS → agent → ffmpeg → RESULTS,
events, heartbeats, telemetry), checked against protocol/schemas; a job no agent can run stays
queued; a timeout kills ffmpeg; hostile jobs are rejected, named and never retried."""

from __future__ import annotations

import asyncio
import json

import pytest

from e2e_fleet import Watch, assert_valid, eventually, short_job
from interop_aio import run_async


@run_async(timeout=50)
async def test_a_cpu_job_yields_a_valid_result_events_heartbeats_and_telemetry(fleet):
    await asyncio.to_thread(fleet.agent, "node-a")
    watch = await Watch.open(fleet)
    try:
        job = short_job("job-1", labels={"suite": "e2e"})
        await watch.submit(job)
        result = await watch.result("job-1", timeout=30)
        assert_valid("result", result)
        assert result["status"] == "succeeded", result
        assert (result["node_id"], result["attempt"]) == ("node-a", 1)
        assert (result["scenario"], result["encoder"], result["resolution"], result["fps"]) == \
            ("720p30-h264", "libx264", "320x240", 30)
        assert result["labels"] == {"suite": "e2e"}

        stats = result["ffmpeg"]
        assert 58 <= stats["frames"] <= 62, stats  # 2 s at 30 fps
        assert stats["fps_avg"] > 0 and stats["output_bytes"] > 0, stats
        argv = stats["argv"]
        assert argv[0].endswith("ffmpeg")
        assert "testsrc2=size=320x240:rate=30" in argv and argv[argv.index("-c:v") + 1] == "libx264", argv
        assert argv[argv.index("-t") + 1] == "2", argv

        energy = result["energy"]
        assert energy["source"] == "estimated", energy  # no RAPL, no GPU here
        assert energy["e_total_j"] > 0 and energy["avg_w"] > 0, energy
        assert energy["components"] and all(c["source"] == "estimated" for c in energy["components"]), energy
        assert result["efficiency"].get("joules_per_frame", 0) > 0, result["efficiency"]
        assert result["cost"]["usd_per_kwh"] == 0.12 and result["cost"]["g_per_kwh"] == 400
        timings = result["timings"]
        assert timings["started_at"] <= timings["finished_at"] and timings["wall_s"] > 0, timings

        started = await watch.event("job-1", "started", timeout=5)
        succeeded = await watch.event("job-1", "succeeded", timeout=5)
        for event in watch.events("job-1"):
            assert_valid("event", event)
            assert (event["node_id"], event["attempt"]) == ("node-a", 1), event
        assert started["at"] <= succeeded["at"]

        # The RESULTS stream holds it once, under its de-duplication id; JOBS let it go.
        stored = await watch.stream_messages("RESULTS")
        mine = [(subject, headers, body) for _, subject, headers, body in stored if body.get("job_id") == "job-1"]
        assert len(mine) == 1, mine
        subject, headers, body = mine[0]
        assert subject == "result.node-a" and headers.get("Nats-Msg-Id") == "result-job-1", (subject, headers)
        assert body == result
        assert await watch.jobs_waiting() == 0

        heartbeat = (await watch.wait_for(lambda: watch.heartbeats("node-a"), 5, "a heartbeat"))[-1]
        assert_valid("heartbeat", heartbeat)
        capabilities = {c["name"]: c for c in heartbeat["capabilities"]}
        assert capabilities["cpu"]["proven"] is True, capabilities
        assert "estimated" in heartbeat["power_sources"] and heartbeat["slots_total"] == 1, heartbeat

        sample = (await watch.wait_for(lambda: watch.telemetry("node-a"), 12, "a telemetry sample"))[-1]
        assert_valid("telemetry", sample)
        assert sample["mem_total_mb"] > 0 and any(p["source"] == "estimated" for p in sample["power"]), sample
        assert not watch.undecodable, watch.undecodable
    finally:
        await watch.close()


@run_async(timeout=50)
async def test_a_job_for_an_unproven_capability_stays_queued(fleet):
    agent = await asyncio.to_thread(fleet.agent, "node-a")  # probes encoders: without a GPU nvenc fails
    watch = await Watch.open(fleet)
    try:
        first = (await watch.wait_for(lambda: watch.heartbeats("node-a"), 5, "a heartbeat"))[0]
        if any(c["name"] == "nvenc" and c["proven"] for c in first["capabilities"]):
            pytest.skip("this machine's agent proves nvenc (a working NVIDIA GPU): nothing stays queued")
        nvenc = short_job("nv-1", scenario="720p30-h264-nvenc", encoder="h264_nvenc")
        await watch.submit(nvenc, subject="job.nvenc")
        # A cpu job submitted after it still runs: the agent is alive and pulling.
        await watch.submit(short_job("cpu-after-nv"))
        cpu_result = await watch.result("cpu-after-nv", timeout=30)
        assert cpu_result["status"] == "succeeded", cpu_result
        await asyncio.sleep(4)
        assert not watch.results("nv-1") and not watch.events("nv-1"), (watch.results("nv-1"), watch.events("nv-1"))
        queued = [(subject, body) for _, subject, _, body in await watch.stream_messages("JOBS")]
        assert queued == [("job.nvenc", nvenc)], queued
        consumer = await watch.js.consumer_info("JOBS", "nvenc")
        assert consumer.num_pending == 1 and consumer.num_ack_pending == 0, consumer

        heartbeat = watch.heartbeats("node-a")[-1]
        assert_valid("heartbeat", heartbeat)
        capabilities = {c["name"]: c for c in heartbeat["capabilities"]}
        assert capabilities["cpu"]["proven"] is True
        assert capabilities["nvenc"]["proven"] is False and capabilities["nvenc"].get("error"), capabilities
        assert "h264_nvenc" in capabilities["nvenc"]["probe"], capabilities["nvenc"]
        assert 'capability="nvenc"' in agent.log_text() or "capability=nvenc" in agent.log_text()
    finally:
        await watch.close()


@run_async(timeout=50)
async def test_a_job_past_its_timeout_is_reported_timeout_and_its_ffmpeg_is_gone(fleet):
    agent = await asyncio.to_thread(fleet.agent, "node-a")
    watch = await Watch.open(fleet)
    try:
        # An hour of video: only the 2 s limit ends it.
        await watch.submit(short_job("slow-1", duration_s=3600, limits={"timeout_s": 2}))
        await watch.event("slow-1", "started", timeout=20)
        running = await watch.wait_for(agent.ffmpeg_processes, 5, "the job's ffmpeg in the agent's work folder")
        assert any("-c:v" in p.argv for p in running), running
        result = await watch.result("slow-1", timeout=20)
        assert_valid("result", result)
        assert result["status"] == "timeout", result
        assert "time" in (result.get("error") or "").lower(), result
        assert 1.5 <= result["timings"]["wall_s"] <= 15, result["timings"]
        await watch.event("slow-1", "timeout", timeout=5)
        # The result is published after ffmpeg was reaped: nothing of it may be left.
        left = agent.ffmpeg_processes()
        assert not left, f"ffmpeg still running after the timeout: {left}"
        for pid in {p.pid for p in running}:
            assert not _alive(pid), f"ffmpeg {pid} still exists"
        # Terminated, not retried: JOBS lets it go and no second attempt runs.
        await eventually(watch.jobs_waiting, 0, 5)
        await asyncio.sleep(2)
        assert len(watch.results("slow-1")) == 1 and len(watch.events("slow-1", "started")) == 1
        assert not agent.ffmpeg_processes()
    finally:
        await watch.close()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False



HOSTILE = [
    # (job id, job, field the rejection must name, text the reason must contain)
    ("bad-dotdot", {"v": 1, "id": "bad-dotdot", "encoder": "libx264", "duration_s": 2,
                    "input": {"type": "file", "path": "/srv/media/../../etc/passwd"}}, "input.path", ".."),
    ("bad-encoder", {"v": 1, "id": "bad-encoder", "encoder": "libfoo264", "duration_s": 2}, "encoder", ""),
    ("bad-movie", short_job("bad-movie", input={"type": "generated", "pattern": "movie=/etc/passwd"}),
     "input.pattern", ""),
    ("bad-name", short_job("bad-name", output={"type": "file", "name": "../escape.mp4"}), "output.name", ""),
    ("bad-scheme", short_job("bad-scheme", output={"type": "url", "url": "file:///etc/passwd"}), "output.url", ""),
    ("bad-long", {"v": 1, "id": "bad-long", "scenario": "720p30-h264" + "x" * 5000}, "scenario", ""),
    ("bad-unknown", short_job("bad-unknown", attempt=2), "attempt", ""),
    # An NVENC job pushed onto the cpu queue: this agent cannot run it and must not requeue it forever.
    ("bad-queue", short_job("bad-queue", encoder="h264_nvenc"), "encoder", "cpu"),
]


@run_async(timeout=55)
async def test_hostile_jobs_are_rejected_naming_the_field_and_never_retried(fleet):
    agent = await asyncio.to_thread(fleet.agent, "node-a", "--input-root", "/srv/media")
    watch = await Watch.open(fleet)
    try:
        for job_id, job, _, _ in HOSTILE:
            await watch.submit(json.dumps(job).encode(), subject="job.cpu", msg_id=job_id)
        # 1 MB of label: over the 64 KiB job limit, so the message is refused whole, unread.
        huge = json.dumps(short_job("bad-huge", labels={"note": "x" * 1_000_000})).encode()
        huge_seq = await watch.submit(huge, subject="job.cpu", msg_id="bad-huge")
        await watch.submit(short_job("good-after"))

        good = await watch.result("good-after", timeout=40)
        assert good["status"] == "succeeded", good
        for job_id, _, field, fragment in HOSTILE:
            result = await watch.result(job_id, timeout=10)
            assert_valid("result", result)
            assert result["status"] == "rejected", result
            assert result.get("reject_field") == field, (job_id, result)
            assert fragment in result["error"], (job_id, result["error"])
            assert len(result["error"]) < 400, f"{job_id}: the reason echoes too much: {result['error'][:500]}"
            assert "ffmpeg" not in result and "energy" not in result, result
            rejected = await watch.event(job_id, "rejected", timeout=5)
            assert_valid("event", rejected)
            assert not watch.events(job_id, "started"), job_id

        # No id can be trusted in a message that was not read: the stream sequence names it.
        huge_result = await watch.result(f"unknown-{huge_seq}", timeout=10)
        assert_valid("result", huge_result)
        assert huge_result["status"] == "rejected" and "reject_field" not in huge_result, huge_result
        assert "65536" in huge_result["error"] and len(huge_result["error"]) < 400, huge_result["error"]

        # Terminated: JOBS holds none of them, and none comes back for another attempt.
        await eventually(watch.jobs_waiting, 0, 5)
        await asyncio.sleep(2)
        for job_id, *_ in HOSTILE:
            assert len(watch.results(job_id)) == 1, watch.results(job_id)
        assert not agent.ffmpeg_processes()
    finally:
        await watch.close()
