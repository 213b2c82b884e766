"""Every job runs once through a failover (issue 11): on a 3-node nats-server JetStream cluster
with ffrtmp's streams at 3 replicas, two agents and a master on the URLs of all three nodes,

* SIGKILLing the node that leads JOBS in the middle of a campaign (and restarting it) loses no job,
  runs none twice and misses no lifecycle event;
* SIGKILLing an agent mid-job gets the job redelivered to the other agent, which succeeds once.

"Ran" is read from the agents' logs (`msg="job started"`), not from events, which de-duplicate by
id. JOBS' ack wait is cut to 10 s so an ack lost in the election would show up as a redelivery
within the test (each test waits out one ack wait after the last result).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections import Counter

import nats
import pytest

import agent_process
import e2e_master
from agent_process import AgentProcess
from e2e_cluster import Cluster, consumer_leader
from e2e_fleet import assert_valid, seconds_job, set_job_ack_wait, short_job
from interop_aio import run_async

ACK_WAIT_S = 10

# A cluster, a master and two agents start for each test: more than the suite's 60 s default.
pytestmark = pytest.mark.timeout(120)


class ClusterFleet:
    """The cluster, and the agents and masters a test starts on it (the shape conftest's failure
    report reads: ``agents``, ``broker``, ``extra_logs``, ``masters``)."""

    def __init__(self, folder):
        self.folder = folder
        self.cluster = Cluster(folder)
        self.agents: list[AgentProcess] = []
        self.masters: list = []
        self.broker = self.cluster.nodes["n1"]
        self.extra_logs = [(name, node.log_path) for name, node in self.cluster.nodes.items() if name != "n1"]

    def agent(self, name: str, urls: str | None = None) -> AgentProcess:
        agent = AgentProcess(self.folder / "agents", name, urls or self.cluster.urls, heartbeat="1s")
        self.agents.append(agent)
        return agent.start(wait_pulling=40)

    def master(self, urls: str | None = None):
        master = e2e_master.master_process(self.folder / "masters", urls or self.cluster.urls)
        self.masters.append(master)
        return master.start(timeout=40)

    def starts(self) -> Counter:
        """Runs per job, from every agent's log."""
        runs = Counter()
        for agent in self.agents:
            for line in agent.log_text().splitlines():
                if 'msg="job started"' in line:
                    found = re.search(r"\bjob=(\S+)", line)
                    if found:
                        runs[found.group(1).strip('"')] += 1
        return runs


@pytest.fixture
def cluster_fleet(request, tmp_path):
    world = ClusterFleet(tmp_path)
    request.node._e2e_fleet = world
    try:
        world.cluster.start()
        yield world
    finally:
        e2e_master.kill_leftovers(world.masters)
        agent_process.kill_leftovers(world.agents)
        world.cluster.kill_all()


async def connect(world: ClusterFleet):
    return await nats.connect(world.cluster.servers, connect_timeout=3, allow_reconnect=True,
                              max_reconnect_attempts=-1, reconnect_time_wait=0.2)


async def submit(js, job: dict):
    """Publishes a job with its id as Nats-Msg-Id, again while the stream answers nothing."""
    for _ in range(40):
        try:
            ack = await js.publish("job.cpu", json.dumps(job).encode(), headers={"Nats-Msg-Id": job["id"]})
            assert ack.stream == "JOBS", ack
            return
        except (nats.errors.TimeoutError, nats.errors.NoRespondersError, nats.js.errors.ServiceUnavailableError):
            await asyncio.sleep(0.25)
    raise AssertionError(f"job {job['id']} was never stored")


async def stream_bodies(js, stream: str) -> list[tuple[str, dict]]:
    """(subject, decoded body) of every message ``stream`` holds."""
    info = await js.stream_info(stream)
    out = []
    for seq in range(info.state.first_seq, info.state.last_seq + 1) if info.state.messages else []:
        try:
            msg = await js.get_msg(stream, seq)
        except nats.js.errors.NotFoundError:
            continue
        out.append((msg.subject, json.loads(msg.data)))
    return out


