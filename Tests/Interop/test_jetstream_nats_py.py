"""nats-py's JetStream API (unchanged client, `nc.jetstream()`) against the broker started with
`-js` on a per-test store directory. FFRTMP_UNDER_TEST=nats-server runs the same tests against
nats-server 2.15 -js, which is how they are validated.

Timing: redelivery tests use ack_wait = 1 s and wait ack_wait + margin; nothing waits on a
fixed sleep where a sync point (ack_sync, a barrier, consumer_info) can be used instead.
"""

from __future__ import annotations

import asyncio
import json
import random
import time

import nats
import nats.js.errors as jserr
import pytest
from nats.js.api import ConsumerConfig

from interop_aio import barrier, collect, connect, run_async
from interop_jetstream import ADVISORY_MAX_DELIVERIES, api

pytestmark = pytest.mark.timeout(60)


async def js_connect(server):
    nc = await connect(server)
    return nc, nc.jetstream(timeout=5)


def enum_value(x):
    return getattr(x, "value", x)


async def fetch_or_none(psub, batch=1, timeout=0.5):
    try:
        return await psub.fetch(batch, timeout=timeout)
    except (nats.errors.TimeoutError, asyncio.TimeoutError):
        return []


# --------------------------------------------------------------------------------------------
# Streams
# --------------------------------------------------------------------------------------------

@run_async
async def test_account_info(js_broker):
    nc, js = await js_connect(js_broker)
    try:
        assert nc._server_info.get("jetstream") is True
        await js.add_stream(name="A1", subjects=["a1.>"])
        info = await js.account_info()
        assert info.streams == 1
        assert info.consumers == 0
    finally:
        await nc.close()


@run_async
async def test_stream_create_info_update_purge_delete(js_broker):
    nc, js = await js_connect(js_broker)
    try:
        created = await js.add_stream(name="ORDERS", subjects=["orders.*"], max_msgs=100)
        assert created.config.name == "ORDERS"
        assert created.config.subjects == ["orders.*"]
        assert created.config.max_msgs == 100
        assert created.state.messages == 0 and created.state.last_seq == 0

        # Creating it again with the same config is fine (idempotent).
        again = await js.add_stream(name="ORDERS", subjects=["orders.*"], max_msgs=100)
        assert again.config.max_msgs == 100

        # ... with a different config it is refused.
        with pytest.raises(jserr.BadRequestError) as exc:
            await js.add_stream(name="ORDERS", subjects=["orders.*"], max_msgs=5)
        assert exc.value.err_code == 10058

        for i in range(3):
            ack = await js.publish(f"orders.{i}", f"o{i}".encode())
            assert (ack.stream, ack.seq) == ("ORDERS", i + 1)
        info = await js.stream_info("ORDERS")
        assert (info.state.messages, info.state.first_seq, info.state.last_seq) == (3, 1, 3)
        assert info.state.bytes > 0

        updated = await js.update_stream(name="ORDERS", subjects=["orders.*", "refunds.*"], max_msgs=50)
        assert updated.config.subjects == ["orders.*", "refunds.*"]
        assert updated.config.max_msgs == 50
        assert updated.state.messages == 3
        ack = await js.publish("refunds.1", b"r1")
        assert (ack.stream, ack.seq) == ("ORDERS", 4)
        assert await js.find_stream_name_by_subject("refunds.9") == "ORDERS"

        # Update of a stream that does not exist.
        with pytest.raises(jserr.NotFoundError) as exc:
            await js.update_stream(name="NOPE", subjects=["nope"])
        assert exc.value.err_code == 10059

        assert await js.purge_stream("ORDERS") is True
        info = await js.stream_info("ORDERS")
        assert info.state.messages == 0
        assert info.state.last_seq == 4  # purge keeps the sequence
        assert info.state.first_seq == 5
        ack = await js.publish("orders.x", b"after purge")
        assert ack.seq == 5

        assert await js.delete_stream("ORDERS") is True
        with pytest.raises(jserr.NotFoundError) as exc:
            await js.stream_info("ORDERS")
        assert exc.value.err_code == 10059
        assert exc.value.code == 404
        with pytest.raises(jserr.NotFoundError) as exc:
            await js.delete_stream("ORDERS")
        assert exc.value.err_code == 10059
    finally:
        await nc.close()


