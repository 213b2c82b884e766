"""Reloading the broker on SIGHUP while a fleet on mTLS works: `ffrtmp certs renew` of the broker's
certificate + SIGHUP makes new connections see the new certificate while the master and the agents
carry on without reconnecting; revoking an agent + SIGHUP closes its connection and keeps it out,
and the other agent finishes the campaign; a broken configuration on SIGHUP is logged and the
running one stays in force."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import ssl
import subprocess
import time
from pathlib import Path

import nats
import pytest

import interop_servers as servers
from agent_process import AgentProcess, kill_leftovers as kill_agents
from e2e_fleet import Watch, short_job
from e2e_master import MasterProcess, kill_leftovers as kill_masters

ROLES_CONF = servers.REPO_ROOT / "broker" / "roles.conf"
# Certificate name -> role (`ffrtmp certs issue --role ROLE --name NAME`).
IDENTITIES = {"ops": "admin", "master-1": "master", "node-1": "agent", "node-2": "agent"}


def ffrtmp(*arguments: str) -> str:
    done = subprocess.run([str(servers.ffrtmp_binary()), *arguments], capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, f"ffrtmp {' '.join(arguments)} exited {done.returncode}\n{done.stdout}{done.stderr}"
    return done.stdout


class MutualTLSFleet:
    """Certificates from `ffrtmp certs`, an `ffrtmp broker -js` with verify_and_map and roles.conf, the
    streams from `ffrtmp setup` (as the admin), a master and agents on their own certificates."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.certs = folder / "certs"
        ffrtmp("certs", "init", "--dir", str(self.certs))
        ffrtmp("certs", "issue", "--dir", str(self.certs), "--role", "broker", "--name", "broker",
               "--dns", "localhost", "--ip", "127.0.0.1", "--days", "30")
        for name, role in IDENTITIES.items():
            ffrtmp("certs", "issue", "--dir", str(self.certs), "--role", role, "--name", name)
        self.broker = servers.ServerProcess("ffrtmp", folder / "servers", "broker", {"jetstream": True},
                                            config=self.config())
        self.config_path = folder / "servers" / "broker.conf"  # where ServerProcess writes it
        self.agents: list[AgentProcess] = []
        self.masters: list[MasterProcess] = []

    def config(self, revoked: tuple[str, ...] = ()) -> str:
        return (f'tls {{ cert_file: "{self.certs}/broker.pem", key_file: "{self.certs}/broker-key.pem", '
                f'ca_file: "{self.certs}/ca.pem", verify_and_map: true, timeout: 2 }}\n'
                f'authorization {{\n  include "{ROLES_CONF}"\n  revoked: {json.dumps(list(revoked))}\n}}\n')

    def tls_flags(self, name: str) -> list[str]:
        return ["--tlsca", f"{self.certs}/ca.pem", "--tlscert", f"{self.certs}/{name}.pem",
                "--tlskey", f"{self.certs}/{name}-key.pem"]

    def context(self, name: str = "ops") -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(self.certs / "ca.pem"))
        context.load_cert_chain(str(self.certs / f"{name}.pem"), str(self.certs / f"{name}-key.pem"))
        return context

    @property
    def url(self) -> str:
        return f"tls://127.0.0.1:{self.broker.port}"

    def start(self) -> "MutualTLSFleet":
        self.broker.start()
        ffrtmp("setup", "-s", self.url, *self.tls_flags("ops"))
        return self

    def master(self) -> MasterProcess:
        master = MasterProcess(self.folder, "master", [
            "master", "-s", self.url, "--db", str(self.folder / "master.db"), "--heartbeat", "1s",
            *self.tls_flags("master-1")])
        self.masters.append(master)
        return master.start()

    def agent(self, name: str) -> AgentProcess:
        agent = AgentProcess(self.folder, name, self.url, *self.tls_flags(name))
        self.agents.append(agent)
        return agent.start()

    def reload(self, config: str) -> None:
        """Rewrites the broker's configuration file and sends SIGHUP; waits for its log line."""
        before = self.reload_lines()
        self.config_path.write_text(config)
        self.broker.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while self.reload_lines() == before:
            assert time.monotonic() < deadline, f"no reload logged; broker log:\n{self.broker.log_tail()}"
            time.sleep(0.05)

    def broker_log(self) -> str:
        return self.broker.log_path.read_text(errors="replace")

    def reload_lines(self) -> list[str]:
        return [line for line in self.broker_log().splitlines()
                if 'msg="configuration reloaded"' in line or 'msg="reload failed' in line]

    def served_serial(self) -> str:
        """The serial of the certificate a new connection is offered: hex, uppercase, no leading zeros."""
        return self.served_certificate()["serialNumber"].upper().lstrip("0")

    def served_certificate(self) -> dict:
        """The certificate a new connection is offered (read INFO in plaintext, then upgrade)."""
        with socket.create_connection(("127.0.0.1", self.broker.port), timeout=5) as plain:
            greeting = b""
            while not greeting.endswith(b"\r\n"):
                chunk = plain.recv(4096)
                assert chunk, "closed before INFO"
                greeting += chunk
            with self.context().wrap_socket(plain, server_hostname="localhost") as secure:
                return secure.getpeercert()

    def stop(self):
        kill_masters(self.masters)
        kill_agents(self.agents)
        self.broker.kill()


