"""Robustness of the broker (only the broker under test, no oracle): garbage, half frames, many
subscriptions, slow consumers, stale connections, connection limits, connection churn."""

from __future__ import annotations

import asyncio
import random
import socket
import threading
import time

import pytest

from interop_aio import barrier, connect
from interop_wire import PING, PONG, RawConn, err_line, pub, render


def healthy_round_trip(server, subject="health.check", count=20):
    """A fresh, well-behaved pair of connections still exchanges messages."""
    sub = RawConn(server.port)
    sub.connect()
    sub.send(f"SUB {subject} 1\r\n".encode())
    assert sub.sync()
    p = RawConn(server.port)
    p.connect()
    p.send(b"".join(pub(subject, str(i).encode()) for i in range(count)))
    assert p.sync()
    assert sub.sync()
    assert [f[4] for f in sub.deliveries()] == [str(i).encode() for i in range(count)]
    sub.close()
    p.close()


def wait_until(predicate, timeout, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


# --------------------------------------------------------------------------------------------
# Garbage and half frames
# --------------------------------------------------------------------------------------------

VALID_FRAMES = [
    b'CONNECT {"verbose":false,"pedantic":false,"headers":true}\r\n',
    b"SUB g.a 1\r\n", b"SUB g.* q 2\r\n", b"UNSUB 1 5\r\n", b"PING\r\n", b"PONG\r\n",
    b"PUB g.a 5\r\nhello\r\n", b"PUB g.b reply.x 3\r\nabc\r\n",
    b"HPUB g.a 22 24\r\nNATS/1.0\r\nKey: Val\r\n\r\nhi\r\n",
]


def garbage(rng: random.Random) -> bytes:
    kind = rng.randrange(5)
    if kind == 0:  # raw random bytes
        return rng.randbytes(rng.randrange(1, 3000))
    if kind == 1:  # valid frames with random bytes flipped
        data = bytearray(b"".join(rng.choice(VALID_FRAMES) for _ in range(rng.randrange(1, 10))))
        for _ in range(rng.randrange(1, 6)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    if kind == 2:  # plausible ops with absurd arguments
        op = rng.choice([b"PUB", b"HPUB", b"SUB", b"UNSUB", b"CONNECT", b"MSG", b"INFO"])
        args = b" ".join(rng.choice([b"999999999999999999999", b"-5", b"\t", b"g.>", b"..", b"{", b"0",
                                     b"4294967296", b"18446744073709551616", rng.randbytes(8)])
                         for _ in range(rng.randrange(0, 6)))
        return op + b" " + args + rng.choice([b"\r\n", b"\n", b"", b"\r"])
    if kind == 3:  # very long line without CRLF
        return b"SUB " + b"x" * rng.randrange(4000, 70000)
    # truncated valid frames
    frame = b"".join(rng.choice(VALID_FRAMES) for _ in range(3))
    return frame[:rng.randrange(1, len(frame))]


def garbage_client(port, seed, results):
    rng = random.Random(seed)
    sent = 0
    for _ in range(rng.randrange(3, 12)):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
        except OSError as exc:
            results.append(f"connect failed: {exc}")
            return
        try:
            if rng.random() < 0.5:
                s.recv(4096)  # sometimes read the INFO first
            for _ in range(rng.randrange(1, 8)):
                chunk = garbage(rng)
                s.sendall(chunk)
                sent += len(chunk)
                if rng.random() < 0.3:
                    time.sleep(0.001)
        except OSError:
            pass  # the broker closed us: expected
        finally:
            s.close()
    results.append(sent)


def test_random_garbage_from_several_clients(broker):
    sub = RawConn(broker.port)
    sub.connect()
    sub.send(b"SUB healthy.stream 1\r\n")
    assert sub.sync()
    publisher = RawConn(broker.port)
    publisher.connect()

    results: list = []
    threads = [threading.Thread(target=garbage_client, args=(broker.port, seed, results), daemon=True)
               for seed in range(8)]
    for t in threads:
        t.start()
    n = 0
    while any(t.is_alive() for t in threads) or n < 300:
        publisher.send(b"".join(pub("healthy.stream", str(n + i).encode()) for i in range(10)))
        n += 10
        assert publisher.sync(), "well-behaved publisher was disconnected"
        if n % 200 == 0:
            assert sub.sync(), "healthy subscriber was disconnected"
        if n > 20000:
            break
    for t in threads:
        t.join(30)
    assert all(isinstance(r, int) for r in results), results
    assert broker.alive, "broker died on garbage input"
    assert sub.sync(timeout=10)
    got = [int(f[4]) for f in sub.deliveries()]
    assert got == list(range(n)), "healthy subscriber lost or reordered messages"
    assert sub.errors() == [] and publisher.errors() == []
    healthy_round_trip(broker)


HALF_FRAMES = [
    b"PUB foo 10\r\nhel", b"PUB foo 10", b"HPUB foo 22 24\r\nNATS/1.0\r\nKe", b"SUB fo", b"SUB foo 1",
    b'CONNECT {"verb', b"UNSU", b"P", b"PUB foo 1048576\r\n" + b"x" * 70000, b"HPUB foo 12",
    b'CONNECT {"verbose":false}\r\nSUB a 1\r\nPUB a 100\r\n' + b"y" * 50,
]


def fd_report(server, baseline_kinds) -> str:
    now = server.fd_kinds()
    diff = {k: now.get(k, 0) - baseline_kinds.get(k, 0) for k in set(now) | set(baseline_kinds)}
    return f"fds now {sum(now.values())}, change by kind {({k: v for k, v in diff.items() if v})}"


def test_half_frames_then_disconnect(broker):
    """A client sends part of a frame, then closes (FIN or RST): the broker must close its side."""
    time.sleep(0.2)  # let the startup probe connection go away
    baseline_fds = broker.fd_count()
    baseline_kinds = broker.fd_kinds()
    for i in range(300):
        s = socket.create_connection(("127.0.0.1", broker.port), timeout=5)
        if i % 3 == 0:
            s.recv(4096)
        try:
            s.sendall(HALF_FRAMES[i % len(HALF_FRAMES)])
        except OSError:
            pass
        if i % 2:  # abortive close (RST) half of the time
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.close()
    assert broker.alive
    healthy_round_trip(broker)
    assert wait_until(lambda: broker.fd_count() <= baseline_fds + 2, 10), (
        f"fd leak after half frames + disconnect: baseline {baseline_fds}; {fd_report(broker, baseline_kinds)}")


# --------------------------------------------------------------------------------------------
# Many subscriptions
# --------------------------------------------------------------------------------------------

def test_ten_thousand_subscriptions(broker):
    n = 10_000
    sub = RawConn(broker.port, timeout=30)
    sub.connect()
    sub.send(b"".join(b"SUB s.%d %d\r\n" % (i, i) for i in range(n)) + b"SUB s.* all\r\n")
    assert sub.sync(timeout=30)
    assert sub.errors() == []
    p = RawConn(broker.port)
    p.connect()
    targets = [0, 1, 4999, 9998, 9999]
    p.send(b"".join(pub(f"s.{i}", f"m{i}".encode()) for i in targets) + pub("s.none", b"z"))
    assert p.sync()
    assert sub.sync()
    got = sorted((f[1], f[2], f[4]) for f in sub.deliveries())
    want = sorted([(f"s.{i}".encode(), str(i).encode(), f"m{i}".encode()) for i in targets]
                  + [(f"s.{i}".encode(), b"all", f"m{i}".encode()) for i in targets]
                  + [(b"s.none", b"all", b"z")])
    assert got == want

    before = len(sub.deliveries())
    sub.send(b"".join(b"UNSUB %d\r\n" % i for i in range(n)))
    assert sub.sync(timeout=30)
    p.send(b"".join(pub(f"s.{i}", b"late") for i in targets))
    assert p.sync()
    assert sub.sync()
    late = sub.deliveries()[before:]
    assert sorted(f[2] for f in late) == [b"all"] * len(targets), "only the wildcard sub should remain"
    sub.send(b"UNSUB all\r\n")
    assert sub.sync()
    p.send(pub("s.1", b"gone"))
    assert p.sync() and sub.sync()
    assert len(sub.deliveries()) == before + len(targets)
    sub.close()
    p.close()


def test_max_subscriptions(server_factory):
    server = server_factory.start("broker", max_subscriptions=3)
    c = RawConn(server.port)
    c.connect()
    c.send(b"SUB a 1\r\nSUB b 2\r\nSUB c 3\r\nSUB d 4\r\n")
    assert c.sync(), "exceeding max_subscriptions must not close the connection"
    assert c.errors() == [b"-ERR 'maximum subscriptions exceeded'"]
    c.send(pub("c", b"1") + pub("d", b"2"))
    assert c.sync()
    assert [(f[1], f[4]) for f in c.deliveries()] == [(b"c", b"1")]
    c.close()


# --------------------------------------------------------------------------------------------
# Slow consumer
# --------------------------------------------------------------------------------------------

class RssSampler(threading.Thread):
    def __init__(self, server):
        super().__init__(daemon=True)
        self.server = server
        self.peak = 0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            try:
                self.peak = max(self.peak, self.server.rss_bytes())
            except OSError:
                return
            time.sleep(0.02)


@pytest.mark.timeout(90)
def test_slow_consumer_is_disconnected(server_factory):
    """nats-server 2.15: once a client's pending bytes pass max_pending it logs "Slow Consumer
    Detected: MaxPending of 4194304 Exceeded", stops queueing to it and marks it closed, but the
    socket is only closed when the blocked write hits write_deadline (10 s by default) -- so
    write_deadline is 2s here to keep the test short. The broker may close sooner."""
    server = server_factory.start("broker", max_pending="4MB", write_deadline="2s")
    payload_size = 4096
    count = 32768  # 128 MiB in total: far past 4 MB pending, and past the RSS bound if buffered

    slow = RawConn(server.port, rcvbuf=4096)
    slow.connect()
    slow.send(b"SUB flood 1\r\n")
    assert slow.sync()
    # From here on the slow consumer never reads.

    baseline_rss = server.rss_bytes()
    sampler = RssSampler(server)
    sampler.start()

    async def flood():
        healthy_nc = await connect(server)
        pub_nc = await connect(server)
        received = []

        async def on_msg(msg):
            received.append(len(msg.data))

        await healthy_nc.subscribe("flood", cb=on_msg)
        await barrier(healthy_nc)
        payload = b"p" * payload_size
        for i in range(count):
            await pub_nc.publish("flood", payload)
            if i % 64 == 63:
                await pub_nc.flush(timeout=10)  # paces the publisher so the healthy sub keeps up
        await barrier(pub_nc)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        while len(received) < count and loop.time() < deadline:
            await asyncio.sleep(0.05)
        state = (pub_nc.is_connected, healthy_nc.is_connected, list(pub_nc.test_errors.errors),
                 list(healthy_nc.test_errors.errors))
        await pub_nc.close()
        await healthy_nc.close()
        return received, state

    try:
        received, (pub_ok, healthy_ok, pub_errors, healthy_errors) = asyncio.run(flood())
    finally:
        sampler.stop.set()
        sampler.join(5)

    assert server.alive, "broker died under a slow consumer"
    assert pub_ok and not pub_errors, f"publisher affected: {pub_errors}"
    assert healthy_ok and not healthy_errors, f"healthy subscriber affected: {healthy_errors}"
    assert len(received) == count and all(n == payload_size for n in received), (
        f"healthy subscriber got {len(received)} of {count}")

    # The slow consumer must have been cut off: reading now ends in EOF, well short of 64 MiB.
    slow.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    assert slow.wait_closed(15), "slow consumer was not disconnected"
    delivered = len(slow.deliveries())
    assert delivered < count, "slow consumer received everything: it was never cut off"

    growth = sampler.peak - baseline_rss
    assert growth < 100 * 1024 * 1024, f"broker RSS grew by {growth / 1e6:.1f} MB"
    healthy_round_trip(server)


# --------------------------------------------------------------------------------------------
# Keep-alive
# --------------------------------------------------------------------------------------------

@pytest.mark.timeout(30)
def test_stale_connection_is_closed(server_factory):
    server = server_factory.start("broker", ping_interval="1s", ping_max=2)
    stale = RawConn(server.port)
    stale.send(b'CONNECT {"verbose":false,"pedantic":false}\r\n')
    start = time.monotonic()
    assert stale.wait_closed(10), "a client that never answers PINGs must be closed"
    elapsed = time.monotonic() - start
    assert stale.frames[1:] == [PING, PING, err_line("Stale Connection")], render(stale.frames[1:])
    assert 2.0 <= elapsed <= 6.0, f"closed after {elapsed:.1f}s, expected about 3s"


@pytest.mark.timeout(30)
def test_client_answering_pings_stays_connected(server_factory):
    server = server_factory.start("broker", ping_interval="1s", ping_max=2)
    c = RawConn(server.port)
    c.connect()
    answered = 0
    deadline = time.monotonic() + 4.5
    while time.monotonic() < deadline:
        c.wait_for(lambda: c.count(PING) > answered, timeout=deadline - time.monotonic())
        while answered < c.count(PING):
            c.send(b"PONG\r\n")
            answered += 1
    assert not c.closed, render(c.frames)
    assert answered >= 3, f"expected a PING about every second, got {answered}"
    assert c.sync()
    assert c.errors() == []
    c.close()


# --------------------------------------------------------------------------------------------
# Connection limits and churn
# --------------------------------------------------------------------------------------------

def test_max_connections(server_factory):
    server = server_factory.start("broker", max_connections=5)
    conns = []
    for _ in range(5):
        c = RawConn(server.port)
        c.connect()
        conns.append(c)
    extra = RawConn(server.port)
    assert extra.wait_closed(5), "connection over max_connections must be closed"
    assert extra.frames[1:] == [err_line("maximum connections exceeded")], render(extra.frames)
    for c in conns:
        assert c.sync(), "existing connections must stay up"
    conns.pop().close()

    def can_connect():
        c = RawConn(server.port)
        c.send(b'CONNECT {"verbose":false,"pedantic":false}\r\n')
        ok = c.sync(timeout=2)
        if ok:
            conns.append(c)
        else:
            c.close()
        return ok

    assert wait_until(can_connect, 5, interval=0.1), "a freed slot must be usable again"
    for c in conns:
        c.close()


@pytest.mark.timeout(120)
def test_connection_churn_no_fd_leak(broker):
    time.sleep(0.2)  # let the startup probe connection go away
    baseline_fds = broker.fd_count()
    baseline_kinds = broker.fd_kinds()
    baseline_rss = broker.rss_bytes()
    rng = random.Random(7)
    total = 0
    for batch in range(50):
        socks = []
        for _ in range(20):
            mode = rng.randrange(3)
            if mode == 0:
                c = RawConn(broker.port)
                c.connect()
                c.send(b"SUB churn.%d 1\r\n" % total)
                socks.append(("raw", c))
            elif mode == 1:
                s = socket.create_connection(("127.0.0.1", broker.port), timeout=5)
                socks.append(("bare", s))
            else:
                c = RawConn(broker.port)
                c.send(b'CONNECT {"verbose":false,"pedantic":false}\r\nSUB x 1\r\nPUB x 1\r\na\r\n')
                socks.append(("rst", c))
            total += 1
        for kind, obj in socks:
            if kind == "bare":
                obj.close()
            else:
                obj.close(rst=(kind == "rst"))
    assert total == 1000
    assert broker.alive
    assert wait_until(lambda: broker.fd_count() <= baseline_fds + 2, 15), (
        f"fd leak after 1000 connections: baseline {baseline_fds}; {fd_report(broker, baseline_kinds)}")
    growth = broker.rss_bytes() - baseline_rss
    assert growth < 50 * 1024 * 1024, f"RSS grew by {growth / 1e6:.1f} MB over 1000 connections"
    healthy_round_trip(broker)
