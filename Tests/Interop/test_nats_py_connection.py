"""nats-py against the broker: connection lifecycle, reconnect, max_payload, drain, server PINGs."""

from __future__ import annotations

import asyncio

import nats
import pytest

from interop_aio import barrier, collect, connect, run_async
from interop_wire import RawConn, err_line, pub


@run_async(timeout=55)
async def test_reconnect_after_broker_restart(server_factory):
    server = server_factory.start("broker")
    disconnected = asyncio.Event()
    reconnected = asyncio.Event()

    async def on_disconnect():
        disconnected.set()

    async def on_reconnect():
        reconnected.set()

    nc = await connect(server, allow_reconnect=True, reconnect_time_wait=0.2,
                       max_reconnect_attempts=200, disconnected_cb=on_disconnect,
                       reconnected_cb=on_reconnect)
    try:
        sub = await nc.subscribe("re.x")
        await barrier(nc)
        await nc.publish("re.x", b"before")
        await barrier(nc)
        assert [m.data for m in await collect(sub, expected=1)] == [b"before"]

        old_pid = server.pid
        server.restart()  # same port; nats-py keeps retrying the same URL
        assert server.pid != old_pid
        await asyncio.wait_for(disconnected.wait(), 10)
        # Published while (possibly) disconnected: nats-py buffers it and sends it after
        # re-subscribing, so it must arrive once the connection is back.
        await nc.publish("re.x", b"during")
        await asyncio.wait_for(reconnected.wait(), 20)
        await barrier(nc)

        other = await connect(server)
        await other.publish("re.x", b"after")
        await barrier(other)
        await barrier(nc)
        got = [m.data for m in await collect(sub, expected=2)]
        assert got == [b"during", b"after"], "subscription must resume after the restart"
        assert nc.stats["reconnects"] >= 1
        await other.close()
    finally:
        await nc.close()


@run_async(timeout=55)
async def test_reconnect_queue_subscription_and_request(server_factory):
    """After a restart, a responder's queue subscription is re-created by nats-py and requests work."""
    server = server_factory.start("broker")
    reconnected = asyncio.Event()

    async def on_reconnect():
        reconnected.set()

    responder = await connect(server, allow_reconnect=True, reconnect_time_wait=0.2,
                              max_reconnect_attempts=200, reconnected_cb=on_reconnect)
    try:
        async def respond(msg):
            await responder.publish(msg.reply, b"ok:" + msg.data)

        await responder.subscribe("svc.q", queue="g", cb=respond)
        await barrier(responder)
        server.restart()
        await asyncio.wait_for(reconnected.wait(), 20)
        await barrier(responder)
        client = await connect(server)
        reply = await client.request("svc.q", b"1", timeout=3)
        assert reply.data == b"ok:1"
        await client.close()
    finally:
        await responder.close()


@run_async
async def test_closed_connection_subscriptions_are_removed(broker):
    """When a responder disconnects, its interest goes with it: requests get 503 at once."""
    responder = await connect(broker)
    client = await connect(broker)
    try:
        async def respond(msg):
            await responder.publish(msg.reply, b"ok")

        await responder.subscribe("svc.bye", cb=respond)
        await barrier(responder)
        assert (await client.request("svc.bye", b"", timeout=3)).data == b"ok"
        await responder.close()
        # The server notices the close asynchronously; give it a moment, then it must be gone.
        for _ in range(50):
            try:
                await client.request("svc.bye", b"", timeout=0.5)
            except nats.errors.NoRespondersError:
                break
            except nats.errors.TimeoutError:
                pass  # routed to the closing connection before the server dropped it
            await asyncio.sleep(0.05)
        else:
            pytest.fail("subscription of a closed connection still receives requests")
    finally:
        await client.close()


@run_async
async def test_max_payload_default_refused_by_client(broker):
    nc = await connect(broker)
    try:
        assert nc.max_payload == 1048576
        with pytest.raises(nats.errors.MaxPayloadError):
            await nc.publish("big", b"x" * (nc.max_payload + 1))
        # the connection is still fine
        sub = await nc.subscribe("big")
        await nc.publish("big", b"x" * nc.max_payload)
        await barrier(nc)
        (msg,) = await collect(sub, expected=1, timeout=10)
        assert len(msg.data) == nc.max_payload
    finally:
        await nc.close()


