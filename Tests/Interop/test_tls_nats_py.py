"""nats-py over mutual TLS, against the broker and against nats-server with the same setup.

Both servers get certificates from `ffrtmp certs`, require a client certificate signed by the
interop CA, map it to a user and give that user its role's permissions from broker/roles.conf
(interop_tls explains how nats-server is given the same). Every test runs against both: nats-server
is the oracle that what is allowed and what is refused here is what NATS does.

Identities: node-1 (agent), alice (submitter), ops (admin), node-7 (agent, revoked); and "alice"
again from another CA.
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import uuid

import nats
import pytest

import interop_servers as servers
from interop_aio import ErrorLog, barrier, collect, connect, run_async
from interop_tls import REVOKED, client_context, raw_tls_exchange, read_line, start_mtls

KINDS = ["broker", "nats-server"]


@pytest.fixture(params=KINDS)
def mtls_server(request, server_factory, tls_certificates):
    """The server under test, then nats-server, with mTLS, roles and JetStream."""
    return start_mtls(server_factory, request.param, tls_certificates, jetstream=True)


async def connect_as(server, certificates, name: str, **kwargs):
    """Connects with ``name``'s certificate and its own inboxes, ``_INBOX.<name>``: roles.conf allows
    each identity only those."""
    return await connect(server, tls=client_context(certificates, name), name=name,
                         inbox_prefix=f"_INBOX.{name}", **kwargs)


def permission_errors(nc) -> list[str]:
    return [str(e) for e in nc.test_errors.errors if "permissions violation" in str(e).lower()]


async def wait_for_errors(nc, count: int, timeout: float = 3.0) -> list[str]:
    """The permission errors nc got, once there are ``count`` (or the timeout passed)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while len(permission_errors(nc)) < count and loop.time() < deadline:
        await asyncio.sleep(0.02)
    return permission_errors(nc)


# --------------------------------------------------------------------------------------------
# What a certificate from the CA may do
# --------------------------------------------------------------------------------------------

@run_async
async def test_publish_subscribe_over_mutual_tls(mtls_server, tls_certificates):
    """An agent's heartbeat reaches the admin; payloads up to 1 MiB cross TLS records intact."""
    agent = await connect_as(mtls_server, tls_certificates, "node-1")
    admin = await connect_as(mtls_server, tls_certificates, "ops")
    try:
        sub = await admin.subscribe("hb.>")
        await barrier(admin)
        payloads = [b"", b"beat", bytes(range(256)) * 64, b"x" * (1024 * 1024 - 64)]
        for payload in payloads:
            await agent.publish("hb.node-1", payload)
        await barrier(agent, admin)
        got = await collect(sub, expected=len(payloads))
        assert [(m.subject, m.data) for m in got] == [("hb.node-1", p) for p in payloads]
        assert agent.test_errors.errors == [] and admin.test_errors.errors == []
    finally:
        await agent.close()
        await admin.close()


@run_async
async def test_request_reply_over_mutual_tls(mtls_server, tls_certificates):
    responder = await connect_as(mtls_server, tls_certificates, "ops")
    requester = await connect_as(mtls_server, tls_certificates, "ops")
    try:
        async def answer(msg):
            await responder.publish(msg.reply, b"re:" + msg.data)

        await responder.subscribe("ffrtmp.master.echo", cb=answer)
        await barrier(responder)
        for i in range(20):
            reply = await requester.request("ffrtmp.master.echo", str(i).encode(), timeout=3)
            assert reply.data == f"re:{i}".encode()
        with pytest.raises(nats.errors.NoRespondersError):
            await requester.request("ffrtmp.master.nobody", b"?", timeout=3)
    finally:
        await responder.close()
        await requester.close()


@run_async
async def test_jetstream_job_from_submitter_to_agent_over_tls(mtls_server, tls_certificates):
    """`ffrtmp setup` (admin certificate) declares the streams; the submitter publishes a job with
    a publish ack, the agent pulls it from consumer cpu and acks it, and the work queue empties."""
    certificate, key = tls_certificates.pair("ops")
    done = subprocess.run(
        [str(servers.ffrtmp_binary()), "setup", "-s", mtls_server.url, "--tlsca", str(tls_certificates.ca),
         "--tlscert", str(certificate), "--tlskey", str(key)],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, f"ffrtmp setup over TLS failed: {done.stdout}{done.stderr}"

    submitter = await connect_as(mtls_server, tls_certificates, "alice")
    agent = await connect_as(mtls_server, tls_certificates, "node-1")
    admin = await connect_as(mtls_server, tls_certificates, "ops")
    try:
        job_id = str(uuid.uuid4())
        job = json.dumps({"v": 1, "id": job_id, "scenario": "720p30-h264"}).encode()
        ack = await submitter.jetstream(timeout=5).publish("job.cpu", job, headers={"Nats-Msg-Id": job_id})
        assert (ack.stream, ack.seq) == ("JOBS", 1)

        pull = await agent.jetstream(timeout=5).pull_subscribe("job.cpu", durable="cpu", stream="JOBS")
        messages = await pull.fetch(1, timeout=5)
        assert [(m.subject, m.data) for m in messages] == [("job.cpu", job)]
        assert messages[0].metadata.num_delivered == 1
        await messages[0].ack_sync(timeout=5)

        info = await admin.jetstream(timeout=5).stream_info("JOBS")
        assert info.state.messages == 0, "an acked job leaves the work queue"
        assert permission_errors(submitter) == [] and permission_errors(agent) == []
    finally:
        for nc in (submitter, agent, admin):
            await nc.close()


# --------------------------------------------------------------------------------------------
# Refusals
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, foreign, alert", [
    (None, False, "TLSV13_ALERT_CERTIFICATE_REQUIRED"),
    ("alice", True, "TLSV1_ALERT_UNKNOWN_CA"),
], ids=["no-certificate", "other-ca"])
def test_handshake_refusal_names_the_reason(mtls_server, tls_certificates, name, foreign, alert):
    """The server's TLS alert says why (the same alert from both servers)."""
    reason, _ = raw_tls_exchange(mtls_server.port, client_context(tls_certificates, name, foreign), send=b"")
    assert reason == alert
    assert raw_tls_exchange(mtls_server.port, client_context(tls_certificates, "alice")) == ("ok", b"PONG\r\n")


