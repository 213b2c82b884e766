"""Differential pull-request endings: the same raw exchanges (a plain socket: SUB an inbox, PUB a
`CONSUMER.MSG.NEXT` request with that reply, record every MSG/HMSG) run against nats-server 2.15
(`-js`, the oracle) and the broker (`-js`); how each request ends must be the same.

Each scenario makes its own stream and a durable consumer with request limits (`max_batch` 50,
`max_expires` 5s, `max_bytes` 100000) and performs pulls that can only be partly filled, with
`no_wait`, `expires`, both, `max_bytes` and `idle_heartbeat`, plus the limits' refusals and a
request still waiting when its consumer is deleted.

What is compared for each pull: the messages (subject, payload) and each status reply's
``NATS/1.0 <code> <description>`` line with its header names and ``Nats-Pending-Messages``
value. Not compared (timing or identity): ``Nats-Pending-Bytes`` values (the ack subject in the
count carries a timestamp), ``Nats-Last-*`` values, and how many idle heartbeats arrived
(consecutive equal status lines are counted once). Where the point is *when* a request ends
(a partly filled one-shot pull ends at once, not at its expiry), the transcript records whether
the ending came well before the expiry.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from interop_wire import RawConn, pub

pytestmark = pytest.mark.timeout(60)

LIMITS = {"max_batch": 50, "max_expires": 5_000_000_000, "max_bytes": 100_000}
MS = 1_000_000


class Exchange:
    """One server's raw connection and the transcript of a scenario run on it."""

    def __init__(self, server, stream: str):
        self.conn = RawConn(server.port)
        self.conn.connect(headers=True, no_responders=True, protocol=1)
        self.stream = stream
        self.inbox = 0
        self.log: list[tuple] = []

    def _frames_on(self, inbox: str):
        return [f for f in self.conn.deliveries() if f[1].decode() == inbox]

    def request(self, subject: str, body: bytes) -> list:
        self.inbox += 1
        inbox = f"_R.{self.inbox}"
        self.conn.send(f"SUB {inbox} {self.inbox}\r\n".encode() + pub(subject, body, inbox))
        self.conn.wait_for(lambda: self._frames_on(inbox), 3.0)
        return self._frames_on(inbox)

    def setup(self, consumer_config: dict | None = None):
        stream = {"name": self.stream, "subjects": [f"{self.stream}.>"], "storage": "memory"}
        created = self.request(f"$JS.API.STREAM.CREATE.{self.stream}", json.dumps(stream).encode())
        assert b"error" not in created[0][-1], created
        config = {"durable_name": "C", "ack_policy": "explicit", **LIMITS, **(consumer_config or {})}
        body = json.dumps({"stream_name": self.stream, "config": config}).encode()
        created = self.request(f"$JS.API.CONSUMER.CREATE.{self.stream}.C", body)
        assert b"error" not in created[0][-1], created

    def publish(self, count: int, size: int = 10):
        """Publishes and waits for every stream acknowledgement: a server stores a message after
        the PING that follows it is answered (nats-server does so on another goroutine), so only
        the acks say the messages are there for the next pull."""
        self.inbox += 1
        acks = f"_A.{self.inbox}"
        self.conn.send(f"SUB {acks} {self.inbox}\r\n".encode()
                       + b"".join(pub(f"{self.stream}.a", b"x" * size, acks) for _ in range(count)))
        assert self.conn.wait_for(lambda: len(self._frames_on(acks)) >= count, 5.0), self._frames_on(acks)
        assert all(b"error" not in frame[-1] for frame in self._frames_on(acks)), self._frames_on(acks)

    def pull(self, body: dict, wait: float, label: str | None = None) -> float:
        """Sends one pull request and records what arrived within ``wait`` seconds (or until an
        ending status); returns the seconds until the first status."""
        self.inbox += 1
        inbox = f"_P.{self.inbox}"
        started = time.monotonic()
        request = pub(f"$JS.API.CONSUMER.MSG.NEXT.{self.stream}.C", json.dumps(body).encode(), inbox)
        self.conn.send(f"SUB {inbox} {self.inbox}\r\n".encode() + request)
        first_status = None
        deadline = started + wait
        while time.monotonic() < deadline:
            frames = self._frames_on(inbox)
            statuses = [f for f in frames if f[0] == "HMSG" and not f[5]]
            if statuses and first_status is None:
                first_status = time.monotonic() - started
            if any(not status_line(f[4]).startswith("100") for f in statuses):
                break
            self.conn._recv_once(0.05)
        self.conn.settle(quiet=0.1, timeout=0.5)
        self.log.append((label or json.dumps(body, sort_keys=True), normalize(self._frames_on(inbox))))
        return first_status if first_status is not None else wait

    def note(self, label: str, value):
        self.log.append((label, value))

    def close(self):
        self.conn.close()


