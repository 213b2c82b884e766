"""The end-to-end suite's world: an `ffrtmp broker -js` with ffrtmp's streams (declared by
`ffrtmp setup`), agents (`agent_process.AgentProcess`), a nats-py connection that watches every
subject agents publish on, job submission, reads of the JOBS and RESULTS streams, and the
protocol's JSON Schemas.

Servers come from the interop harness (`Tests/Interop/interop_servers.py`); raw `$JS.API.` calls
from `interop_jetstream.py`.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

import nats

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Interop"))

import interop_jetstream as jetstream  # noqa: E402
import interop_servers as servers  # noqa: E402
from agent_process import AgentProcess  # noqa: E402
from e2e_master import MasterProcess, master_process  # noqa: E402

SCHEMAS = servers.REPO_ROOT / "protocol" / "schemas"


# --------------------------------------------------------------------------------------------
# Schemas
# --------------------------------------------------------------------------------------------

_validators: dict = {}


def validator(name: str):
    """A Draft 2020-12 validator for protocol/schemas/<name>.json."""
    if name not in _validators:
        import jsonschema

        schema = json.loads((SCHEMAS / f"{name}.json").read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        _validators[name] = jsonschema.Draft202012Validator(schema)
    return _validators[name]


def assert_valid(name: str, message: dict):
    """Fails with every schema violation listed (not only the first)."""
    errors = sorted(validator(name).iter_errors(message), key=lambda e: list(e.absolute_path))
    assert not errors, (f"{name} message does not match protocol/schemas/{name}.json:\n"
                        + "\n".join(f"  at {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
                                    for e in errors)
                        + f"\nmessage: {json.dumps(message)[:3000]}")


def as_published(api_result: dict) -> dict:
    """A result as the master's API shows it, less what the master adds when it is read
    (`region_cost`, priced at query time: docs/master.md), so it can be checked against the
    message schema; the added field must be there."""
    assert "region_cost" in api_result, api_result
    return {key: value for key, value in api_result.items() if key != "region_cost"}


# --------------------------------------------------------------------------------------------
# Jobs
# --------------------------------------------------------------------------------------------

def short_job(job_id: str, **fields) -> dict:
    """2 s of 320x240 testsrc2 at 30 fps with libx264 (the 720p30-h264 preset, shrunk): 60 frames."""
    job = {"v": 1, "id": job_id, "scenario": "720p30-h264", "duration_s": 2, "resolution": "320x240"}
    job.update(fields)
    return job


def seconds_job(job_id: str, **fields) -> dict:
    """The 720p30-h264 preset at its own 1280x720: a few seconds of work per 8 s of video on
    this kind of machine (about 60 fps with libx264 medium on 2 cores)."""
    job = {"v": 1, "id": job_id, "scenario": "720p30-h264", "duration_s": 8}
    job.update(fields)
    return job


def capability_of(job: dict) -> str:
    encoder = job.get("encoder") or ""
    scenario = job.get("scenario") or ""
    for suffix in ("nvenc", "qsv", "vaapi"):
        if encoder.endswith("_" + suffix) or scenario.endswith("-" + suffix):
            return suffix
    return "cpu"


# --------------------------------------------------------------------------------------------
# The fleet
# --------------------------------------------------------------------------------------------

class Fleet:
    """One broker with ffrtmp's streams, and the agents and masters a test starts on it. The broker
    is `ffrtmp broker -js` or, with ``flavor="nats-server"``, the real nats-server with JetStream."""

    def __init__(self, folder: Path, flavor: str = "ffrtmp"):
        self.folder = Path(folder)
        self.broker = servers.ServerProcess(flavor, self.folder / "servers", "broker", {"jetstream": True})
        self.agents: list[AgentProcess] = []
        self.masters: list[MasterProcess] = []
        # (name, path) of other logs (e.g. an RTMP server's) to report and keep when a test fails.
        self.extra_logs: list[tuple[str, Path]] = []

    def start(self) -> "Fleet":
        self.broker.start()
        done = subprocess.run([str(servers.ffrtmp_binary()), "setup", "-s", self.broker.url],
                              capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, f"ffrtmp setup exited {done.returncode}\n{done.stdout}\n{done.stderr}"
        return self

    @property
    def url(self) -> str:
        return self.broker.url

    def agent(self, name: str, *extra: str, slots: int = 1, start: bool = True,
              heartbeat: str = "1s") -> AgentProcess:
        agent = AgentProcess(self.folder / "agents", name, self.url, *extra, slots=slots, heartbeat=heartbeat)
        self.agents.append(agent)
        if start:
            agent.start()
        return agent

    def master(self, name: str = "master", start: bool = True) -> MasterProcess:
        """An `ffrtmp master` on the broker (see e2e_master.py), killed with the fleet."""
        master = master_process(self.folder / "masters", self.url, name)
        self.masters.append(master)
        if start:
            master.start()
        return master


class Watch:
    """A nats-py connection (reconnecting: it outlives a broker restart) with core subscriptions on
    everything agents publish, opened before any job is submitted. Messages are decoded JSON,
    kept per kind with their subject and arrival time."""

    KINDS = {"result": "result.>", "event": "evt.job.>", "heartbeat": "hb.>", "telemetry": "metrics.>"}

    def __init__(self, nc):
        self.nc = nc
        self.js = nc.jetstream(timeout=5)
        self.seen: dict[str, list[tuple[str, dict, float]]] = {kind: [] for kind in self.KINDS}
        self.undecodable: list[tuple[str, bytes]] = []
        self._changed = asyncio.Event()

    @classmethod
    async def open(cls, fleet: Fleet) -> "Watch":
        errors = []

        async def on_error(exc):
            errors.append(exc)

        nc = await nats.connect(fleet.url, connect_timeout=3, allow_reconnect=True, max_reconnect_attempts=-1,
                                reconnect_time_wait=0.2, error_cb=on_error)
        watch = cls(nc)
        watch.errors = errors
        for kind, subject in cls.KINDS.items():
            await nc.subscribe(subject, cb=watch._handler(kind))
        await nc.flush(timeout=5)
        await nc.flush(timeout=5)
        return watch

    def _handler(self, kind):
        async def handle(msg):
            try:
                body = json.loads(msg.data)
            except ValueError:
                self.undecodable.append((msg.subject, msg.data[:200]))
                return
            self.seen[kind].append((msg.subject, body, time.monotonic()))
            self._changed.set()
        return handle

    async def close(self):
        try:
            await self.nc.close()
        except Exception:  # noqa: BLE001 - closing after a broker kill may complain
            pass

    # -- reading what arrived ----------------------------------------------------------
    def results(self, job_id: str | None = None) -> list[dict]:
        return [body for _, body, _ in self.seen["result"] if job_id is None or body.get("job_id") == job_id]

    def events(self, job_id: str | None = None, state: str | None = None) -> list[dict]:
        return [body for _, body, _ in self.seen["event"]
                if (job_id is None or body.get("job_id") == job_id) and (state is None or body.get("state") == state)]

    def heartbeats(self, node: str | None = None) -> list[dict]:
        return [body for _, body, _ in self.seen["heartbeat"] if node is None or body.get("node_id") == node]

    def telemetry(self, node: str | None = None) -> list[dict]:
        return [body for _, body, _ in self.seen["telemetry"] if node is None or body.get("node_id") == node]

    async def wait_for(self, what, timeout: float, describe: str = "condition"):
        """Waits until ``what()`` is truthy (re-checked on every message and every 0.1 s); returns it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = what()
            if value:
                return value
            left = deadline - loop.time()
            if left <= 0:
                raise AssertionError(f"timed out after {timeout}s waiting for {describe}")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), min(left, 0.1))
            except asyncio.TimeoutError:
                pass

    async def result(self, job_id: str, timeout: float = 30.0) -> dict:
        results = await self.wait_for(lambda: self.results(job_id), timeout, f"a result for {job_id}")
        return results[0]

    async def event(self, job_id: str, state: str, timeout: float = 30.0) -> dict:
        events = await self.wait_for(lambda: self.events(job_id, state), timeout, f"event {state} of {job_id}")
        return events[0]

    # -- submitting and reading streams --------------------------------------------------
    async def submit(self, job: dict | bytes, subject: str | None = None, msg_id: str | None = None) -> int:
        """Publishes a job on JOBS (job.<capability>, its id as Nats-Msg-Id); the stream sequence."""
        if isinstance(job, dict):
            payload = json.dumps(job).encode()
            subject = subject or f"job.{capability_of(job)}"
            msg_id = msg_id or job.get("id")
        else:
            payload = job
        assert subject, "a raw job needs a subject"
        ack = await self.js.publish(subject, payload, headers={"Nats-Msg-Id": msg_id} if msg_id else None)
        assert ack.stream == "JOBS", ack
        return ack.seq

    async def stream_messages(self, stream: str) -> list[tuple[int, str, dict, dict]]:
        """Every message a stream holds: (sequence, subject, headers, decoded JSON body)."""
        info = await self.js.stream_info(stream)
        out = []
        if info.state.messages == 0:
            return out
        for seq in range(info.state.first_seq, info.state.last_seq + 1):
            try:
                msg = await self.js.get_msg(stream, seq)
            except nats.js.errors.NotFoundError:
                continue
            try:
                body = json.loads(msg.data)
            except ValueError:
                body = {"_raw": msg.data[:200]}
            out.append((seq, msg.subject, dict(msg.headers or {}), body))
        return out

    async def stored_results(self, job_id: str | None = None) -> list[dict]:
        return [body for _, _, _, body in await self.stream_messages("RESULTS")
                if job_id is None or body.get("job_id") == job_id]

    async def jobs_waiting(self) -> int:
        """Messages the JOBS work queue still holds (queued or out at an agent, unacknowledged)."""
        return (await self.js.stream_info("JOBS")).state.messages

    async def jobs_stream_sequences(self) -> list[int]:
        return [seq for seq, _, _, _ in await self.stream_messages("JOBS")]