@pytest.mark.parametrize("name, foreign", [(None, False), ("alice", True)], ids=["no-certificate", "other-ca"])
@run_async
async def test_nats_py_cannot_connect_without_a_trusted_certificate(mtls_server, tls_certificates, name, foreign):
    """nats-py gets an error, never a connection. Which one is a race inside nats-py (it writes
    CONNECT while the alert is on its way): the SSL alert, or a reset or broken pipe. nats-server
    shows both; the broker, which closes sooner, mostly the second."""
    errors = ErrorLog()
    with pytest.raises(OSError):
        nc = await connect(mtls_server, tls=client_context(tls_certificates, name, foreign), errors=errors)
        await nc.close()


@run_async
async def test_revoked_certificate_is_refused(mtls_server, tls_certificates):
    """A revoked name completes the handshake but gets 'Authorization Violation'."""
    with pytest.raises(nats.errors.Error, match="Authorization Violation"):
        nc = await connect_as(mtls_server, tls_certificates, REVOKED)
        await nc.close()
    ok = await connect_as(mtls_server, tls_certificates, "node-1")
    await ok.close()


def test_plaintext_client_on_the_tls_port_is_closed(mtls_server):
    """INFO announces TLS with client verification; a client that answers in plaintext is closed
    without a PONG (ffrtmp says 'Secure Connection - TLS Required' first, nats-server says nothing)."""
    with socket.create_connection(("127.0.0.1", mtls_server.port), timeout=5) as sock:
        greeting = read_line(sock)
        info = json.loads(greeting.split(b" ", 1)[1])
        assert (info.get("tls_required"), info.get("tls_verify")) == (True, True)
        sock.sendall(b'CONNECT {"verbose":false}\r\nPING\r\n')
        rest = read_until_closed(sock)
    assert b"PONG" not in rest
    assert rest in (b"", b"-ERR 'Secure Connection - TLS Required'\r\n")


# --------------------------------------------------------------------------------------------
# Permissions from the certificate's role
# --------------------------------------------------------------------------------------------

@run_async
async def test_submitter_publishes_jobs_but_cannot_read_results(mtls_server, tls_certificates):
    submitter = await connect_as(mtls_server, tls_certificates, "alice")
    admin = await connect_as(mtls_server, tls_certificates, "ops")
    try:
        jobs = await admin.subscribe("job.cpu")
        results = await submitter.subscribe("result.>")
        events = await submitter.subscribe("evt.job.>")
        await barrier(admin, submitter)
        assert await wait_for_errors(submitter, 1) == ['nats: permissions violation for subscription to "result.>"']

        await submitter.publish("job.cpu", b"job")
        await submitter.publish("hb.node-1", b"forged")
        await admin.publish("result.node-1", b"secret")
        await admin.publish("evt.job.7.done", b"event")
        await barrier(submitter, admin)
        assert await wait_for_errors(submitter, 2) == [
            'nats: permissions violation for subscription to "result.>"',
            'nats: permissions violation for publish to "hb.node-1"',
        ]
        assert [m.data for m in await collect(jobs, expected=1)] == [b"job"]
        assert [m.data for m in await collect(events, expected=1)] == [b"event"]
        assert await collect(results, quiet=0.3) == [], "a refused subscription gets nothing"
        assert submitter.is_connected, "a permissions violation does not close the connection"
    finally:
        await submitter.close()
        await admin.close()


@run_async
async def test_agent_speaks_only_for_itself(mtls_server, tls_certificates):
    agent = await connect_as(mtls_server, tls_certificates, "node-1")
    admin = await connect_as(mtls_server, tls_certificates, "ops")
    try:
        seen = await admin.subscribe(">")
        await barrier(admin)
        for subject in ("hb.node-1", "hb.node-2", "result.node-1", "result.node-2", "job.cpu"):
            await agent.publish(subject, subject.encode())
        await barrier(agent, admin)
        assert sorted(await wait_for_errors(agent, 3)) == sorted(
            f'nats: permissions violation for publish to "{s}"' for s in ("hb.node-2", "result.node-2", "job.cpu"))
        got = [m.subject for m in await collect(seen, expected=2) if not m.subject.startswith("$")]
        assert got == ["hb.node-1", "result.node-1"]
    finally:
        await agent.close()
        await admin.close()


# --------------------------------------------------------------------------------------------
# Raw socket helpers
# --------------------------------------------------------------------------------------------

def read_until_closed(sock) -> bytes:
    data = b""
    try:
        while chunk := sock.recv(4096):
            data += chunk
    except ConnectionResetError:
        pass
    return data