@pytest.mark.parametrize("retention", ["limits", "workqueue"])
@pytest.mark.parametrize("storage", ["file", "memory"])
@run_async
async def test_stream_retention_and_storage(js_broker, retention, storage):
    nc, js = await js_connect(js_broker)
    try:
        info = await js.add_stream(name="R", subjects=["r.>"], retention=retention, storage=storage)
        assert enum_value(info.config.retention) == retention
        assert enum_value(info.config.storage) == storage
        seqs = [(await js.publish("r.x", f"m{i}".encode())).seq for i in range(5)]
        assert seqs == [1, 2, 3, 4, 5]
        psub = await js.pull_subscribe("r.>", durable="c", stream="R")
        msgs = await psub.fetch(5, timeout=2)
        assert [m.data for m in msgs] == [f"m{i}".encode() for i in range(5)]
        for m in msgs[:2]:
            await m.ack_sync()
        info = await js.stream_info("R")
        # work queue: acked messages are removed; limits: they stay.
        assert info.state.messages == (3 if retention == "workqueue" else 5)
        raw = await js.get_msg("R", 5)
        assert raw.data == b"m4" and raw.subject == "r.x"
    finally:
        await nc.close()


@run_async
async def test_interest_retention_refused_or_supported(js_broker):
    """interest retention is a documented broker deviation: refused with a clear description."""
    nc, js = await js_connect(js_broker)
    try:
        try:
            await js.add_stream(name="INT", subjects=["int.>"], retention="interest")
        except jserr.APIError as exc:
            assert exc.code == 400
            assert "interest" in (exc.description or "")
            return
        # nats-server supports it.
        assert enum_value((await js.stream_info("INT")).config.retention) == "interest"
    finally:
        await nc.close()


# --------------------------------------------------------------------------------------------
# Publishing
# --------------------------------------------------------------------------------------------

@run_async
async def test_publish_ack_sequences_and_no_stream(js_broker):
    nc, js = await js_connect(js_broker)
    try:
        await js.add_stream(name="P", subjects=["p.*"])
        acks = [await js.publish("p.a", f"{i}".encode()) for i in range(10)]
        assert [a.seq for a in acks] == list(range(1, 11))
        assert all(a.stream == "P" and not a.duplicate for a in acks)
        # Many in flight at once: each gets its own sequence.
        futures = [await js.publish_async("p.b", f"async{i}".encode()) for i in range(50)]
        results = await asyncio.gather(*futures)
        assert sorted(r.seq for r in results) == list(range(11, 61))
        # A subject no stream captures: no responders.
        with pytest.raises(jserr.NoStreamResponseError):
            await js.publish("nobody.home", b"x")
    finally:
        await nc.close()


@run_async
async def test_publish_expected_stream_header(js_broker):
    """js.publish(..., stream=NAME) sends Nats-Expected-Stream; another stream must refuse."""
    nc, js = await js_connect(js_broker)
    try:
        await js.add_stream(name="P", subjects=["p.*"])
        assert (await js.publish("p.a", b"ok", stream="P")).seq == 1
        with pytest.raises(jserr.APIError) as exc:
            await js.publish("p.a", b"x", stream="OTHER")
        assert (exc.value.code, exc.value.err_code) == (400, 10060)
        assert exc.value.description == "expected stream does not match"
        assert (await js.stream_info("P")).state.messages == 1
    finally:
        await nc.close()


@run_async
async def test_dedup_with_msg_id(js_broker):
    nc, js = await js_connect(js_broker)
    try:
        await js.add_stream(name="D", subjects=["d"], duplicate_window=60)
        first = await js.publish("d", b"one", headers={"Nats-Msg-Id": "id-1"})
        dup = await js.publish("d", b"one again", headers={"Nats-Msg-Id": "id-1"})
        other = await js.publish("d", b"two", headers={"Nats-Msg-Id": "id-2"})
        assert (first.seq, first.duplicate) == (1, None) or (first.seq, first.duplicate) == (1, False)
        assert dup.duplicate is True and dup.seq == 1
        assert other.seq == 2 and not other.duplicate
        info = await js.stream_info("D")
        assert info.state.messages == 2
        assert (await js.get_msg("D", 1)).data == b"one"
    finally:
        await nc.close()