async def set_job_ack_wait(nc, capability: str, seconds: float):
    """Re-declares JOBS/<capability> with a shorter ack wait (everything else as `ffrtmp setup` made
    it). `ffrtmp setup` has no option for it, and its 30 s would make redelivery tests slow. Call
    before any agent pulls."""
    info = await jetstream.api(nc, f"CONSUMER.INFO.JOBS.{capability}")
    assert "error" not in info, info
    config = dict(info["config"])
    config["ack_wait"] = jetstream.ns(seconds)
    deleted = await jetstream.api(nc, f"CONSUMER.DELETE.JOBS.{capability}")
    assert deleted.get("success") is True, deleted
    keep = ("durable_name", "ack_policy", "ack_wait", "max_deliver", "filter_subject", "max_ack_pending",
            "deliver_policy", "replay_policy")
    created = await jetstream.add_consumer(nc, "JOBS", capability, **{k: config[k] for k in keep if k in config})
    assert created["config"]["ack_wait"] == jetstream.ns(seconds), created


# --------------------------------------------------------------------------------------------
# Polling
# --------------------------------------------------------------------------------------------

async def eventually(read, want, timeout: float):
    """Polls the coroutine function ``read`` until it returns ``want``; fails saying what it got."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        got = await read()
        if got == want:
            return
        if loop.time() > deadline:
            raise AssertionError(f"still {got!r} after {timeout}s, wanted {want!r}")
        await asyncio.sleep(0.1)


async def settle(list_things, want_empty: bool, timeout: float) -> list:
    """Polls ``list_things()`` (a plain function) until it is empty (``want_empty``) or not; returns
    its last value either way, so the caller's assertion shows what was there."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        things = list_things()
        if (not things) == want_empty or loop.time() > deadline:
            return things
        await asyncio.sleep(0.05)
