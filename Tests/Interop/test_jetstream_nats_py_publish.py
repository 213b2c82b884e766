"""nats-py's JetStream publishing (`js.publish`): ack sequences, publishes in flight, no stream,
Nats-Expected-Stream, de-duplication by Nats-Msg-Id and its window, and the stream limits a
publish runs into (discard new on max_msgs / max_bytes, max_msg_size, discard old, max_age).

The unchanged client against the broker with `-js` on a per-test store directory (against
nats-server 2.15 -js with FFRTMP_UNDER_TEST=nats-server, which is how the tests are validated).
"""

from __future__ import annotations

import asyncio
import time

import nats.js.errors as jserr
import pytest

from interop_aio import js_connect, run_async

pytestmark = pytest.mark.timeout(60)


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
