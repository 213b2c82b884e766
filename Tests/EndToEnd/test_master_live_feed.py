"""The dashboard's live feed (/events) at fleet size, on `ffrtmp up --no-agent`: 1 500 nodes whose
heartbeats carry a 2 000-character CPU model (about 3.7 MB as /api/nodes shows them, over three times a
viewer's 1 MiB buffer, which used to drop every viewer at the first fleet event) reach a viewer
as a snapshot in pages of at most 64 KiB, with strings clamped, then as deltas of the nodes that
changed; the viewer is never disconnected. A heartbeat published on another node's subject is
refused and counted."""

from __future__ import annotations

import asyncio
import http.client
import json
import time

import nats

NODES = 1500
PAGE_LIMIT = 64 * 1024


def heartbeat(node: str) -> dict:
    return {
        "v": 1, "node_id": node, "name": node, "version": "test",
        "hardware": {"cpu_model": "X" * 2000, "cores": 4, "threads": 8, "ram_mb": 8000, "gpus": []},
        "capabilities": [{"name": "cpu", "proven": True, "probe": "test"}],
        "slots_total": 1, "slots_busy": 0, "running_jobs": [], "state": "available",
        "power_sources": ["estimated"], "sent_at": time.time_ns(),
    }


async def publish_heartbeats(url: str, nodes: list[str], forged: bool = False):
    connection = await nats.connect(url)
    for node in nodes:
        await connection.publish(f"hb.{node}", json.dumps(heartbeat(node)).encode())
    if forged:
        await connection.publish("hb.attacker", json.dumps(heartbeat("victim-7")).encode())
    await connection.flush()
    await connection.close()


class EventReader:
    """A raw /events viewer: Server-Sent Events parsed from the response as it streams."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        self.connection.request("GET", "/events")
        self.response = self.connection.getresponse()
        assert self.response.status == 200

    def next_event(self) -> tuple[str | None, str]:
        name, data = None, []
        while True:
            line = self.response.readline()
            assert line, "the server closed the event stream"
            line = line.decode().rstrip("\n")
            if line.startswith("event: "):
                name = line[len("event: "):]
            elif line.startswith("data: "):
                data.append(line[len("data: "):])
            elif line == "" and (name or data):
                return name, "\n".join(data)

    def fleet(self) -> dict:
        while True:
            name, data = self.next_event()
            if name == "fleet":
                assert len(data.encode()) <= PAGE_LIMIT, len(data.encode())
                return json.loads(data)


def test_a_large_fleet_reaches_a_viewer_in_bounded_pages_then_deltas(up):
    service = up("--no-agent")
    nodes = [f"node-{index:04d}" for index in range(NODES)]
    asyncio.run(publish_heartbeats(service.broker_url, nodes, forged=True))
    service.wait_json("/api/nodes?limit=1", lambda d: d["total"] == NODES, 20, f"{NODES} nodes")
    status, _, body = service.get("/api/nodes?limit=5000")
    assert status == 200 and len(body) > 3 * (1 << 20), len(body)

    viewer = EventReader(service.http_port)
    seen: dict[str, dict] = {}
    pages = 0
    while True:
        update = viewer.fleet()
        assert update["total"] == NODES
        if update["kind"] == "snapshot":
            pages += 1
            for node in update["nodes"]:
                seen[node["node_id"]] = node
            if update["last"]:
                break
    assert pages > 1 and set(seen) == set(nodes), (pages, len(seen))
    assert max(len(node["cpu_model"]) for node in seen.values()) <= 128

    asyncio.run(publish_heartbeats(service.broker_url, nodes[:10]))
    changed: set[str] = set()
    deadline = time.monotonic() + 10
    while not set(nodes[:10]) <= changed and time.monotonic() < deadline:
        update = viewer.fleet()
        if update["kind"] == "delta":
            assert len(update["nodes"]) < NODES / 2, len(update["nodes"])
            changed |= {node["node_id"] for node in update["nodes"]}
    assert set(nodes[:10]) <= changed, changed

    # The forged heartbeat is counted by the decoder thread of its own inbox shard, which need not
    # have reached it when the other shards' nodes are all listed: wait for the count to show.
    deadline = time.monotonic() + 10
    while True:
        metrics = service.metrics()
        refused = [s for s in metrics.get("ffrtmp_master_messages_refused_total", [])
                   if s.labels == {"kind": "heartbeat", "reason": "node_mismatch"}]
        if refused or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert refused and refused[0].value == 1, metrics.get("ffrtmp_master_messages_refused_total")
    assert "victim-7" not in {n["node_id"] for n in service.json("/api/nodes?limit=5000")["nodes"]}