@run_async
async def test_dedup_window_expires(js_broker):
    nc, js = await js_connect(js_broker)
    try:
        await js.add_stream(name="DW", subjects=["dw"], duplicate_window=1.0)
        assert (await js.publish("dw", b"a", headers={"Nats-Msg-Id": "x"})).seq == 1
        assert (await js.publish("dw", b"a", headers={"Nats-Msg-Id": "x"})).duplicate is True
        await asyncio.sleep(2.2)
        again = await js.publish("dw", b"a", headers={"Nats-Msg-Id": "x"})
        assert again.seq == 2 and not again.duplicate
    finally:
        await nc.close()


@run_async
async def test_discard_new_max_msgs_refused(js_broker):
    nc, js = await js_connect(js_broker)
    try:
        await js.add_stream(name="DN", subjects=["dn"], max_msgs=2, discard="new")
        assert (await js.publish("dn", b"1")).seq == 1
        assert (await js.publish("dn", b"2")).seq == 2
        with pytest.raises(jserr.APIError) as exc:
            await js.publish("dn", b"3")
        assert (exc.value.code, exc.value.err_code) == (503, 10077)
        assert exc.value.description == "maximum messages exceeded"
        info = await js.stream_info("DN")
        assert (info.state.messages, info.state.last_seq) == (2, 2)
    finally:
        await nc.close()


@run_async
async def test_discard_new_max_bytes_refused(js_broker):
    nc, js = await js_connect(js_broker)
    try:
        await js.add_stream(name="DB", subjects=["db"], max_bytes=300, discard="new")
        stored = 0
        with pytest.raises(jserr.APIError) as exc:
            for _ in range(20):
                await js.publish("db", b"x" * 50)
                stored += 1
        assert (exc.value.code, exc.value.err_code) == (503, 10077)
        assert exc.value.description == "maximum bytes exceeded"
        assert 1 <= stored < 20
        assert (await js.stream_info("DB")).state.messages == stored
    finally:
        await nc.close()


@run_async
async def test_max_msg_size_refused(js_broker):
    nc, js = await js_connect(js_broker)
    try:
        await js.add_stream(name="MS", subjects=["ms"], max_msg_size=16)
        assert (await js.publish("ms", b"x" * 16)).seq == 1
        with pytest.raises(jserr.APIError) as exc:
            await js.publish("ms", b"x" * 17)
        assert (exc.value.code, exc.value.err_code) == (400, 10054)
        assert exc.value.description == "message size exceeds maximum allowed"
        assert (await js.stream_info("MS")).state.messages == 1
    finally:
        await nc.close()


@run_async
async def test_discard_old_max_msgs_and_max_age(js_broker):
    nc, js = await js_connect(js_broker)
    try:
        await js.add_stream(name="OLD", subjects=["old"], max_msgs=3)
        for i in range(5):
            await js.publish("old", f"{i}".encode())
        info = await js.stream_info("OLD")
        assert (info.state.messages, info.state.first_seq, info.state.last_seq) == (3, 3, 5)

        await js.add_stream(name="AGE", subjects=["age"], max_age=1.0)
        await js.publish("age", b"short-lived")
        assert (await js.stream_info("AGE")).state.messages == 1
        deadline = time.monotonic() + 5
        while (await js.stream_info("AGE")).state.messages and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        info = await js.stream_info("AGE")
        assert info.state.messages == 0 and info.state.last_seq == 1
    finally:
        await nc.close()


# --------------------------------------------------------------------------------------------
# Pull consumers
# --------------------------------------------------------------------------------------------

