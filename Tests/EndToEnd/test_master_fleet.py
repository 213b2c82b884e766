"""`ffrtmp master` as its own process on a fleet: SIGKILLed and restarted while results keep
arriving it still stores every one exactly once (its durable consumer catches up; the store's
writes are idempotent), and it works unchanged against the real nats-server with JetStream."""

from __future__ import annotations

import asyncio
import collections
import json

import pytest

from e2e_fleet import Watch, as_published, assert_valid, short_job
from e2e_master import succeeded_event_stored
from interop_aio import run_async

RESULTS = 300  # one from the agent, the rest published by the test


def stored_job_ids(master) -> list[str]:
    return [r["job_id"] for r in master.json("/api/results?limit=1000")["results"]]


async def wait_stored(master, count: int, timeout: float) -> list[str]:
    """The job ids in /api/results once ``count`` distinct ones are there, or after ``timeout``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        stored = await asyncio.to_thread(stored_job_ids, master)
        if len(set(stored)) >= count or loop.time() > deadline:
            return stored
        await asyncio.sleep(0.2)


def cpu_queue_empty(document: dict):
    """A check for `wait_json` on /api/queues: the queues once the cpu queue has no job pending."""
    queues = {q["capability"]: q for q in document["queues"]}
    return queues if queues.get("cpu", {}).get("pending") == 0 else None


@run_async(timeout=58)
async def test_a_master_killed_mid_stream_misses_no_result_and_stores_none_twice(fleet):
    await asyncio.to_thread(fleet.agent, "node-a")
    master = await asyncio.to_thread(fleet.master)
    watch = await Watch.open(fleet)
    sent: list[str] = ["template"]
    try:
        # One real result from the agent; the rest are its copies under other job ids, published as
        # the agent publishes (result.<node>, Nats-Msg-Id result-<job>-<attempt>), 100 a second.
        await watch.submit(short_job("template"))
        template = await watch.result("template", timeout=30)

        async def publish_all():
            for number in range(RESULTS - 1):
                job_id = f"restart-{number:04d}"
                body = json.dumps(dict(template, job_id=job_id)).encode()
                ack = await watch.js.publish("result.node-a", body, headers={"Nats-Msg-Id": f"result-{job_id}-1"})
                assert ack.stream == "RESULTS" and not ack.duplicate, ack
                sent.append(job_id)
                await asyncio.sleep(0.01)

        publishing = asyncio.create_task(publish_all())
        stored_before = await asyncio.to_thread(
            master.wait_json, "/api/results?limit=1000", lambda d: len(d["results"]) >= 40 and d["results"], 20,
            "40 results stored")
        await asyncio.to_thread(master.kill)
        killed_after = len(sent)
        await asyncio.sleep(0.5)
        await asyncio.to_thread(master.start)
        await publishing
        assert killed_after < RESULTS, "the publisher finished before the kill: nothing arrived while it was down"

        # All at once but for at most one: the message the killed master's outstanding pull request
        # (batch 1) absorbed, which the consumer redelivers after its ack wait (10 s).
        stored = await wait_stored(master, RESULTS - 1, timeout=5)
        assert len(set(stored)) >= RESULTS - 1, \
            f"{RESULTS - len(set(stored))} results missing 5 s after the last was published"
        stored = await wait_stored(master, RESULTS, timeout=15)
        twice = [job for job, count in collections.Counter(stored).items() if count > 1]
        missing = sorted(set(sent) - set(stored))
        assert not missing, f"{len(missing)} results never reached /api/results: {missing[:10]}"
        assert not twice, f"stored more than once: {twice[:10]}"
        assert len(stored) == RESULTS, (len(stored), f"{len(stored_before)} stored before the kill")

        counted = (await asyncio.to_thread(master.metrics))["ffrtmp_results_stored"]
        assert [s.value for s in counted if s.labels == {"status": "succeeded"}] == [RESULTS], counted
    finally:
        await watch.close()


@pytest.mark.parametrize("fleet", ["nats-server"], indirect=True)
@run_async(timeout=55)
async def test_setup_agent_and_master_work_unchanged_on_nats_server(fleet):
    await asyncio.to_thread(fleet.agent, "node-n")
    master = await asyncio.to_thread(fleet.master)
    watch = await Watch.open(fleet)
    try:
        await watch.submit(short_job("nats-job-1"))
        result = (await asyncio.to_thread(
            master.wait_json, "/api/results", lambda d: [r for r in d["results"] if r["job_id"] == "nats-job-1"],
            30, "the result in /api/results"))[0]
        assert_valid("result", as_published(result))
        assert (result["status"], result["node_id"]) == ("succeeded", "node-n"), result
        assert as_published(result) == await watch.result("nats-job-1", timeout=5), "the master shows what was published"

        detail = await asyncio.to_thread(master.wait_json, "/api/jobs/nats-job-1", succeeded_event_stored, 10,
                                         "the job's succeeded event, which follows its result")
        assert [e["state"] for e in detail["events"]][-1] == "succeeded", detail["events"]
        nodes = await asyncio.to_thread(
            master.wait_json, "/api/nodes", lambda d: [n for n in d["nodes"] if n["node_id"] == "node-n"], 10,
            "node-n in /api/nodes")
        assert nodes[0]["status"] in ("available", "busy"), nodes
        # The master polls queue depths every 2 s: one taken while the job waited for the agent's pull
        # still says 1 until the next poll, so wait for the poll that follows the pull.
        await asyncio.to_thread(master.wait_json, "/api/queues", cpu_queue_empty, 10,
                                "the cpu queue's pending count at 0 in /api/queues")
    finally:
        await watch.close()
