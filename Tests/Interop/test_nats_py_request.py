"""nats-py against the broker: request/reply, headers, no-responders."""

from __future__ import annotations

import asyncio

import nats
import pytest

from interop_aio import barrier, collect, connect, run_async
from interop_wire import RawConn, header_block, hpub


async def start_echo_responder(nc, subject, queue=""):
    async def respond(msg):
        hdr = {"Echo-Of": msg.subject}
        if msg.headers:
            hdr.update({f"Got-{k}": v for k, v in msg.headers.items()})
        await nc.publish(msg.reply, b"re:" + msg.data, headers=hdr)

    sub = await nc.subscribe(subject, queue=queue, cb=respond)
    await barrier(nc)
    return sub


@run_async
async def test_request_reply(broker):
    server_nc = await connect(broker)
    client_nc = await connect(broker)
    try:
        await start_echo_responder(server_nc, "svc.echo")
        msg = await client_nc.request("svc.echo", b"ping", timeout=3)
        assert msg.data == b"re:ping"
        assert msg.headers["Echo-Of"] == "svc.echo"
    finally:
        await server_nc.close()
        await client_nc.close()


@run_async
async def test_many_concurrent_requests(broker):
    server_nc = await connect(broker)
    client_nc = await connect(broker)
    try:
        await start_echo_responder(server_nc, "svc.many", queue="pool")
        await start_echo_responder(server_nc, "svc.many", queue="pool")
        replies = await asyncio.gather(*[client_nc.request("svc.many", str(i).encode(), timeout=5)
                                         for i in range(100)])
        assert [r.data for r in replies] == [f"re:{i}".encode() for i in range(100)]
    finally:
        await server_nc.close()
        await client_nc.close()


@run_async
async def test_request_with_old_style_inbox(broker):
    """The explicit inbox pattern (subscribe to a unique inbox, publish with reply) that older
    clients and the nats CLI use."""
    server_nc = await connect(broker)
    client_nc = await connect(broker)
    try:
        await start_echo_responder(server_nc, "svc.old")
        inbox = client_nc.new_inbox()
        sub = await client_nc.subscribe(inbox, max_msgs=1)
        await barrier(client_nc)
        await client_nc.publish("svc.old", b"x", reply=inbox)
        (msg,) = await collect(sub, expected=1)
        assert msg.data == b"re:x"
    finally:
        await server_nc.close()
        await client_nc.close()


HEADER_SETS = {
    "simple": {"Foo": "Bar"},
    "several": {"A": "1", "B-Long-Name": "x" * 200, "Content-Type": "application/json",
                "Nats-Msg-Id": "01HZX5W7Q3"},
    "spaces-in-value": {"Note": "hello world  two spaces", "Empty-ish": "-"},
    "utf8": {"Unicode": "grüße ✓"},
}


@pytest.mark.parametrize("name", list(HEADER_SETS))
@run_async
async def test_headers_round_trip(broker, name):
    headers = HEADER_SETS[name]
    nc = await connect(broker)
    pub = await connect(broker)
    try:
        sub = await nc.subscribe("hdr.t")
        await barrier(nc)
        await pub.publish("hdr.t", b"body", headers=headers)
        await pub.publish("hdr.t", b"", headers=headers)  # headers and no payload
        await barrier(pub)
        msgs = await collect(sub, expected=2)
        assert [m.data for m in msgs] == [b"body", b""]
        for m in msgs:
            assert m.headers == headers
    finally:
        await nc.close()
        await pub.close()


@run_async
async def test_headers_on_request_and_reply(broker):
    server_nc = await connect(broker)
    client_nc = await connect(broker)
    try:
        await start_echo_responder(server_nc, "svc.hdr")
        msg = await client_nc.request("svc.hdr", b"q", headers={"Trace": "abc"}, timeout=3)
        assert msg.headers["Got-Trace"] == "abc"
        assert msg.data == b"re:q"
    finally:
        await server_nc.close()
        await client_nc.close()


def test_multi_valued_headers_relayed_byte_exact(broker):
    """nats-py's API is a dict (one value per name), so repeated names are checked on the wire:
    the header block must be relayed verbatim, repeated names and their order included."""
    block = header_block([("X-Multi", "one"), ("X-Multi", "two"), ("Other", "v"), ("X-Multi", "three")])
    sub = RawConn(broker.port)
    sub.connect(headers=True)
    sub.send(b"SUB multi.h 7\r\n")
    sub.sync()
    pub = RawConn(broker.port)
    pub.connect(headers=True)
    pub.send(hpub("multi.h", block, b"payload", reply="r.1"))
    pub.sync()
    sub.sync()
    assert sub.deliveries() == [("HMSG", b"multi.h", b"7", b"r.1", block, b"payload")]
    sub.close()
    pub.close()


@run_async
async def test_multi_valued_headers_reach_nats_py(broker):
    """A raw publisher sends repeated names; nats-py must still parse the message (dict semantics:
    one of the values wins), and the other headers must be intact."""
    nc = await connect(broker)
    try:
        sub = await nc.subscribe("multi.py")
        await barrier(nc)
        pub = RawConn(broker.port)
        pub.connect(headers=True)
        block = header_block([("X-Multi", "one"), ("X-Multi", "two"), ("Single", "s")])
        pub.send(hpub("multi.py", block, b"p"))
        pub.sync()
        (msg,) = await collect(sub, expected=1)
        assert msg.data == b"p"
        assert msg.headers["Single"] == "s"
        assert msg.headers["X-Multi"] in ("one", "two")
        pub.close()
    finally:
        await nc.close()


@run_async
async def test_no_responders(broker):
    nc = await connect(broker)
    try:
        loop = asyncio.get_running_loop()
        start = loop.time()
        with pytest.raises(nats.errors.NoRespondersError):
            await nc.request("nobody.home", b"hello?", timeout=5)
        # The 503 comes straight from the server: it must not wait for the request timeout.
        assert loop.time() - start < 2.0
    finally:
        await nc.close()


@run_async
async def test_no_responders_after_responder_leaves(broker):
    server_nc = await connect(broker)
    client_nc = await connect(broker)
    try:
        sub = await start_echo_responder(server_nc, "svc.gone")
        assert (await client_nc.request("svc.gone", b"1", timeout=3)).data == b"re:1"
        await sub.unsubscribe()
        await barrier(server_nc)
        with pytest.raises(nats.errors.NoRespondersError):
            await client_nc.request("svc.gone", b"2", timeout=5)
    finally:
        await server_nc.close()
        await client_nc.close()


@run_async
async def test_no_responders_status_message_shape(broker):
    """What nats-py sees for a 503: an empty message whose headers carry Status 503."""
    nc = await connect(broker)
    try:
        inbox = nc.new_inbox()
        sub = await nc.subscribe(inbox)
        await barrier(nc)
        await nc.publish("nobody.here", b"x", reply=inbox)
        await barrier(nc)
        (msg,) = await collect(sub, expected=1)
        assert msg.data == b""
        assert msg.headers and msg.headers.get("Status") == "503"
    finally:
        await nc.close()


@run_async
async def test_request_timeout_when_responder_silent(broker):
    """A responder that exists but never answers: no 503, the client's own timeout fires."""
    server_nc = await connect(broker)
    client_nc = await connect(broker)
    try:
        async def ignore(msg):
            return None

        await server_nc.subscribe("svc.silent", cb=ignore)
        await barrier(server_nc)
        with pytest.raises(nats.errors.TimeoutError):
            await client_nc.request("svc.silent", b"?", timeout=0.5)
    finally:
        await server_nc.close()
        await client_nc.close()
