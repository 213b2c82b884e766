"""Agents as a fleet, with real ffmpeg: two agents share one queue; an agent SIGKILLed mid-job
loses nothing (the job goes to another agent after its ack wait); a broker restart mid-job costs
no result and stores none twice; SIGTERM drains (the running job finishes, nothing new starts,
exit 0), and a second SIGTERM hands the running job back."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from collections import Counter

import pytest

from e2e_fleet import Watch, assert_valid, eventually, seconds_job, set_job_ack_wait, settle, short_job
from interop_aio import run_async


@run_async(timeout=55)
async def test_two_agents_share_the_queue_and_run_each_job_once(fleet):
    await asyncio.gather(asyncio.to_thread(fleet.agent, "node-a"), asyncio.to_thread(fleet.agent, "node-b"))
    watch = await Watch.open(fleet)
    try:
        ids = [f"shared-{n}" for n in range(6)]
        for job_id in ids:  # 4 s of 1280x720 each: a couple of seconds of work, one job per agent at a time
            await watch.submit(seconds_job(job_id, duration_s=4))
        await watch.wait_for(lambda: all(watch.results(i) for i in ids), 45, "a result for every job")
        await eventually(watch.jobs_waiting, 0, 5)
        stored = await watch.stored_results()
        per_job = Counter(r["job_id"] for r in stored)
        assert per_job == Counter(ids), f"each job must be stored exactly once: {per_job}"
        for result in stored:
            assert_valid("result", result)
            assert result["status"] == "succeeded" and result["attempt"] == 1, result
        for job_id in ids:
            assert len(watch.events(job_id, "started")) == 1, watch.events(job_id)
        by_node = Counter(r["node_id"] for r in stored)
        assert set(by_node) == {"node-a", "node-b"}, f"both agents should have run jobs: {by_node}"
    finally:
        await watch.close()


@run_async(timeout=58)
async def test_a_job_of_an_agent_killed_mid_job_is_completed_by_another(fleet):
    watch = await Watch.open(fleet)
    try:
        # `ffrtmp setup` declares a 30 s ack wait and has no option to change it; the job's
        # +WPI comes every 5 s, so 10 s is safe and keeps the test short.
        await set_job_ack_wait(watch.nc, "cpu", 10)
        first = await asyncio.to_thread(fleet.agent, "node-a")
        await watch.submit(seconds_job("orphan-1", duration_s=8))
        started = await watch.event("orphan-1", "started", timeout=20)
        assert started["node_id"] == "node-a"
        await watch.wait_for(first.ffmpeg_processes, 5, "node-a's ffmpeg")
        await asyncio.sleep(1)
        killed_at = time.time_ns()
        first.kill()  # SIGKILL: no NAK, no result; only the ack wait frees the job.
        # Its ffmpeg runs on, orphaned, to the end of its encode (see the next test); teardown kills it.

        second = await asyncio.to_thread(fleet.agent, "node-b")
        result = await watch.result("orphan-1", timeout=40)
        assert_valid("result", result)
        assert (result["status"], result["node_id"], result["attempt"]) == ("succeeded", "node-b", 2), result
        assert 235 <= result["ffmpeg"]["frames"] <= 245, result["ffmpeg"]  # the whole 8 s at 30 fps
        starts = [(e["node_id"], e["attempt"]) for e in watch.events("orphan-1", "started")]
        assert starts == [("node-a", 1), ("node-b", 2)], starts
        # Not before node-a's last +WPI (at its start) plus the 10 s ack wait.
        waited = (watch.events("orphan-1", "started")[1]["at"] - killed_at) / 1e9
        assert waited >= 5, f"redelivered {waited:.1f} s after the kill: before the ack wait ran out"
        await eventually(watch.jobs_waiting, 0, 5)
        stored = await watch.stored_results("orphan-1")
        assert len(stored) == 1, stored
        assert not second.ffmpeg_processes()
    finally:
        await watch.close()


@run_async(timeout=40)
async def test_a_restarted_agent_kills_the_ffmpeg_its_sigkilled_predecessor_left(fleet):
    # ffmpeg runs in its own process group and does not die with a SIGKILLed agent (under systemd
    # the unit's cgroup is killed with it). The next agent on the same work directory sweeps it.
    agent = await asyncio.to_thread(fleet.agent, "node-a")
    watch = await Watch.open(fleet)
    try:
        await watch.submit(seconds_job("orphan-2", duration_s=120))  # about a minute of encoding here
        await watch.event("orphan-2", "started", timeout=20)
        running = await watch.wait_for(agent.ffmpeg_processes, 5, "node-a's ffmpeg")
        agent.kill()
        await asyncio.sleep(1)
        assert agent.ffmpeg_processes(), "expected the orphan to outlive the SIGKILLed agent"
        await asyncio.to_thread(agent.start)
        left = await settle(agent.ffmpeg_processes, True, 5)
        assert not left or all(p.pid not in {r.pid for r in running} for p in left), (
            f"the orphaned ffmpeg still runs after the agent restarted: {[(p.pid, p.cwd) for p in left]}")
        await asyncio.to_thread(agent.wait_for_log, "cleaned up after a previous agent", 5)
    finally:
        await watch.close()


@run_async(timeout=30)
async def test_a_second_agent_on_the_same_work_directory_is_refused(fleet):
    first = await asyncio.to_thread(fleet.agent, "node-a")
    second = fleet.agent("node-b", start=False)
    second.work_dir = first.work_dir
    await asyncio.to_thread(second.start, None)
    status = await asyncio.to_thread(second.wait, 15)
    assert status == 1, f"exit status {status}; log:\n{second.log_tail()}"
    assert "another agent is using the work directory" in second.log_tail()
    assert first.alive


@run_async(timeout=58)
async def test_a_broker_restart_mid_job_loses_no_result_and_stores_none_twice(fleet):
    agent = await asyncio.to_thread(fleet.agent, "node-a")
    watch = await Watch.open(fleet)
    try:
        await watch.submit(seconds_job("outage-1", duration_s=8))
        await watch.event("outage-1", "started", timeout=20)
        await asyncio.sleep(0.5)
        fleet.broker.stop()  # SIGTERM; the store stays

        # The job finishes while the broker is away: its result waits in the spool.
        spooled = await settle(agent.spooled, False, 30)
        assert spooled, f"no spooled result while the broker was down; log:\n{agent.log_tail()}"
        assert agent.alive
        await asyncio.sleep(1)
        await asyncio.to_thread(fleet.broker.start, fleet.broker.port)

        await asyncio.to_thread(agent.wait_for_log, 'msg="reconnected to the broker"', 20)
        await eventually(lambda: _count(watch.stored_results("outage-1")), 1, 20)
        await eventually(watch.jobs_waiting, 0, 10)  # the +ACK made it after the reconnect
        stored = (await watch.stored_results("outage-1"))[0]
        assert_valid("result", stored)
        assert (stored["status"], stored["attempt"]) == ("succeeded", 1), stored
        assert 235 <= stored["ffmpeg"]["frames"] <= 245, stored["ffmpeg"]
        await asyncio.sleep(3)  # a spool flush runs every 3 s: a second copy would show now
        assert await _count(watch.stored_results("outage-1")) == 1
        assert not agent.spooled(), agent.spooled()

        # Still pulling after the reconnect.
        await watch.submit(short_job("after-outage"))
        after = await watch.result("after-outage", timeout=30)
        assert after["status"] == "succeeded", after
    finally:
        await watch.close()



async def _count(awaitable) -> int:
    return len(await awaitable)


@run_async(timeout=55)
async def test_sigterm_drains_the_running_job_then_exits_zero(fleet):
    # Two slots: one runs the job, the other has a pull waiting when SIGTERM comes.
    agent = await asyncio.to_thread(fleet.agent, "node-a", slots=2)
    watch = await Watch.open(fleet)
    try:
        await watch.submit(seconds_job("drain-1", duration_s=6))
        await watch.event("drain-1", "started", timeout=20)
        await asyncio.sleep(0.3)
        agent.signal(signal.SIGTERM)
        await asyncio.to_thread(agent.wait_for_log, "draining", 10)
        await watch.submit(short_job("drain-late"))  # arrives while draining: must not start here

        draining = await watch.wait_for(
            lambda: [h for h in watch.heartbeats("node-a") if h["state"] == "draining"], 10, "a draining heartbeat")
        assert_valid("heartbeat", draining[0])
        result = await watch.result("drain-1", timeout=30)
        assert result["status"] == "succeeded", result
        assert 175 <= result["ffmpeg"]["frames"] <= 185, result["ffmpeg"]
        status = await asyncio.to_thread(agent.wait, 20)
        assert status == 0, f"agent exited {status}; log:\n{agent.log_tail()}"

        assert not watch.events("drain-late"), watch.events("drain-late")
        assert not watch.results("drain-late")
        queued = [body.get("id") for _, _, _, body in await watch.stream_messages("JOBS")]
        assert queued == ["drain-late"], queued
        # If a pull was waiting when the drain began, the job was handed back (NAK): another agent
        # gets it now, not 30 s later when the ack wait runs out.
        puller = await watch.js.pull_subscribe_bind("cpu", "JOBS")
        (late,) = await puller.fetch(1, timeout=3)
        assert json.loads(late.data)["id"] == "drain-late" and late.metadata.num_delivered <= 2, late.metadata
        assert not agent.ffmpeg_processes()
    finally:
        await watch.close()


@run_async(timeout=45)
async def test_a_second_sigterm_hands_the_running_job_back_and_exits(fleet):
    agent = await asyncio.to_thread(fleet.agent, "node-a")
    watch = await Watch.open(fleet)
    try:
        await watch.submit(seconds_job("abort-1", duration_s=60))  # far longer than the test waits
        await watch.event("abort-1", "started", timeout=20)
        running = await watch.wait_for(agent.ffmpeg_processes, 5, "node-a's ffmpeg")
        agent.signal(signal.SIGTERM)
        await asyncio.to_thread(agent.wait_for_log, "draining", 10)
        agent.signal(signal.SIGTERM)
        status = await asyncio.to_thread(agent.wait, 20)
        assert status == 0, f"agent exited {status}; log:\n{agent.log_tail()}"
        assert not agent.ffmpeg_processes(), f"ffmpeg left running: {agent.ffmpeg_processes()} (was {running})"
        assert not watch.results("abort-1"), watch.results("abort-1")
        # Handed back (NAK): the next puller gets it at once as its second delivery.
        puller = await watch.js.pull_subscribe_bind("cpu", "JOBS")
        (job,) = await puller.fetch(1, timeout=3)
        assert json.loads(job.data)["id"] == "abort-1" and job.metadata.num_delivered == 2, job.metadata
    finally:
        await watch.close()