async def until(check, timeout: float, describe: str):
    """Polls ``check()`` (plain or async) every 0.2 s until truthy; returns it."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {describe}")
        await asyncio.sleep(0.2)


def master_jobs(master) -> dict[str, str]:
    return {row["job_id"]: row["state"] for row in master.json("/api/jobs?limit=500")["jobs"]}


def master_result_ids(master) -> set[str]:
    return {row["job_id"] for row in master.json("/api/results?limit=500")["results"]}


def assert_each_succeeded_once(world, master, events, results, ids, reruns: dict[str, int] | None = None):
    """One stored result per job, succeeded; one succeeded row per job in the master; started and
    succeeded stored for each; runs per job as expected (1 unless ``reruns`` says otherwise)."""
    runs = world.starts()
    wanted = Counter({job: (reruns or {}).get(job, 1) for job in ids})
    assert runs == wanted, f"runs per job (from the agents' logs): {runs}, wanted {wanted}"
    per_job = Counter(body["job_id"] for _, body in results)
    assert per_job == Counter(ids), f"RESULTS must hold one result per job: {per_job}"
    for _, body in results:
        assert_valid("result", body)
        assert body["status"] == "succeeded", body
    rows = master.json("/api/results?limit=500")["results"]
    in_master = Counter(row["job_id"] for row in rows if row["job_id"] in ids)
    assert in_master == Counter(ids), f"the master must hold one result per job: {in_master}"
    assert all(state == "succeeded" for job, state in master_jobs(master).items() if job in ids)
    stored = {(body["job_id"], body["state"]) for _, body in events}
    missing = [(job, state) for job in ids for state in ("started", "succeeded") if (job, state) not in stored]
    assert not missing, f"lifecycle events missing from EVENTS: {missing}"
    for _, body in events:
        assert_valid("event", body)
        if body["state"] == "succeeded":
            assert body.get("ack_confirmed") is True, body


@run_async(timeout=115)
async def test_killing_the_jobs_leader_mid_campaign_runs_every_job_exactly_once(cluster_fleet):
    world = cluster_fleet
    nc = await connect(world)
    try:
        js = nc.jetstream(timeout=5)
        await set_job_ack_wait(nc, "cpu", ACK_WAIT_S)
        # The node to kill leads JOBS/cpu, where the agents' acks go (the shorter ack wait re-made
        # the consumer, maybe elsewhere), and JOBS itself when it can. Everyone talks to the two other
        # nodes: they stay connected, and their acks meet a consumer without a leader (an ack buffered
        # through a reconnect would go out after the election).
        leader = await consumer_leader(nc, "JOBS", "cpu")
        others = [world.cluster.url_of(name) for name in world.cluster.nodes if name != leader]
        master = await asyncio.to_thread(world.master, ",".join(others))
        await asyncio.gather(asyncio.to_thread(world.agent, "node-a", ",".join(others)),
                             asyncio.to_thread(world.agent, "node-b", ",".join(reversed(others))))
        ids = [f"failover-{n:02d}" for n in range(12)]
        for job_id in ids:  # 4 s of 320x240: about a second of work each
            await submit(js, short_job(job_id, duration_s=4))
        await until(lambda: sum(world.starts().values()) >= 3, 40, "three jobs started")

        node = world.cluster.nodes[leader]
        node.kill()
        killed_at = time.monotonic()
        print(f"killed {leader} (JOBS/cpu leader) after {sum(world.starts().values())} starts")
        assert await consumer_leader(nc, "JOBS", "cpu") != leader
        await asyncio.sleep(max(0.0, 3 - (time.monotonic() - killed_at)))
        await asyncio.to_thread(node.start, node.port)

        try:
            await until(lambda: sum(1 for j, s in master_jobs(master).items() if j in ids and s == "succeeded") == 12,
                        60, "all 12 jobs succeeded in the master")
        except AssertionError:
            # What the master holds, and what it refused, for the report (the test still fails).
            print("master jobs:", {j: s for j, s in master_jobs(master).items() if j in ids})
            print("master refusals:", [line for line in master.get("/metrics")[2].decode().splitlines()
                                       if "refused" in line and not line.startswith("#")])
            raise
        # A lost ack would bring its job back after the ack wait: wait one out, then count.
        await asyncio.sleep(ACK_WAIT_S + 2)
        assert (await js.stream_info("JOBS")).state.messages == 0, "every job acknowledged"
        events = await stream_bodies(js, "EVENTS")
        results = await stream_bodies(js, "RESULTS")
        assert_each_succeeded_once(world, master, events, results, ids)
    finally:
        await nc.close()


@run_async(timeout=115)
async def test_a_job_of_an_agent_killed_mid_job_on_the_cluster_is_redelivered_and_succeeds_once(cluster_fleet):
    world = cluster_fleet
    nc = await connect(world)
    try:
        js = nc.jetstream(timeout=5)
        await set_job_ack_wait(nc, "cpu", ACK_WAIT_S)
        master = await asyncio.to_thread(world.master)
        first = await asyncio.to_thread(world.agent, "node-a")
        await submit(js, seconds_job("orphan-c1", duration_s=8))
        await until(lambda: world.starts()["orphan-c1"] == 1 and first.ffmpeg_processes(), 30, "node-a's ffmpeg")
        first.kill()
        agent_process.kill_ffmpeg(first.work_dir)
        second = await asyncio.to_thread(world.agent, "node-b")
        await until(lambda: master_jobs(master).get("orphan-c1") == "succeeded", 60, "orphan-c1 succeeded")
        # That state may come from the `succeeded` event (EVENTS), stored before the result (RESULTS,
        # another consumer of the master): wait for the result the check below reads once.
        await until(lambda: master_result_ids(master) & {"orphan-c1"}, 20, "orphan-c1's result in the master")
        await asyncio.sleep(2)
        results = await stream_bodies(js, "RESULTS")
        events = await stream_bodies(js, "EVENTS")
        assert_each_succeeded_once(world, master, events, results, ["orphan-c1"], reruns={"orphan-c1": 2})
        (result,) = [body for _, body in results]
        assert (result["node_id"], result["attempt"]) == ("node-b", 2), result
        assert (await js.stream_info("JOBS")).state.messages == 0
        assert not second.ffmpeg_processes()
    finally:
        await nc.close()