def status_line(headers: bytes) -> str:
    return headers.split(b"\r\n", 1)[0].decode().removeprefix("NATS/1.0").strip()


def normalize(frames) -> list:
    """Messages as (subject, payload); statuses as (status line, header names, pending
    messages); runs of equal statuses (idle heartbeats) collapsed to one."""
    out: list = []
    for frame in frames:
        if frame[0] == "MSG" or frame[5]:
            out.append(("msg", frame[1].decode(), frame[-1]))
            continue
        lines = frame[4].decode().split("\r\n")[1:]
        headers = dict(line.split(": ", 1) for line in lines if ": " in line)
        entry = ("status", status_line(frame[4]), sorted(headers), headers.get("Nats-Pending-Messages"))
        if not out or out[-1] != entry:
            out.append(entry)
    return out


def run_pair(pair, scenario, name: str):
    """The scenario on both servers at once (timed steps cost their wall time once)."""
    def one(server):
        exchange = Exchange(server, name)
        try:
            scenario(exchange)
        finally:
            exchange.close()
        return exchange.log

    with ThreadPoolExecutor(2) as pool:
        oracle, broker = pool.map(one, pair)
    return oracle, broker


def assert_same(oracle, broker):
    diffs = [f"{want[0]}\n  nats-server: {want[1]}\n  broker:      {got[1]}"
             for want, got in zip(oracle, broker) if want != got]
    if len(oracle) != len(broker):
        diffs.append(f"transcript lengths differ: nats-server {len(oracle)}, broker {len(broker)}")
    if diffs:
        pytest.fail(f"{len(diffs)} difference(s) from nats-server:\n" + "\n".join(diffs), pytrace=False)


@pytest.fixture
def pair(server_factory):
    return server_factory.start("nats-server", jetstream=True), server_factory.start("broker", jetstream=True)


# --------------------------------------------------------------------------------------------
# Scenarios
# --------------------------------------------------------------------------------------------

def empty_consumer(s: Exchange):
    s.setup()
    s.pull({"batch": 5, "no_wait": True}, 1.0)
    s.pull({"batch": 5, "no_wait": True, "expires": 300 * MS}, 1.5)
    s.pull({"batch": 5, "expires": 300 * MS}, 1.5)


def partly_filled(s: Exchange):
    s.setup()
    s.publish(3)
    s.pull({"batch": 5, "no_wait": True}, 1.0)
    s.publish(3)
    took = s.pull({"batch": 5, "no_wait": True, "expires": 3000 * MS}, 4.0)
    s.note("no_wait+expires ended well before its expiry", took < 1.5)
    s.publish(3)
    s.pull({"batch": 5, "expires": 300 * MS}, 1.5)
    s.publish(3)
    s.pull({"batch": 3, "expires": 300 * MS}, 1.0, label="a batch filled exactly ends without a status")


