"""deployment/FLEET.md, run as written on one machine's loopback.

The commands come from the guide's fenced blocks and the systemd units' ExecStart lines, moved onto
loopback by the plain substitutions listed in fleet_guide.py; nothing is copied here, so the guide and
the test cannot drift. Section 2's `ffrtmp certs` lines make the CA and every certificate; section 3's
broker-mtls.conf (its tls paths edited as the guide says) with roles.conf beside it runs as the broker
unit starts it, and `ffrtmp setup` declares the streams as the admin; section 4's master.conf runs as
the master unit starts it and its /health answers; section 5's agent.conf runs for node-1 and, with
its name changed, node-2 (the test adds only its own folders, the ffmpeg path and a faster heartbeat);
section 6's commands run as the submitter alice, with her certificate from the guide's `export` line:
`submit --wait` and `watch` end with their jobs' success.

Then what the roles promise a submitter: alice may not read results (subscribing to `result.>` or a
node's result subject is refused with nats-server's text, and nothing arrives while a job's result is
published), may make no consumer on RESULTS or EVENTS and read no stored result, nor pull from the
master's consumers; she may read the last stored event of her job.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import ssl
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace

import nats
import pytest

import agent_process
import e2e_master
import fleet_guide as guide
import interop_servers as servers
from agent_process import AgentProcess
from interop_aio import barrier

FFMPEG = os.environ.get("FFRTMP_FFMPEG", "/usr/bin/ffmpeg")
SUBMITTER = "alice"


class GuideAgent(AgentProcess):
    """`ffrtmp agent -c agent.conf` (server, TLS, name and slots from the guide's file), with this
    test's work, spool and log folders, ffmpeg and a 1 s heartbeat."""

    def __init__(self, folder: Path, name: str, config: Path):
        super().__init__(folder, name, "(from agent.conf)")
        self.config = config

    def command(self) -> list[str]:
        return [str(servers.ffrtmp_binary()), "agent", "-c", str(self.config), "--work-dir", str(self.work_dir),
                "--spool-dir", str(self.spool_dir), "--ffmpeg", FFMPEG, "--nvidia-smi", "none",
                "--heartbeat", "1s", "-l", str(self.log_path)]


class Broker:
    """The broker as the unit starts it, its output in ``log_path``."""

    def __init__(self, command: list[str], log_path: Path, port: int):
        self.command, self.log_path, self.port = command, log_path, port
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 20.0) -> "Broker":
        self.proc = servers.spawn(self.command, self.log_path)
        deadline = time.monotonic() + timeout
        while not self.listening():
            assert self.proc.poll() is None, f"broker exited with {self.proc.returncode}:\n{self.log_tail()}"
            assert time.monotonic() < deadline, f"broker not listening after {timeout}s:\n{self.log_tail()}"
            time.sleep(0.05)
        return self

    def listening(self) -> bool:
        with open("/proc/net/tcp") as table:
            return any(line.split()[1].endswith(f":{self.port:04X}") and line.split()[3] == "0A"
                       for line in list(table)[1:])

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def run(place: guide.Loopback, words: list[str], env: dict | None = None, timeout: float = 60) -> str:
    """Runs a guide command in the workstation folder; fails with its output unless it exits 0."""
    command = place.command(words)
    try:
        done = subprocess.run(command, cwd=place.workstation, env={**os.environ, **(env or {})},
                              capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as expired:
        printed = [(text.decode(errors="replace") if isinstance(text, bytes) else text or "")[-3000:]
                   for text in (expired.stdout, expired.stderr)]
        raise AssertionError(f"`{' '.join(words)}` did not end within {timeout}s; it printed:\n"
                             + "\n".join(printed)) from None
    assert done.returncode == 0, (f"`{' '.join(words)}` exited {done.returncode}:\n"
                                  f"{done.stdout}\n{done.stderr}")
    return done.stdout + done.stderr


def install_broker_config(place: guide.Loopback):
    """Section 3's install lines: broker-mtls.conf as /etc/ffrtmp/broker.conf, its tls paths pointed at
    broker-1's files as the guide says, listening on loopback; roles.conf beside it."""
    text = (servers.REPO_ROOT / "broker" / "broker-mtls.conf").read_text()
    assert "/etc/ffrtmp/certs/broker.pem" in text and "port: 4222" in text, "broker-mtls.conf changed shape"
    text = text.replace("/etc/ffrtmp/certs/broker", "/etc/ffrtmp/tls/broker-1")
    text = text.replace("/etc/ffrtmp/certs/", "/etc/ffrtmp/tls/")
    text = text.replace("port: 4222", f"host: 127.0.0.1\nport: {place.broker_port}")
    (place.etc / "broker.conf").write_text(place.apply(text))
    shutil.copy(servers.REPO_ROOT / "broker" / "roles.conf", place.etc / "roles.conf")


def client_context(place: guide.Loopback, name: str) -> ssl.SSLContext:
    """Trusts the guide's CA and presents ``name``'s certificate from the workstation's certs/."""
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(place.certs / "ca.pem"))
    context.load_cert_chain(str(place.certs / f"{name}.pem"), str(place.certs / f"{name}-key.pem"))
    return context


