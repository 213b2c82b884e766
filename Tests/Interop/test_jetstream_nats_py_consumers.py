"""nats-py's JetStream pull consumers (`js.pull_subscribe`, `js.add_consumer`): fetching one and
many, ephemeral consumers, work-queue removal, two pullers on one consumer, filters, deliver
policies, consumer_info numbers, consumer and stream deletion, the API error codes, and push
consumers (a documented broker refusal).

The unchanged client against the broker with `-js` on a per-test store directory (against
nats-server 2.15 -js with FFRTMP_UNDER_TEST=nats-server, which is how the tests are validated).
"""

from __future__ import annotations

import asyncio
import random
import time

import nats.js.errors as jserr
import pytest
from nats.js.api import ConsumerConfig

from interop_aio import FETCH_TIMED_OUT, barrier, fetch_or_none, js_connect, run_async

pytestmark = pytest.mark.timeout(60)


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
        with pytest.raises(FETCH_TIMED_OUT):
            await psub.fetch(1, timeout=0.5)
        start = time.monotonic()
        with pytest.raises(FETCH_TIMED_OUT):
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
