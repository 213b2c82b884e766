"""A nats-py publisher flooding JetStream with `js.publish_async` (no await per message) is slowed by
back-pressure, not refused: every message is stored and no ack is an error (before, the broker answered
beyond its hand-off bound with 503 / err_code 10008). More messages than the broker's whole hand-off
bound (65,536) are in flight at once, so without back-pressure some would be refused.
FFRTMP_UNDER_TEST=nats-server runs the same test against nats-server."""

from __future__ import annotations

import asyncio

import pytest

from interop_aio import connect, run_async

pytestmark = pytest.mark.timeout(120)

FLOOD = 100_000


@run_async(timeout=110)
async def test_an_async_publish_flood_is_stored_whole_without_refusals(js_broker):
    nc = await connect(js_broker, pending_size=64 * 1024 * 1024)
    try:
        js = nc.jetstream(timeout=30, publish_async_max_pending=FLOOD)
        await js.add_stream(name="FLOOD", subjects=["flood.>"])
        futures = [await js.publish_async("flood.x", b"%d" % number) for number in range(FLOOD)]
        results = await asyncio.wait_for(asyncio.gather(*futures, return_exceptions=True), 90)
        errors = [result for result in results if isinstance(result, BaseException)]
        assert not errors, f"{len(errors)} refused, first: {errors[0]!r}"
        assert sorted(result.seq for result in results) == list(range(1, FLOOD + 1))
        info = await js.stream_info("FLOOD")
        assert info.state.messages == FLOOD
    finally:
        await nc.close()
