"""nats-py (the real Python client, unchanged) against the broker: core publish/subscribe."""

from __future__ import annotations

import asyncio
import random

import pytest

from interop_aio import barrier, collect, connect, run_async


@run_async
async def test_connect_info_and_flush(broker):
    nc = await connect(broker)
    try:
        assert nc.is_connected
        info = nc._server_info  # what the server's INFO said, as nats-py parsed it
        assert info.get("proto") == 1
        assert info.get("headers") is True
        assert nc.max_payload == 1024 * 1024
        assert info.get("server_id")
        await nc.flush(timeout=2)
    finally:
        await nc.close()
    assert not nc.test_errors.errors


@run_async
async def test_publish_subscribe_between_connections(broker):
    sub_nc = await connect(broker)
    pub_nc = await connect(broker)
    try:
        sub = await sub_nc.subscribe("greet.joe")
        await barrier(sub_nc)
        for i in range(20):
            await pub_nc.publish("greet.joe", f"hello {i}".encode())
        await pub_nc.publish("greet.jane", b"not for joe")
        await barrier(pub_nc)
        msgs = await collect(sub, expected=20)
        assert [m.data for m in msgs] == [f"hello {i}".encode() for i in range(20)]
        assert all(m.subject == "greet.joe" and m.reply == "" for m in msgs)
    finally:
        await sub_nc.close()
        await pub_nc.close()


@run_async
async def test_publish_with_reply_subject(broker):
    nc = await connect(broker)
    try:
        sub = await nc.subscribe("svc.x")
        await nc.publish("svc.x", b"data", reply="my.reply.box")
        await barrier(nc)
        (msg,) = await collect(sub, expected=1)
        assert msg.reply == "my.reply.box"
        assert msg.data == b"data"
    finally:
        await nc.close()


WILDCARD_PUBLISHES = ["a", "a.b", "a.b.c", "a.x", "b.a", "a.b.c.d", "x.b.c"]
WILDCARD_EXPECT = {
    "a.*": ["a.b", "a.x"],
    "a.>": ["a.b", "a.b.c", "a.x", "a.b.c.d"],
    ">": WILDCARD_PUBLISHES,
    "*.b.c": ["a.b.c", "x.b.c"],
    "*": ["a"],
    "a.*.c.>": ["a.b.c.d"],
    "a.b": ["a.b"],
}


@pytest.mark.parametrize("pattern", list(WILDCARD_EXPECT))
@run_async
async def test_wildcards(broker, pattern):
    nc = await connect(broker)
    pub = await connect(broker)
    try:
        sub = await nc.subscribe(pattern)
        await barrier(nc)
        for subject in WILDCARD_PUBLISHES:
            await pub.publish(subject, subject.encode())
        await barrier(pub)
        await barrier(nc)
        msgs = await collect(sub, expected=len(WILDCARD_EXPECT[pattern]))
        assert [m.subject for m in msgs] == WILDCARD_EXPECT[pattern]
        assert [m.data for m in msgs] == [s.encode() for s in WILDCARD_EXPECT[pattern]]
    finally:
        await nc.close()
        await pub.close()


PAYLOAD_SIZES = [0, 1, 127, 128, 4096, 65536, "max-100", "max"]


@pytest.mark.parametrize("size", PAYLOAD_SIZES, ids=[str(s) for s in PAYLOAD_SIZES])
@run_async
async def test_payload_sizes_bytes_exact(broker, size):
    sub_nc = await connect(broker)
    pub_nc = await connect(broker)
    try:
        maxp = pub_nc.max_payload
        n = {"max": maxp, "max-100": maxp - 100}.get(size, size)
        rng = random.Random(n)
        payload = rng.randbytes(n)
        if n > 4:  # make sure CR/LF bytes inside a payload are carried, not parsed
            payload = b"\r\n" + payload[2:-2] + b"\r\n"
        sub = await sub_nc.subscribe("bulk")
        await barrier(sub_nc)
        await pub_nc.publish("bulk", payload)
        await pub_nc.publish("bulk", b"after")  # the stream stays in sync after the payload
        await barrier(pub_nc)
        msgs = await collect(sub, expected=2, timeout=10)
        assert len(msgs) == 2
        assert len(msgs[0].data) == n
        assert msgs[0].data == payload
        assert msgs[1].data == b"after"
    finally:
        await sub_nc.close()
        await pub_nc.close()


@run_async
async def test_queue_group_each_message_once(broker):
    n = 300
    members = [await connect(broker) for _ in range(3)]
    plain_nc = await connect(broker)
    pub = await connect(broker)
    try:
        subs = [await m.subscribe("work.items", queue="workers") for m in members]
        plain = await plain_nc.subscribe("work.items")
        for m in members + [plain_nc]:
            await barrier(m)
        for i in range(n):
            await pub.publish("work.items", str(i).encode())
        await barrier(pub)
        got = []
        per_member = []
        for s in subs:
            msgs = await collect(s, expected=None, timeout=10, quiet=0.3)
            per_member.append(len(msgs))
            got += [int(m.data) for m in msgs]
        assert sorted(got) == list(range(n)), "each message must reach exactly one group member"
        assert all(c > 0 for c in per_member), f"every member should get some: {per_member}"
        plain_msgs = await collect(plain, expected=n)
        assert [int(m.data) for m in plain_msgs] == list(range(n)), "a plain subscriber gets every message"
    finally:
        for c in members + [plain_nc, pub]:
            await c.close()


