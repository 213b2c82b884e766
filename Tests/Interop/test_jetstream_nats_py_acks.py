"""nats-py's JetStream acknowledgements on pull consumers: ack, nak, nak with delay, term,
in_progress, redelivery after ack_wait, max_deliver and its advisory, backoff, max_ack_pending,
and ack_policy all.

The unchanged client against the broker with `-js` on a per-test store directory (against
nats-server 2.15 -js with FFRTMP_UNDER_TEST=nats-server, which is how the tests are validated).

Timing: redelivery tests use ack_wait = 1 s and wait ack_wait + margin; nothing waits on a
fixed sleep where a sync point (ack_sync, a barrier, consumer_info) can be used instead.
"""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from nats.js.api import ConsumerConfig

from interop_aio import barrier, collect, fetch_or_none, js_connect, run_async
from interop_jetstream import ADVISORY_MAX_DELIVERIES

pytestmark = pytest.mark.timeout(60)


@run_async
async def test_ack_nak_term_in_progress(js_broker):
    nc, js = await js_connect(js_broker)
    try:
        await js.add_stream(name="AK", subjects=["ak"])
        for i in range(4):
            await js.publish("ak", f"m{i}".encode())
        psub = await js.pull_subscribe("ak", durable="c", config=ConsumerConfig(ack_wait=30))
        msgs = await psub.fetch(4, timeout=2)
        assert [m.data for m in msgs] == [b"m0", b"m1", b"m2", b"m3"]
        await msgs[0].ack_sync()            # acked
        await msgs[1].nak()                 # redelivered now
        await msgs[2].term()                # never again
        await msgs[3].in_progress()         # still pending
        await barrier(nc)
        (again,) = await psub.fetch(1, timeout=2)
        assert again.data == b"m1"
        assert again.metadata.num_delivered == 2
        assert again.metadata.sequence.stream == 2
        assert again.metadata.sequence.consumer == 5
        await again.ack_sync()
        assert await fetch_or_none(psub, 1, 0.5) == []
        info = await psub.consumer_info()
        assert info.num_ack_pending == 1       # m3 (in progress)
        assert info.num_redelivered == 0      # none pending that was redelivered
        assert info.num_pending == 0
        await msgs[3].ack_sync()
        info = await psub.consumer_info()
        assert info.num_ack_pending == 0
        assert info.ack_floor.stream_seq == 4
    finally:
        await nc.close()


@run_async
async def test_nak_with_delay(js_broker):
    nc, js = await js_connect(js_broker)
    try:
        await js.add_stream(name="NK", subjects=["nk"])
        await js.publish("nk", b"later")
        psub = await js.pull_subscribe("nk", durable="c")
        (msg,) = await psub.fetch(1, timeout=2)
        t0 = time.monotonic()
        await msg.nak(delay=1.0)
        await barrier(nc)
        assert await fetch_or_none(psub, 1, 0.5) == []
        (again,) = await psub.fetch(1, timeout=3)
        elapsed = time.monotonic() - t0
        assert again.data == b"later" and again.metadata.num_delivered == 2
        assert 0.8 <= elapsed < 2.5, elapsed
    finally:
        await nc.close()


@run_async
async def test_in_progress_extends_ack_wait(js_broker):
    nc, js = await js_connect(js_broker)
    try:
        await js.add_stream(name="WP", subjects=["wp"])
        await js.publish("wp", b"slow job")
        psub = await js.pull_subscribe("wp", durable="c", config=ConsumerConfig(ack_wait=1.0))
        (msg,) = await psub.fetch(1, timeout=2)
        for _ in range(5):  # 2.5 s of work, ack_wait 1 s
            await asyncio.sleep(0.5)
            await msg.in_progress()
        await barrier(nc)
        info = await psub.consumer_info()
        assert info.num_redelivered == 0 and info.num_ack_pending == 1
        assert info.delivered.consumer_seq == 1
        await msg.ack_sync()
        assert await fetch_or_none(psub, 1, 1.5) == []
    finally:
        await nc.close()


@run_async
async def test_redelivery_after_ack_wait(js_broker):
    nc, js = await js_connect(js_broker)
    try:
        await js.add_stream(name="RD", subjects=["rd"])
        await js.publish("rd", b"x")
        psub = await js.pull_subscribe("rd", durable="c", config=ConsumerConfig(ack_wait=1.0))
        (first,) = await psub.fetch(1, timeout=2)
        assert first.metadata.num_delivered == 1
        assert await fetch_or_none(psub, 1, 0.5) == []  # not yet
        (second,) = await psub.fetch(1, timeout=3)
        assert second.data == b"x"
        assert second.metadata.num_delivered == 2
        assert second.metadata.sequence.stream == 1
        assert second.metadata.sequence.consumer == 2
        info = await psub.consumer_info()
        assert info.num_redelivered == 1 and info.num_ack_pending == 1
        await second.ack_sync()
        info = await psub.consumer_info()
        assert (info.num_redelivered, info.num_ack_pending) == (0, 0)
    finally:
        await nc.close()