@run_async
async def test_pull_fetch_one_and_many(js_broker):
    nc, js = await js_connect(js_broker)
    try:
        await js.add_stream(name="F", subjects=["f.*"])
        for i in range(6):
            await js.publish(f"f.{i % 2}", f"m{i}".encode())
        psub = await js.pull_subscribe("f.*", durable="fd")
        (one,) = await psub.fetch(1, timeout=2)
        assert one.data == b"m0" and one.subject == "f.0"
        md = one.metadata
        assert (md.stream, md.consumer) == ("F", "fd")
        assert (md.sequence.stream, md.sequence.consumer, md.num_delivered, md.num_pending) == (1, 1, 1, 5)
        await one.ack()
        three = await psub.fetch(3, timeout=2)
        assert [m.data for m in three] == [b"m1", b"m2", b"m3"]
        assert [m.metadata.num_pending for m in three] == [4, 3, 2]
        for m in three:
            await m.ack()
        rest = await psub.fetch(10, timeout=1)  # only 2 left: returns what there is
        assert [m.data for m in rest] == [b"m4", b"m5"]
        for m in rest:
            await m.ack_sync()
        with pytest.raises(nats.errors.TimeoutError):
            await psub.fetch(1, timeout=0.5)
        start = time.monotonic()
        with pytest.raises(nats.errors.TimeoutError):
            await psub.fetch(4, timeout=0.7)
        assert time.monotonic() - start < 3
        # A message published while a fetch waits is delivered to it.
        waiting = asyncio.ensure_future(psub.fetch(1, timeout=3))
        await asyncio.sleep(0.3)
        await js.publish("f.1", b"late")
        (late,) = await waiting
        assert late.data == b"late" and late.metadata.sequence.stream == 7
    finally:
        await nc.close()


@run_async
async def test_ephemeral_pull_consumer(js_broker):
    nc, js = await js_connect(js_broker)
    try:
        await js.add_stream(name="EPH", subjects=["eph"])
        for i in range(3):
            await js.publish("eph", f"{i}".encode())
        psub = await js.pull_subscribe("eph", durable=None, stream="EPH")
        msgs = await psub.fetch(3, timeout=2)
        assert [m.data for m in msgs] == [b"0", b"1", b"2"]
        info = await psub.consumer_info()
        assert info.config.durable_name is None
        assert info.num_ack_pending == 3
    finally:
        await nc.close()


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
async def test_workqueue_removes_on_ack(js_broker):
    nc, js = await js_connect(js_broker)
    try:
        await js.add_stream(name="WQ", subjects=["wq.>"], retention="workqueue")
        for i in range(5):
            await js.publish("wq.job", f"j{i}".encode())
        psub = await js.pull_subscribe("wq.>", durable="workers")
        msgs = await psub.fetch(5, timeout=2)
        for m in msgs[:3]:
            await m.ack_sync()
        info = await js.stream_info("WQ")
        assert (info.state.messages, info.state.first_seq, info.state.last_seq) == (2, 4, 5)
        for m in msgs[3:]:
            await m.ack_sync()
        info = await js.stream_info("WQ")
        assert info.state.messages == 0 and info.state.last_seq == 5
        # A nak'd work item stays.
        await js.publish("wq.job", b"j5")
        (m,) = await psub.fetch(1, timeout=2)
        await m.nak()
        await barrier(nc)
        assert (await js.stream_info("WQ")).state.messages == 1
    finally:
        await nc.close()


@run_async
async def test_two_pullers_share_one_consumer(js_broker):
    rng = random.Random(1234)
    nc, js = await js_connect(js_broker)
    nc2, js2 = await js_connect(js_broker)
    try:
        await js.add_stream(name="SH", subjects=["sh"], retention="workqueue")
        total = 60
        for i in range(total):
            await js.publish("sh", f"{i}".encode())
        a = await js.pull_subscribe("sh", durable="pool", config=ConsumerConfig(ack_wait=30))
        b = await js2.pull_subscribe_bind("pool", "SH")
        seen = {"a": [], "b": []}

        async def worker(name, psub):
            while True:
                msgs = await fetch_or_none(psub, rng.randint(1, 5), 0.7)
                if not msgs:
                    return
                for m in msgs:
                    seen[name].append(int(m.data))
                    assert m.metadata.num_delivered == 1
                    await m.ack()
                await asyncio.sleep(rng.random() * 0.01)

        await asyncio.gather(worker("a", a), worker("b", b))
        both = seen["a"] + seen["b"]
        assert sorted(both) == list(range(total)), "each message exactly once across both pullers"
        assert seen["a"] and seen["b"], f"both pullers should get work: a={len(seen['a'])} b={len(seen['b'])}"
        await barrier(nc, nc2)
        assert (await js.stream_info("SH")).state.messages == 0
    finally:
        await nc.close()
        await nc2.close()


