"""A 3-node nats-server JetStream cluster on loopback for the failover tests: distinct client and
route ports, a store folder per node, each with JetStream; ffrtmp's streams declared on it by
`ffrtmp setup --replicas 3`. A node can be SIGKILLed and restarted on its ports and store.

Agents and the master get the comma-separated URL of all three nodes (``Cluster.urls``).
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

import interop_servers as servers  # noqa: E402


class Cluster:
    """Three nats-server processes (n1, n2, n3) routed to each other as cluster ``ffrtmp-e2e``."""

    def __init__(self, folder: Path, size: int = 3):
        self.folder = Path(folder) / "cluster"
        self.client_ports = [servers.free_port() for _ in range(size)]
        self.route_ports = [servers.free_port() for _ in range(size)]
        self.nodes: dict[str, servers.ServerProcess] = {}
        routes = ", ".join(f"nats-route://127.0.0.1:{port}" for port in self.route_ports)
        for index in range(size):
            name = f"n{index + 1}"
            config = (f"server_name: {name}\n"
                      f"cluster {{ name: ffrtmp-e2e, listen: \"127.0.0.1:{self.route_ports[index]}\", "
                      f"routes: [{routes}] }}")
            self.nodes[name] = servers.ServerProcess(
                "nats-server", self.folder, name, {"jetstream": True}, config=config)

    @property
    def servers(self) -> list[str]:
        return [f"nats://127.0.0.1:{port}" for port in self.client_ports]

    def url_of(self, name: str) -> str:
        return f"nats://127.0.0.1:{self.nodes[name].port or self.client_ports[int(name[1:]) - 1]}"

    @property
    def urls(self) -> str:
        """The comma-separated form ffrtmp's -s takes."""
        return ",".join(self.servers)

    def start(self, timeout: float = 30.0) -> "Cluster":
        for (name, node), port in zip(self.nodes.items(), self.client_ports):
            node.start(port)
        asyncio.run(self._wait_for_meta_leader(timeout))
        done = subprocess.run([str(servers.ffrtmp_binary()), "setup", "--replicas", "3", "-s", self.urls],
                              capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, f"ffrtmp setup exited {done.returncode}\n{done.stdout}\n{done.stderr}"
        return self

    async def _wait_for_meta_leader(self, timeout: float):
        """Until the JetStream API answers (a meta leader is elected)."""
        deadline = time.monotonic() + timeout
        nc = await nats.connect(self.servers, connect_timeout=3)
        try:
            while True:
                try:
                    reply = await nc.request("$JS.API.INFO", b"", timeout=1)
                    if "error" not in json.loads(reply.data):
                        return
                except Exception:  # noqa: BLE001 - no answer yet while the cluster forms
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError("no JetStream meta leader in the cluster; logs:\n" + self.log_tails())
                await asyncio.sleep(0.2)
        finally:
            await nc.close()

    def kill_all(self):
        for node in self.nodes.values():
            node.kill()

    def log_tails(self, lines: int = 20) -> str:
        return "\n".join(f"--- {name}\n{node.log_tail(lines)}" for name, node in self.nodes.items())


async def stream_leader(nc, stream: str, timeout: float = 20.0) -> str:
    """The server name leading ``stream`` (`$JS.API.STREAM.INFO.<stream>` → cluster.leader)."""
    return await _leader(nc, f"STREAM.INFO.{stream}", stream, timeout)


async def consumer_leader(nc, stream: str, consumer: str, timeout: float = 20.0) -> str:
    """The server name leading ``consumer`` (where its acks go), which may differ from the stream's."""
    return await _leader(nc, f"CONSUMER.INFO.{stream}.{consumer}", f"{stream}/{consumer}", timeout)


async def _leader(nc, api: str, what: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            reply = await nc.request(f"$JS.API.{api}", b"", timeout=2)
            leader = json.loads(reply.data).get("cluster", {}).get("leader")
            if leader:
                return leader
        except Exception:  # noqa: BLE001 - an election in progress
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"no leader for {what} within {timeout}s")
        await asyncio.sleep(0.2)