def one_shot_waits_for_its_first_message(s: Exchange):
    s.setup()
    s.inbox += 1
    inbox = f"_P.{s.inbox}"
    body = json.dumps({"batch": 5, "no_wait": True, "expires": 2000 * MS}).encode()
    s.conn.send(f"SUB {inbox} {s.inbox}\r\n".encode() + pub(f"$JS.API.CONSUMER.MSG.NEXT.{s.stream}.C", body, inbox))
    s.conn.sync()
    time.sleep(0.2)
    s.conn.settle(quiet=0.1, timeout=0.3)
    s.note("nothing before the first message", normalize(s._frames_on(inbox)))
    started = time.monotonic()
    s.publish(1)
    s.conn.wait_for(lambda: any(f[0] == "HMSG" and not f[5] for f in s._frames_on(inbox)), 3.0)
    s.note("ended well before its expiry", time.monotonic() - started < 1.0)
    s.conn.settle(quiet=0.1, timeout=0.3)
    s.note("after the first message", normalize(s._frames_on(inbox)))


def request_limits(s: Exchange):
    s.setup()
    s.pull({"batch": 51, "expires": 300 * MS}, 1.0)
    s.pull({"batch": 51, "no_wait": True}, 1.0)
    s.pull({"batch": 5, "expires": 6000 * MS}, 1.0)
    s.pull({"batch": 5, "expires": 300 * MS, "max_bytes": 200_000}, 1.0)


def max_bytes(s: Exchange):
    s.setup()
    s.publish(3, size=100)
    s.pull({"batch": 5, "expires": 300 * MS, "max_bytes": 50}, 1.0)
    s.pull({"batch": 5, "expires": 300 * MS, "max_bytes": 300}, 1.0)
    s.pull({"batch": 5, "no_wait": True, "max_bytes": 1000}, 1.0)


def idle_heartbeat(s: Exchange):
    s.setup()
    s.publish(2)
    s.pull({"batch": 2, "no_wait": True}, 1.0)
    s.pull({"batch": 5, "expires": 1000 * MS, "idle_heartbeat": 300 * MS}, 2.0)
    s.pull({"batch": 5, "expires": 1000 * MS, "idle_heartbeat": 600 * MS}, 1.0, label="heartbeat too large")
    s.pull({"batch": 5, "idle_heartbeat": 300 * MS}, 1.0, label="heartbeat without expires")


def consumer_deleted(s: Exchange):
    s.setup()
    s.inbox += 1
    inbox = f"_P.{s.inbox}"
    body = json.dumps({"batch": 5, "expires": 5000 * MS}).encode()
    s.conn.send(f"SUB {inbox} {s.inbox}\r\n".encode() + pub(f"$JS.API.CONSUMER.MSG.NEXT.{s.stream}.C", body, inbox))
    s.conn.sync()
    time.sleep(0.1)
    s.request(f"$JS.API.CONSUMER.DELETE.{s.stream}.C", b"")
    s.conn.wait_for(lambda: s._frames_on(inbox), 2.0)
    s.note("waiting request when its consumer is deleted", normalize(s._frames_on(inbox)))


def max_waiting(s: Exchange):
    s.setup({"max_waiting": 1})
    s.inbox += 1
    inbox = f"_P.{s.inbox}"
    body = json.dumps({"batch": 1, "expires": 1000 * MS}).encode()
    s.conn.send(f"SUB {inbox} {s.inbox}\r\n".encode() + pub(f"$JS.API.CONSUMER.MSG.NEXT.{s.stream}.C", body, inbox))
    s.conn.sync()
    s.pull({"batch": 1, "no_wait": True}, 1.0, label="no_wait on an empty consumer at max_waiting")
    s.pull({"batch": 1, "expires": 300 * MS}, 1.0, label="one more waiting request")


SCENARIOS = [empty_consumer, partly_filled, one_shot_waits_for_its_first_message, request_limits, max_bytes,
             idle_heartbeat, consumer_deleted, max_waiting]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.__name__ for s in SCENARIOS])
def test_a_pull_request_ends_as_nats_server_ends_it(pair, scenario):
    oracle, broker = run_pair(pair, scenario, scenario.__name__.upper())
    assert_same(oracle, broker)