@pytest.mark.timeout(300)
def test_the_fleet_guide_runs_as_written_and_its_submitter_waits_and_watches_without_reading_results(
        request, tmp_path):
    master = e2e_master.MasterProcess(tmp_path / "broker-1", "master", [])
    place = guide.Loopback(root=tmp_path, broker_port=servers.free_port(), http_port=master.http_port)
    for folder in (place.workstation, place.etc, place.var / "master", place.var / "jetstream"):
        folder.mkdir(parents=True, exist_ok=True)
    broker = Broker(place.command(guide.exec_start("ffrtmp-broker")), tmp_path / "broker.log", place.broker_port)
    agents: list[GuideAgent] = []
    # What conftest's report hook reads to attach the logs of a failed run.
    request.node._e2e_fleet = SimpleNamespace(agents=agents, broker=broker, masters=[master], extra_logs=[])
    try:
        # 2. Certificates.
        issued = guide.commands(2)
        assert issued[0][1:3] == ["certs", "init"] and len(issued) >= 7, issued
        for words in issued:
            run(place, words)
        for name in ("broker-1", "master-1", "node-1", "node-2", "ops", SUBMITTER):
            assert (place.certs / f"{name}.pem").exists() and (place.certs / f"{name}-key.pem").exists(), name

        # 3. Broker, then the streams as the admin.
        install_broker_config(place)
        broker.start()
        setups = guide.commands(3)
        assert [words[1] for words in setups] == ["setup"], setups
        run(place, setups[0])

        # 4. Master: master.conf, the unit's command, /health.
        (place.etc / "master.conf").write_text(place.apply(guide.config_block(4)))
        master.command = place.command(guide.exec_start("ffrtmp-master")) + ["-l", str(master.log_path)]
        master.start(timeout=30)
        health = guide.commands(4, program="curl")
        assert health, "section 4 lost its curl of /health"
        assert '"status"' in run(place, ["curl", "--fail", *health[0][1:]])

        # 5. Agents: node-1's agent.conf, and node-2's with its name.
        agent_conf = place.apply(guide.config_block(5))
        assert 'name: "node-1"' in agent_conf and "node-1.pem" in agent_conf, agent_conf
        for node in ("node-1", "node-2"):
            config = place.etc / f"agent-{node}.conf"
            config.write_text(agent_conf.replace("node-1", node))
            agents.append(GuideAgent(tmp_path / "nodes", node, config).start(wait_pulling=40))

        # 6. As alice: submit --wait, pub, watch.
        environment = place.environment(6)
        assert environment["NATS_CERT"] == f"certs/{SUBMITTER}.pem", environment
        steps = guide.commands(6)
        assert any(w[1] == "submit" and "--wait" in w for w in steps) and any(w[1] == "watch" for w in steps), \
            f"section 6 no longer shows submit --wait and watch: {steps}"
        printed = {}
        for words in steps:
            printed[words[1]] = run(place, words, env=environment, timeout=90)
        assert "1 of 1 succeeded" in printed["submit"], printed["submit"]
        assert "succeeded" in printed["watch"], printed["watch"]
        watched = next(w[2] for w in steps if w[1] == "watch")
        master.wait_json("/api/results", lambda body: {r.get("job_id") for r in body.get("results", [])} >=
                         {"first-1", watched}, timeout=30, describe="both results in the master")
        # Nodes come from heartbeats (core NATS, decoded on other threads than results): wait for both.
        master.wait_json("/api/nodes",
                         lambda body: {"node-1", "node-2"} <= {n.get("node_id") for n in body.get("nodes", [])},
                         timeout=15, describe="node-1 and node-2 in /api/nodes")

        asyncio.run(submitter_cannot_read_results(place, agents))
    finally:
        e2e_master.kill_leftovers([master])
        agent_process.kill_leftovers(agents)
        broker.kill()


