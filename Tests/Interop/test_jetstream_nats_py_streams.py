"""nats-py's JetStream streams API (`nc.jetstream()`): account info, stream create/info/update/
purge/delete, retentions and storage, interest retention (a documented broker refusal),
max_msgs_per_subject, and the raw STREAM.NAMES / INFO answers.

The unchanged client against the broker with `-js` on a per-test store directory (against
nats-server 2.15 -js with FFRTMP_UNDER_TEST=nats-server, which is how the tests are validated).
"""

from __future__ import annotations

import nats.js.errors as jserr
import pytest

from interop_aio import enum_value, js_connect, run_async
from interop_jetstream import api

pytestmark = pytest.mark.timeout(60)


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