@run_async
async def test_max_payload_1kb(server_factory):
    server = server_factory.start("broker", max_payload="1KB")
    nc = await connect(server)
    try:
        assert nc.max_payload == 1024
        sub = await nc.subscribe("small")
        await nc.publish("small", b"a" * 1024)
        with pytest.raises(nats.errors.MaxPayloadError):
            await nc.publish("small", b"a" * 1025)
        await barrier(nc)
        msgs = await collect(sub, expected=1)
        assert [len(m.data) for m in msgs] == [1024]
    finally:
        await nc.close()


def test_max_payload_enforced_by_server(server_factory):
    """A client that ignores INFO's max_payload gets -ERR 'Maximum Payload Violation' and is
    closed; other clients carry on."""
    server = server_factory.start("broker", max_payload="1KB")
    good = RawConn(server.port)
    good.connect()
    good.send(b"SUB ok 1\r\n")
    bad = RawConn(server.port)
    bad.connect()
    bad.send(pub("ok", b"z" * 1025))
    assert bad.wait_closed(5), "server must close the connection after a max_payload violation"
    assert bad.errors() == [b"-ERR 'Maximum Payload Violation'"]
    assert bad.deliveries() == []
    good.send(pub("ok", b"y" * 1024))
    assert good.sync()
    assert [f[4] for f in good.deliveries()] == [b"y" * 1024]
    assert good.errors() == []
    good.close()


@run_async
async def test_drain_connection_processes_pending_messages(broker):
    nc = await connect(broker)
    pub_nc = await connect(broker)
    try:
        seen = []

        async def slow(msg):
            await asyncio.sleep(0.002)
            seen.append(int(msg.data))

        await nc.subscribe("drain.t", cb=slow)
        await barrier(nc)
        for i in range(200):
            await pub_nc.publish("drain.t", str(i).encode())
        await barrier(pub_nc)
        await barrier(nc)  # all 200 are now on their way to nc (or already in its queue)
        await nc.drain()
        assert nc.is_closed
        assert seen == list(range(200))
    finally:
        if not nc.is_closed:
            await nc.close()
        await pub_nc.close()


@run_async
async def test_drain_subscription(broker):
    nc = await connect(broker)
    try:
        seen = []

        async def cb(msg):
            seen.append(msg.data)

        sub = await nc.subscribe("drain.s", cb=cb)
        await nc.publish("drain.s", b"1")
        await nc.publish("drain.s", b"2")
        await barrier(nc)
        await sub.drain()
        await nc.publish("drain.s", b"3")  # after the drain's UNSUB: not delivered
        await barrier(nc)
        await asyncio.sleep(0.1)
        assert seen == [b"1", b"2"]
        assert nc.is_connected
    finally:
        await nc.close()


@run_async(timeout=30)
async def test_server_pings_are_answered_by_nats_py(server_factory):
    """With a 1 s ping interval and ping_max 2, a real client that answers PINGs stays connected."""
    server = server_factory.start("broker", ping_interval="1s", ping_max=2)
    nc = await connect(server)
    try:
        sub = await nc.subscribe("alive")
        await barrier(nc)
        await asyncio.sleep(4.5)
        assert nc.is_connected
        await nc.publish("alive", b"still")
        await barrier(nc)
        assert [m.data for m in await collect(sub, expected=1)] == [b"still"]
        assert not nc.test_errors.errors, nc.test_errors.errors
    finally:
        await nc.close()


@run_async
async def test_connect_name_and_options_accepted(broker):
    """CONNECT with the less common fields nats-py can send (name, pedantic, verbose) works."""
    nc = await connect(broker, name="interop-test", pedantic=True, verbose=True)
    try:
        sub = await nc.subscribe("opts.t")
        await nc.publish("opts.t", b"v")
        await barrier(nc)
        assert [m.data for m in await collect(sub, expected=1)] == [b"v"]
        assert not nc.test_errors.errors, nc.test_errors.errors
    finally:
        await nc.close()


def test_raw_max_payload_error_text_default(broker):
    c = RawConn(broker.port)
    c.connect()
    c.send(b"PUB big 1048577\r\n")
    assert c.wait_closed(5)
    assert c.frames[1:] == [("LINE", b"PONG"), err_line("Maximum Payload Violation")]