@run_async
async def test_two_queue_groups_each_get_a_copy(broker):
    nc = await connect(broker)
    try:
        a1 = await nc.subscribe("jobs", queue="A")
        a2 = await nc.subscribe("jobs", queue="A")
        b1 = await nc.subscribe("jobs", queue="B")
        for i in range(50):
            await nc.publish("jobs", str(i).encode())
        await barrier(nc)
        got_a = [int(m.data) for s in (a1, a2) for m in await collect(s, expected=None)]
        got_b = [int(m.data) for m in await collect(b1, expected=50)]
        assert sorted(got_a) == list(range(50))
        assert got_b == list(range(50))
    finally:
        await nc.close()


@run_async
async def test_unsubscribe_stops_delivery(broker):
    nc = await connect(broker)
    try:
        sub = await nc.subscribe("u.x")
        await nc.publish("u.x", b"1")
        await barrier(nc)
        assert [m.data for m in await collect(sub, expected=1)] == [b"1"]
        await sub.unsubscribe()
        # a second subscription on the same connection proves the server stopped the first
        other = await nc.subscribe("u.x")
        await nc.publish("u.x", b"2")
        await barrier(nc)
        assert [m.data for m in await collect(other, expected=1)] == [b"2"]
    finally:
        await nc.close()


@run_async
async def test_unsubscribe_with_limit(broker):
    nc = await connect(broker)
    pub = await connect(broker)
    try:
        sub = await nc.subscribe("lim.a")
        await sub.unsubscribe(limit=3)  # sends UNSUB <sid> 3: the server stops after 3 deliveries
        counter = await nc.subscribe("lim.a")  # sees everything, to know publishes went through
        await barrier(nc)
        for i in range(10):
            await pub.publish("lim.a", str(i).encode())
        await barrier(pub)
        assert len(await collect(counter, expected=10)) == 10
        assert [m.data for m in await collect(sub, expected=3)] == [b"0", b"1", b"2"]
        await barrier(nc)
        # nats-py also drops extras client-side; its raw MSG counter shows what the server sent.
        assert nc.stats["in_msgs"] == 13, "server must stop delivering to the sid after 3 messages"
    finally:
        await nc.close()
        await pub.close()


@run_async
async def test_subscribe_max_msgs(broker):
    """nats-py's max_msgs (client-side limit in 2.16; it sends UNSUB with max only on resubscribe)."""
    nc = await connect(broker)
    pub = await connect(broker)
    try:
        received = []

        async def cb(msg):
            received.append(msg.data)

        await nc.subscribe("lim.b", cb=cb, max_msgs=5)
        await barrier(nc)
        for i in range(12):
            await pub.publish("lim.b", str(i).encode())
        await barrier(pub)
        await barrier(nc)
        await asyncio.sleep(0.2)
        assert received == [str(i).encode() for i in range(5)]
    finally:
        await nc.close()
        await pub.close()


@run_async
async def test_no_echo(broker):
    quiet = await connect(broker, no_echo=True)
    loud = await connect(broker)
    try:
        q_sub = await quiet.subscribe("echo.t")
        l_sub = await loud.subscribe("echo.t")
        await barrier(quiet)
        await barrier(loud)
        await quiet.publish("echo.t", b"from-quiet")
        await barrier(quiet)
        await loud.publish("echo.t", b"from-loud")
        await barrier(loud)
        await barrier(quiet)
        assert [m.data for m in await collect(l_sub, expected=2)] == [b"from-quiet", b"from-loud"]
        assert [m.data for m in await collect(q_sub, expected=1)] == [b"from-loud"]
    finally:
        await quiet.close()
        await loud.close()


@run_async
async def test_echo_default_delivers_own_messages(broker):
    nc = await connect(broker)
    try:
        sub = await nc.subscribe("echo.self")
        await nc.publish("echo.self", b"me")
        await barrier(nc)
        assert [m.data for m in await collect(sub, expected=1)] == [b"me"]
    finally:
        await nc.close()


@run_async
async def test_flush_round_trips(broker):
    nc = await connect(broker)
    try:
        sub = await nc.subscribe("flush.t")
        loop = asyncio.get_running_loop()
        start = loop.time()
        for i in range(300):
            await nc.publish("flush.t", str(i).encode())
            await nc.flush(timeout=2)
        elapsed = loop.time() - start
        assert elapsed < 15, f"300 flush round trips took {elapsed:.1f}s"
        rtt = await nc.rtt()
        assert 0 <= rtt < 1.0
        await barrier(nc)
        assert [m.data for m in await collect(sub, expected=300)] == [str(i).encode() for i in range(300)]
    finally:
        await nc.close()


@run_async
async def test_many_subjects_fan_out(broker):
    """200 subscriptions on distinct subjects plus a '>' catch-all; each publish lands right."""
    nc = await connect(broker)
    pub = await connect(broker)
    try:
        subs = [await nc.subscribe(f"fan.{i}") for i in range(200)]
        catch_all = await nc.subscribe("fan.>")
        await barrier(nc)
        for i in reversed(range(200)):
            await pub.publish(f"fan.{i}", str(i).encode())
        await barrier(pub)
        for i, s in enumerate(subs):
            msgs = await collect(s, expected=1, quiet=0.01)
            assert [m.data for m in msgs] == [str(i).encode()]
        assert len(await collect(catch_all, expected=200)) == 200
    finally:
        await nc.close()
        await pub.close()