@run_async
async def test_message_held_by_one_puller_until_ack_wait(js_broker):
    nc, js = await js_connect(js_broker)
    nc2, js2 = await js_connect(js_broker)
    try:
        await js.add_stream(name="HOLD", subjects=["hold"], retention="workqueue")
        await js.publish("hold", b"only one")
        a = await js.pull_subscribe("hold", durable="pool", config=ConsumerConfig(ack_wait=1.0))
        b = await js2.pull_subscribe_bind("pool", "HOLD")
        (got,) = await a.fetch(1, timeout=2)
        assert await fetch_or_none(b, 1, 0.5) == []      # held by a
        (again,) = await b.fetch(1, timeout=3)            # a never acked: b gets it after ack_wait
        assert again.data == b"only one" and again.metadata.num_delivered == 2
        await again.ack_sync()
        # a's late ack does not resurrect anything.
        await got.ack()
        await barrier(nc)
        assert (await js.stream_info("HOLD")).state.messages == 0
    finally:
        await nc.close()
        await nc2.close()


@run_async
async def test_filter_subjects(js_broker):
    nc, js = await js_connect(js_broker)
    try:
        await js.add_stream(name="FS", subjects=["fs.>"])
        for subj in ["fs.a", "fs.b", "fs.a", "fs.c", "fs.b.x", "fs.a"]:
            await js.publish(subj, subj.encode())
        psub = await js.pull_subscribe("fs.a", durable="only_a", stream="FS")
        info = await psub.consumer_info()
        assert info.config.filter_subject == "fs.a"
        assert info.num_pending == 3
        msgs = await psub.fetch(10, timeout=1)
        assert [m.metadata.sequence.stream for m in msgs] == [1, 3, 6]
        assert [m.metadata.sequence.consumer for m in msgs] == [1, 2, 3]
        assert all(m.subject == "fs.a" for m in msgs)
        # num_pending: messages after this one that match the filter (not the whole stream).
        assert [m.metadata.num_pending for m in msgs] == [2, 1, 0]

        many = await js.add_consumer("FS", ConsumerConfig(durable_name="b_and_c",
                                                          filter_subjects=["fs.b.>", "fs.c"],
                                                          ack_policy="explicit"))
        assert sorted(many.config.filter_subjects) == ["fs.b.>", "fs.c"]
        assert many.num_pending == 2
        psub2 = await js.pull_subscribe_bind("b_and_c", "FS")
        msgs = await psub2.fetch(10, timeout=1)
        assert [m.subject for m in msgs] == ["fs.c", "fs.b.x"]

        wild = await js.pull_subscribe("fs.*", durable="one_token", stream="FS")
        msgs = await wild.fetch(10, timeout=1)
        assert [m.subject for m in msgs] == ["fs.a", "fs.b", "fs.a", "fs.c", "fs.a"]
    finally:
        await nc.close()


