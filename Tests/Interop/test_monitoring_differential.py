"""The monitoring port (`-m`/`http_port`) against nats-server 2.15's: both servers get the same
traffic (two named nats-py connections with subscriptions, a JetStream stream with a message and
a consumer), then each endpoint is fetched from both and the JSON key sets compared.

Every key the broker emits must exist in nats-server's answer with the same JSON type (nested
objects are compared one level down: each connection of /connz, /jsz's config and api). The keys
nats-server has and the broker leaves out must equal the documented lists below (the monitoring
section of protocol/PROTOCOL.md), so an omission cannot appear or grow silently. /metrics is
checked by `promtool check metrics`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.error
import urllib.request

import pytest

import interop_servers as servers
from interop_aio import connect, run_async

pytestmark = pytest.mark.timeout(60)

ENDPOINTS = ("/healthz", "/varz", "/connz?subs=1", "/subsz", "/jsz")

# nats-server's keys the broker does not emit, by endpoint ("parent.key" for nested ones).
OMITTED = {
    "/healthz": set(),
    "/varz": {
        "git_commit", "go", "gomaxprocs", "cpu", "http_base_path", "https_port", "tls_timeout",
        "cluster", "gateway", "leaf", "mqtt", "websocket", "jetstream", "in_bytes", "in_client_msgs",
        "in_client_bytes", "out_client_msgs", "out_client_bytes", "stale_connections", "stalled_clients",
        "http_req_stats", "config_load_time", "config_digest", "feature_flags", "system_account",
        "slow_consumer_stats", "stale_connection_stats", "disk_io_wait_stats",
    },
    "/connz?subs=1": {
        "connections[].rtt", "connections[].in_msgs", "connections[].out_msgs", "connections[].in_bytes",
        "connections[].out_bytes",
    },
    "/subsz": {
        "num_cache", "num_inserts", "num_removes", "num_matches", "cache_hit_rate", "max_fanout",
        "avg_fanout", "total", "offset", "limit",
    },
    "/jsz": {
        "config.max_memory", "config.max_storage", "config.sync_interval", "config.strict", "limits", "total",
    },
}


def json_type(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if value is None:
        return "null"
    return {str: "string", list: "array", dict: "object"}[type(value)]


def flatten(document: dict) -> dict[str, str]:
    """Key -> JSON type, with the nested objects we compare one level down."""
    keys = {key: json_type(value) for key, value in document.items()}
    for parent in ("config", "api"):
        if isinstance(document.get(parent), dict):
            keys.update({f"{parent}.{k}": json_type(v) for k, v in document[parent].items()})
    connections = document.get("connections")
    if isinstance(connections, list):
        for connection in connections:
            keys.update({f"connections[].{k}": json_type(v) for k, v in connection.items()})
    return keys


def fetch(port: int, path: str) -> bytes:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
        assert response.status == 200, path
        return response.read()


async def make_traffic(server):
    first = await connect(server, name="first")
    second = await connect(server, name="second")
    await first.subscribe("orders.*")
    await second.subscribe("jobs.>", queue="workers")
    await first.publish("orders.new", b"hello")
    js = first.jetstream(timeout=5)
    await js.add_stream(name="EVENTS", subjects=["events.>"])
    await js.publish("events.one", b"payload")
    await js.pull_subscribe("events.>", durable="reader")
    await first.flush()
    await second.flush()
    return first, second


def start_pair(server_factory):
    ports = {kind: servers.free_port() for kind in ("broker", "nats-server")}
    started = {
        kind: server_factory.start(kind, config=f"http_port: {port}", jetstream=True)
        for kind, port in ports.items()
    }
    return started, ports


@run_async
async def test_every_monitoring_key_we_emit_is_nats_servers_with_the_same_type(server_factory):
    started, ports = start_pair(server_factory)
    clients = []
    for server in started.values():
        clients += await make_traffic(server)
    # Validating the suite against nats-server itself (FFRTMP_UNDER_TEST=nats-server): nothing omitted.
    omissions = OMITTED if started["broker"].flavor == "ffrtmp" else {path: set() for path in OMITTED}
    try:
        for path in ENDPOINTS:
            ours = flatten(json.loads(fetch(ports["broker"], path)))
            theirs = flatten(json.loads(fetch(ports["nats-server"], path)))
            extra = {key for key in ours if key not in theirs}
            assert not extra, f"{path}: keys nats-server does not have: {sorted(extra)}"
            mistyped = {key: (ours[key], theirs[key]) for key in ours if ours[key] != theirs[key]}
            assert not mistyped, f"{path}: JSON types differ (ours, nats-server's): {mistyped}"
            omitted = set(theirs) - set(ours)
            assert omitted == omissions[path], (
                f"{path}: newly omitted {sorted(omitted - omissions[path])}, "
                f"now present {sorted(omissions[path] - omitted)}")
    finally:
        for client in clients:
            await client.close()


@run_async
async def test_connz_pages_and_clamps_like_nats_server(server_factory):
    started, ports = start_pair(server_factory)
    clients = []
    for server in started.values():
        clients += await make_traffic(server)
    try:
        for port in ports.values():
            page = json.loads(fetch(port, "/connz?offset=1&limit=1"))
            assert (page["offset"], page["limit"], page["num_connections"]) == (1, 1, 1)
            assert page["total"] >= 2
            clamped = json.loads(fetch(port, "/connz?offset=-5&limit=-1&subs=0"))
            assert clamped["offset"] == 0 and clamped["limit"] == 1024
            assert all("subscriptions_list" not in c for c in clamped["connections"])
            for junk in ("limit=abc", "offset=99999999999999999999", "subs=%00", "sort=bogus"):
                with pytest.raises(urllib.error.HTTPError) as refused:
                    fetch(port, f"/connz?{junk}")
                assert refused.value.code == 400, junk
    finally:
        for client in clients:
            await client.close()


@run_async
async def test_metrics_pass_promtool(server_factory):
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool not installed (Debian: prometheus)")
    port = servers.free_port()
    server = server_factory.start("broker", config=f"http_port: {port}", jetstream=True)
    if server.flavor != "ffrtmp":
        pytest.skip("nats-server has no /metrics")
    clients = await make_traffic(server)
    try:
        text = fetch(port, "/metrics")
        checked = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, timeout=30)
        assert checked.returncode == 0, checked.stdout.decode() + checked.stderr.decode()
        assert b"ffrtmp_broker_connections 2\n" in text
        assert b"ffrtmp_broker_jetstream_streams 1\n" in text
    finally:
        for client in clients:
            await client.close()