@run_async
async def test_max_deliver_then_advisory(js_broker):
    nc, js = await js_connect(js_broker)
    try:
        await js.add_stream(name="MD", subjects=["md"])
        advisories = await nc.subscribe(f"{ADVISORY_MAX_DELIVERIES}.MD.c")
        await barrier(nc)
        await js.publish("md", b"poison")
        await js.publish("md", b"fine")
        psub = await js.pull_subscribe("md", durable="c",
                                       config=ConsumerConfig(ack_wait=1.0, max_deliver=2))
        first = await psub.fetch(2, timeout=2)
        assert [m.data for m in first] == [b"poison", b"fine"]
        await first[1].ack_sync()
        (second,) = await psub.fetch(1, timeout=3)
        assert second.data == b"poison" and second.metadata.num_delivered == 2
        # Not acked again: max_deliver reached, the advisory is published, no third delivery.
        # (nats-server notices while looking for the next message to deliver, so pull meanwhile.)
        assert await fetch_or_none(psub, 1, 2.0) == []
        (adv,) = await collect(advisories, expected=1, timeout=3)
        body = json.loads(adv.data)
        assert body["type"] == "io.nats.jetstream.advisory.v1.max_deliver"
        assert (body["stream"], body["consumer"], body["stream_seq"], body["deliveries"]) == ("MD", "c", 1, 2)
        assert await fetch_or_none(psub, 1, 1.5) == []
        info = await psub.consumer_info()
        assert info.num_ack_pending == 0 or info.num_ack_pending == 1
        assert info.num_pending == 0
    finally:
        await nc.close()


@run_async
async def test_backoff_schedule(js_broker):
    nc, js = await js_connect(js_broker)
    try:
        await js.add_stream(name="BO", subjects=["bo"])
        await js.publish("bo", b"retry me")
        psub = await js.pull_subscribe("bo", durable="c",
                                       config=ConsumerConfig(ack_wait=5.0, backoff=[0.5, 1.5], max_deliver=4))
        info = await psub.consumer_info()
        assert info.config.backoff == [0.5, 1.5]
        (m1,) = await psub.fetch(1, timeout=2)
        t0 = time.monotonic()
        (m2,) = await psub.fetch(1, timeout=3)
        t1 = time.monotonic() - t0
        (m3,) = await psub.fetch(1, timeout=4)
        t2 = time.monotonic() - t0
        assert [m.metadata.num_delivered for m in (m1, m2, m3)] == [1, 2, 3]
        assert 0.3 <= t1 < 1.3, t1             # first backoff 0.5 s
        assert t1 + 1.2 <= t2 < t1 + 2.5, t2   # second 1.5 s
    finally:
        await nc.close()


@run_async
async def test_max_ack_pending_limits_deliveries(js_broker):
    nc, js = await js_connect(js_broker)
    try:
        await js.add_stream(name="MAP", subjects=["map"])
        for i in range(5):
            await js.publish("map", f"{i}".encode())
        psub = await js.pull_subscribe("map", durable="c", config=ConsumerConfig(max_ack_pending=2))
        got = await psub.fetch(5, timeout=1)
        assert [m.data for m in got] == [b"0", b"1"]
        assert await fetch_or_none(psub, 1, 0.5) == []
        await got[0].ack_sync()
        (nxt,) = await psub.fetch(1, timeout=2)
        assert nxt.data == b"2"
        info = await psub.consumer_info()
        assert info.num_ack_pending == 2 and info.num_pending == 2
    finally:
        await nc.close()


@run_async
async def test_ack_policy_all(js_broker):
    """ack_policy all: acking one message acknowledges every earlier one too."""
    nc, js = await js_connect(js_broker)
    try:
        await js.add_stream(name="AALL", subjects=["aall"])
        for i in range(4):
            await js.publish("aall", f"{i}".encode())
        psub = await js.pull_subscribe("aall", durable="c", config=ConsumerConfig(ack_policy="all"))
        msgs = await psub.fetch(4, timeout=1)
        assert len(msgs) == 4
        await msgs[2].ack_sync()
        info = await psub.consumer_info()
        assert (info.ack_floor.stream_seq, info.num_ack_pending) == (3, 1)
    finally:
        await nc.close()