@run_async
async def test_consumer_info_numbers(js_broker):
    nc, js = await js_connect(js_broker)
    try:
        await js.add_stream(name="CI", subjects=["ci"])
        for i in range(5):
            await js.publish("ci", f"{i}".encode())
        psub = await js.pull_subscribe("ci", durable="c")
        info = await psub.consumer_info()
        assert (info.num_pending, info.num_ack_pending, info.delivered.consumer_seq) == (5, 0, 0)
        msgs = await psub.fetch(3, timeout=2)
        await msgs[0].ack_sync()
        info = await psub.consumer_info()
        assert info.num_pending == 2
        assert info.num_ack_pending == 2
        assert (info.delivered.consumer_seq, info.delivered.stream_seq) == (3, 3)
        assert (info.ack_floor.consumer_seq, info.ack_floor.stream_seq) == (1, 1)
        await msgs[2].ack_sync()  # out of order: floor stays at 1
        info = await psub.consumer_info()
        assert info.ack_floor.stream_seq == 1 and info.num_ack_pending == 1
        await msgs[1].ack_sync()
        info = await psub.consumer_info()
        assert info.ack_floor.stream_seq == 3 and info.num_ack_pending == 0
        await js.publish("ci", b"5")
        info = await psub.consumer_info()
        assert info.num_pending == 3
        infos = await js.consumers_info("CI")
        assert [c.name for c in infos] == ["c"]
        assert (await js.stream_info("CI")).state.consumer_count == 1
    finally:
        await nc.close()


@run_async
async def test_delete_consumer_and_stream(js_broker):
    nc, js = await js_connect(js_broker)
    try:
        await js.add_stream(name="DEL", subjects=["del"])
        await js.add_consumer("DEL", ConsumerConfig(durable_name="c", ack_policy="explicit"))
        assert (await js.consumer_info("DEL", "c")).name == "c"
        assert await js.delete_consumer("DEL", "c") is True
        with pytest.raises(jserr.NotFoundError) as exc:
            await js.consumer_info("DEL", "c")
        assert (exc.value.code, exc.value.err_code) == (404, 10014)
        with pytest.raises(jserr.NotFoundError) as exc:
            await js.delete_consumer("DEL", "c")
        assert exc.value.err_code == 10014
        assert await js.delete_stream("DEL") is True
        with pytest.raises(jserr.NotFoundError) as exc:
            await js.consumer_info("DEL", "c")
        assert exc.value.err_code == 10059
        with pytest.raises(jserr.NotFoundError) as exc:
            await js.add_consumer("DEL", ConsumerConfig(durable_name="c", ack_policy="explicit"))
        assert exc.value.err_code == 10059
    finally:
        await nc.close()


@run_async
async def test_error_codes(js_broker):
    nc, js = await js_connect(js_broker)
    try:
        with pytest.raises(jserr.NotFoundError) as exc:
            await js.stream_info("MISSING")
        assert (exc.value.code, exc.value.err_code, exc.value.description) == (404, 10059, "stream not found")

        await js.add_stream(name="E1", subjects=["e.>"], retention="workqueue")
        with pytest.raises(jserr.NotFoundError) as exc:
            await js.consumer_info("E1", "missing")
        assert (exc.value.code, exc.value.err_code, exc.value.description) == (404, 10014, "consumer not found")

        with pytest.raises(jserr.BadRequestError) as exc:
            await js.add_stream(name="E2", subjects=["e.x"])
        assert (exc.value.code, exc.value.err_code) == (400, 10065)
        assert exc.value.description == "subjects overlap with an existing stream"

        await js.add_consumer("E1", ConsumerConfig(durable_name="fa", filter_subject="e.a", ack_policy="explicit"))
        with pytest.raises(jserr.BadRequestError) as exc:
            await js.add_consumer("E1", ConsumerConfig(durable_name="fa2", filter_subject="e.a",
                                                       ack_policy="explicit"))
        assert (exc.value.err_code, exc.value.description) == (
            10100, "filtered consumer not unique on workqueue stream")
        with pytest.raises(jserr.BadRequestError) as exc:
            await js.add_consumer("E1", ConsumerConfig(durable_name="fwild", filter_subject="e.>",
                                                       ack_policy="explicit"))
        assert exc.value.err_code == 10100
        await js.add_consumer("E1", ConsumerConfig(durable_name="fb", filter_subject="e.b", ack_policy="explicit"))

        await js.add_stream(name="E3", subjects=["e3"], retention="workqueue")
        await js.add_consumer("E3", ConsumerConfig(durable_name="all", ack_policy="explicit"))
        with pytest.raises(jserr.BadRequestError) as exc:
            await js.add_consumer("E3", ConsumerConfig(durable_name="all2", ack_policy="explicit"))
        assert (exc.value.err_code, exc.value.description) == (
            10099, "multiple non-filtered consumers not allowed on workqueue stream")
    finally:
        await nc.close()