async def submitter_cannot_read_results(place: guide.Loopback, agents: list[GuideAgent]):
    """What roles.conf promises of a submitter, tried over nats-py with alice's certificate."""
    errors: list[str] = []

    async def on_error(exc):
        errors.append(str(exc))

    url = f"tls://localhost:{place.broker_port}"
    alice = await nats.connect(url, tls=client_context(place, SUBMITTER), tls_hostname="localhost", error_cb=on_error,
                               inbox_prefix=f"_INBOX.{SUBMITTER}", allow_reconnect=False, connect_timeout=5)
    received = []

    async def keep(msg):
        received.append(msg.subject)

    try:
        for subject in ("result.>", "result.node-1", "result.*"):
            await alice.subscribe(subject, cb=keep)
        # One flush is no barrier in nats-py (its PING overtakes the queued SUBs): without two, the
        # result below could be published before the broker saw the subscriptions, and prove nothing.
        await barrier(alice)
        # A result published meanwhile (node-1's, as the agent would) reaches nobody who is alice.
        admin = await nats.connect(url, tls=client_context(place, "ops"), tls_hostname="localhost",
                                   allow_reconnect=False, connect_timeout=5)
        try:
            await admin.publish("result.node-1", json.dumps({"v": 1, "job_id": "not-yours"}).encode())
            await admin.flush(timeout=5)
        finally:
            await admin.close()
        await asyncio.sleep(0.5)
        assert received == [], received
        for subject in ("result.>", "result.node-1", "result.*"):
            refusal = f'permissions violation for subscription to "{subject}"'
            assert any(refusal in error.lower() for error in errors), (subject, errors)

        # No consumer on RESULTS or EVENTS (one would name, and so could change, the master's), no
        # stored result, no pull from another's consumer: each refused, none answered.
        for subject in ("$JS.API.CONSUMER.CREATE.RESULTS.peek.result.>", "$JS.API.CONSUMER.CREATE.RESULTS",
                        "$JS.API.STREAM.MSG.GET.RESULTS", "$JS.API.CONSUMER.CREATE.EVENTS.peek.evt.job.>",
                        "$JS.API.CONSUMER.MSG.NEXT.RESULTS.master", "$JS.API.CONSUMER.MSG.NEXT.EVENTS.master"):
            with pytest.raises((nats.errors.TimeoutError, nats.errors.NoRespondersError)):
                await alice.request(subject, b'{"last_by_subj":"result.node-1"}', timeout=1)
            refusal = f'permissions violation for publish to "{subject.lower()}"'
            await alice.flush(timeout=5)
            assert any(refusal in error.lower() for error in errors), (subject, errors)

        # What she may: the last stored event of her job.
        answer = await alice.request("$JS.API.STREAM.MSG.GET.EVENTS",
                                     json.dumps({"last_by_subj": "evt.job.first-1.succeeded"}).encode(), timeout=5)
        stored = json.loads(answer.data)
        assert stored.get("message", {}).get("subject") == "evt.job.first-1.succeeded", stored
    finally:
        await alice.close()