def serial_in_file(path: Path) -> str:
    """The serial `ffrtmp certs show` prints, as `served_serial` spells it."""
    shown = ffrtmp("certs", "show", str(path))
    serial = next(line.split()[-1] for line in shown.splitlines() if line.strip().startswith("serial"))
    return serial.upper().lstrip("0")


@pytest.fixture
def mtls_fleet(tmp_path):
    if not servers.ffrtmp_binary().exists():
        pytest.skip(f"no ffrtmp binary at {servers.ffrtmp_binary()}")
    fleet = MutualTLSFleet(tmp_path)
    try:
        yield fleet.start()
    finally:
        fleet.stop()


async def open_watch(fleet: MutualTLSFleet) -> Watch:
    nc = await nats.connect(fleet.url, tls=fleet.context("ops"), tls_hostname="localhost", connect_timeout=3)
    watch = Watch(nc)
    for kind, subject in Watch.KINDS.items():
        await nc.subscribe(subject, cb=watch._handler(kind))
    await nc.flush(timeout=5)
    return watch


def test_a_renewed_certificate_and_a_revocation_reload_without_interrupting_the_fleet(mtls_fleet):
    fleet = mtls_fleet
    master = fleet.master()
    first, second = fleet.agent("node-1"), fleet.agent("node-2")
    old_serial = fleet.served_serial()
    assert old_serial == serial_in_file(fleet.certs / "broker.pem")

    async def scenario():
        watch = await open_watch(fleet)
        try:
            batch = [short_job(f"reload-a{i}") for i in range(6)]
            for job in batch:
                await watch.submit(job)
            # While the campaign runs: renew the broker's certificate (keeping its key) and reload.
            ffrtmp("certs", "renew", "--dir", str(fleet.certs), "--name", "broker", "--days", "60")
            fleet.reload(fleet.config())
            served = fleet.served_certificate()
            assert fleet.served_serial() != old_serial
            assert fleet.served_serial() == serial_in_file(fleet.certs / "broker.pem")
            assert ssl.cert_time_to_seconds(served["notAfter"]) > time.time() + 59 * 86_400, served
            await watch.wait_for(lambda: all(watch.results(job["id"]) for job in batch), 120,
                                 "the first batch's results")

            # Revoke node-2 (idle now): its connection is closed and it cannot come back.
            fleet.reload(fleet.config(revoked=("node-2",)))
            second.wait_for_log("disconnected from the broker", timeout=10)
            later = [short_job(f"reload-b{i}") for i in range(4)]
            for job in later:
                await watch.submit(job)
            results = await watch.wait_for(lambda: [watch.results(job["id"]) for job in later]
                                           if all(watch.results(job["id"]) for job in later) else None,
                                           120, "the second batch's results")
            assert {found[0]["node_id"] for found in results} == {"node-1"}, results
            assert all(found[0]["status"] == "succeeded" for found in results), results
            return [found[0] for found in results]
        finally:
            await watch.close()

    asyncio.run(scenario())
    # node-2 tries to reconnect on its own timer (at once, then every 2 s): wait for the broker to log
    # the refusal of one rather than read the log once.
    deadline = time.monotonic() + 15
    while 'msg="authorization failed"' not in fleet.broker_log() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "reconnected" not in second.log_text(), second.log_tail()
    log = fleet.broker_log()
    assert 'msg="authorization withdrawn by reload; closing"' in log and "user=node-2" in log, log[-3000:]
    assert 'msg="authorization failed"' in log, "node-2's reconnects are refused"
    for process, text in (("node-1", first.log_text()), ("master", master.log_path.read_text())):
        assert "disconnected" not in text and "reconnected" not in text, f"{process} was interrupted:\n{text}"
    assert first.alive and second.alive and master.proc.poll() is None


def test_a_broken_configuration_on_sighup_leaves_the_running_one_in_force(mtls_fleet):
    fleet = mtls_fleet
    serial = fleet.served_serial()
    fleet.reload(fleet.config().replace(f"{fleet.certs}/broker.pem", "/nonexistent/broker.pem"))
    fleet.reload("max_payload: -1\nthis is not a config {{{\n")
    failures = [line for line in fleet.reload_lines() if "reload failed" in line]
    assert len(failures) == 2 and "/nonexistent/broker.pem" in failures[0], failures
    assert fleet.broker.alive
    assert fleet.served_serial() == serial

    async def still_works():
        nc = await nats.connect(fleet.url, tls=fleet.context("ops"), tls_hostname="localhost", connect_timeout=3)
        try:
            await nc.request("$JS.API.INFO", b"", timeout=5)
        finally:
            await nc.close()

    asyncio.run(still_works())