@run_async
async def test_push_consumer_refused_cleanly_on_broker(js_broker):
    """Push consumers are a documented deviation: the broker refuses them with a description
    that says so; nats-server accepts them."""
    nc, js = await js_connect(js_broker)
    try:
        await js.add_stream(name="PU", subjects=["pu"])
        try:
            await js.add_consumer("PU", ConsumerConfig(durable_name="push", deliver_subject="deliver.here",
                                                       ack_policy="explicit"))
        except jserr.APIError as exc:
            assert exc.code == 400
            assert "push" in (exc.description or "") or "deliver_subject" in (exc.description or "")
            # The refusal left nothing behind.
            assert (await js.stream_info("PU")).state.consumer_count == 0
            return
        assert (await js.consumer_info("PU", "push")).config.deliver_subject == "deliver.here"
    finally:
        await nc.close()


@run_async
async def test_raw_api_info_and_names(js_broker):
    nc, js = await js_connect(js_broker)
    try:
        await js.add_stream(name="N1", subjects=["n1.>"])
        await js.add_stream(name="N2", subjects=["n2"])
        names = await api(nc, "STREAM.NAMES", {"subject": "n1.x"})
        assert names["streams"] == ["N1"]
        names = await api(nc, "STREAM.NAMES")
        assert sorted(names["streams"]) == ["N1", "N2"]
        info = await api(nc, "INFO")
        assert info["type"] == "io.nats.jetstream.api.v1.account_info_response"
        assert info["streams"] == 2
    finally:
        await nc.close()


@run_async
async def test_deliver_policies(js_broker):
    nc, js = await js_connect(js_broker)
    try:
        await js.add_stream(name="DP", subjects=["dp.*"])
        for subj in ["dp.a", "dp.c", "dp.c", "dp.a"]:
            await js.publish(subj, subj.encode())
        last = await js.pull_subscribe("dp.*", durable="last", stream="DP",
                                       config=ConsumerConfig(deliver_policy="last"))
        assert [m.metadata.sequence.stream for m in await last.fetch(5, timeout=0.5)] == [4]
        new = await js.pull_subscribe("dp.*", durable="new", stream="DP", config=ConsumerConfig(deliver_policy="new"))
        assert await fetch_or_none(new, 5, 0.5) == []
        start = await js.pull_subscribe("dp.*", durable="from2", stream="DP",
                                        config=ConsumerConfig(deliver_policy="by_start_sequence", opt_start_seq=2))
        assert [m.metadata.sequence.stream for m in await start.fetch(5, timeout=0.5)] == [2, 3, 4]
        # last + filter: the last message on the filter subject (seq 3), not the stream's last.
        lastc = await js.pull_subscribe("dp.c", durable="lastc", stream="DP",
                                        config=ConsumerConfig(deliver_policy="last"))
        got = await fetch_or_none(lastc, 5, 0.5)
        assert [(m.subject, m.metadata.sequence.stream) for m in got] == [("dp.c", 3)]
        await js.publish("dp.a", b"fresh")
        assert [m.data for m in await new.fetch(5, timeout=0.5)] == [b"fresh"]
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


@run_async
async def test_max_msgs_per_subject(js_broker):
    """ffrtmp setup's CONTROL stream keeps the last message per subject this way."""
    nc, js = await js_connect(js_broker)
    try:
        await js.add_stream(name="CTL", subjects=["ctl.>"], max_msgs_per_subject=1)
        for i in range(3):
            await js.publish("ctl.job.1.cancel", f"{i}".encode())
        await js.publish("ctl.job.2.cancel", b"x")
        info = await js.stream_info("CTL")
        assert (info.state.messages, info.state.first_seq, info.state.last_seq) == (2, 3, 4)
        last = await js.get_last_msg("CTL", "ctl.job.1.cancel")
        assert last.data == b"2"
    finally:
        await nc.close()
