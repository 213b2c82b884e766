"""The raw exchanges under nats-py's object store, byte for byte against nats-server 2.15: an ordered
push consumer's deliveries, flow-control requests and idle heartbeats (stalled and not), direct
gets, filtered purges and rollup refusals. The same script runs against both servers; what differs
by nature (consumer names, the random flow-control suffix, timestamps) is normalized first.
"""

from __future__ import annotations

import json
import re
import time

import pytest

from interop_wire import RawConn, hpub, pub

pytestmark = pytest.mark.timeout(60)

CHUNK = 16 * 1024


def api(conn: RawConn, subject: str, body, inbox: str = "_R.api") -> dict:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    before = len(conn.frames)
    conn.send(pub(subject, raw, reply=inbox))
    assert conn.wait_for(lambda: any(f[0] == "MSG" and f[1] == inbox.encode() for f in conn.frames[before:]))
    answer = next(f for f in conn.frames[before:] if f[0] == "MSG" and f[1] == inbox.encode())
    return json.loads(answer[4])


def open_conn(server) -> RawConn:
    conn = RawConn(server.port)
    conn.connect(headers=True, no_responders=True, protocol=1)
    conn.send(b"SUB _R.> 1\r\n")
    conn.sync()
    return conn


def push_exchange(server) -> dict:
    """Fills a stream, then reads it through an ordered push consumer without answering flow
    control, then answers it. Returns what happened, normalized."""
    conn = open_conn(server)
    try:
        api(conn, "$JS.API.STREAM.CREATE.OBJ_w", {"name": "OBJ_w", "subjects": ["$O.w.C.>", "$O.w.M.>"],
                                                 "discard": "new", "allow_rollup_hdrs": True,
                                                 "allow_direct": True})
        for _ in range(200):
            conn.send(pub("$O.w.C.x", b"y" * CHUNK, reply="_R.pub"))
        conn.wait_for(lambda: sum(1 for f in conn.frames if f[0] == "MSG" and f[1] == b"_R.pub") >= 200, 20)
        conn.send(b"SUB dlv 9\r\n")
        conn.sync()
        start = len(conn.frames)
        created = api(conn, "$JS.API.CONSUMER.CREATE.OBJ_w", {"stream_name": "OBJ_w", "config": {
            "deliver_subject": "dlv", "ack_policy": "none", "flow_control": True, "idle_heartbeat": 1_000_000_000,
            "max_deliver": 1, "ack_wait": 79_200_000_000_000, "mem_storage": True, "num_replicas": 1,
            "filter_subject": "$O.w.C.x", "inactive_threshold": 0}})
        name = created["name"]

        def ours():
            return [f for f in conn.frames[start:] if f[0] in ("MSG", "HMSG") and f[2] == b"9"]

        def stalled():
            return any(f[0] == "HMSG" and b"Nats-Consumer-Stalled" in f[4] for f in ours())

        assert conn.wait_for(stalled, 5), [f[:4] for f in ours()][-3:]
        before_answer = ours()
        requests = [f for f in before_answer if f[0] == "HMSG" and f[3].startswith(b"$JS.FC.")]
        delivered_before = [f for f in before_answer if f[0] == "MSG"]
        first_request_at = before_answer.index(requests[0])
        conn.send(pub(requests[0][3].decode(), b""))
        assert conn.wait_for(lambda: sum(1 for f in ours() if f[0] == "MSG") >= 200, 10)
        everything = ours()
        messages = [f for f in everything if f[0] == "MSG"]

        def normal(text: bytes) -> str:
            out = text.decode().replace(name, "<consumer>")
            out = re.sub(r"\$JS\.FC\.OBJ_w\.<consumer>\.[A-Za-z0-9]{4}", "$JS.FC.OBJ_w.<consumer>.<id>", out)
            return re.sub(r"\.(\d{18,20})\.(\d+)$", r".<ts>.\2", out)

        heartbeat = next(f for f in before_answer if f[0] == "HMSG" and b"Idle Heartbeat" in f[4])
        return {
            "request status": requests[0][4].decode(),
            "request reply": normal(requests[0][3]),
            "messages before the first request": first_request_at,
            "messages before the answer": len(delivered_before),
            "stalled heartbeat": normal(heartbeat[4]),
            "first ack subject": normal(messages[0][3]),
            "last ack subject": normal(messages[-1][3]),
            "delivered in order": [int(m[3].split(b".")[5]) for m in messages] == list(range(1, 201)),
            "subjects": sorted({m[1].decode() for m in messages}),
        }
    finally:
        conn.close()


def direct_and_purge_exchange(server) -> dict:
    conn = open_conn(server)
    try:
        api(conn, "$JS.API.STREAM.CREATE.OBJ_d", {"name": "OBJ_d", "subjects": ["$O.d.C.>", "$O.d.M.>"],
                                                 "discard": "new", "allow_rollup_hdrs": True,
                                                 "allow_direct": True, "storage": "memory"})
        api(conn, "$JS.API.STREAM.CREATE.PLAIN", {"name": "PLAIN", "subjects": ["plain.>"], "storage": "memory"})
        results = {}
        rollup = b"NATS/1.0\r\nNats-Rollup: sub\r\n\r\n"
        for index in range(3):
            conn.send(pub("$O.d.C.a", b"chunk%d" % index, reply="_R.p"))
            conn.send(pub("$O.d.C.b", b"chunk%d" % index, reply="_R.p"))
            conn.send(hpub("$O.d.M.a", rollup, b'{"meta":%d}' % index, reply="_R.p"))
        conn.sync()
        conn.send(hpub("plain.x", rollup, b"x", reply="_R.refused"))
        conn.send(hpub("$O.d.M.a", b"NATS/1.0\r\nNats-Rollup: Bogus\r\n\r\n", b"x", reply="_R.refused"))
        conn.wait_for(lambda: sum(1 for f in conn.frames if f[0] == "MSG" and f[1] == b"_R.refused") >= 2)
        # The two streams answer independently: compare the refusals, not their order.
        results["rollup refusals"] = sorted((json.loads(f[4])["error"] for f in conn.frames
                                             if f[0] == "MSG" and f[1] == b"_R.refused"),
                                            key=lambda error: error["description"])
        results["meta messages after rollups"] = api(
            conn, "$JS.API.STREAM.INFO.OBJ_d", b"")["state"]["messages"]

        def direct(subject: str, body: bytes, inbox: str):
            before = len(conn.frames)
            conn.send(pub(subject, body, reply=inbox))
            assert conn.wait_for(lambda: any(f[1] == inbox.encode() for f in conn.frames[before:]))
            frame = next(f for f in conn.frames[before:] if f[1] == inbox.encode())
            headers = re.sub(rb"Nats-Time-Stamp: [^\r]+", b"Nats-Time-Stamp: <ts>", frame[4]).decode()
            return [headers, frame[5].decode()] if frame[0] == "HMSG" else ["MSG", frame[4].decode()]

        results["direct last meta"] = direct("$JS.API.DIRECT.GET.OBJ_d", b'{"last_by_subj":"$O.d.M.>"}', "_R.d1")
        results["direct by seq"] = direct("$JS.API.DIRECT.GET.OBJ_d", b'{"seq":2}', "_R.d2")
        results["direct in subject"] = direct("$JS.API.DIRECT.GET.OBJ_d.$O.d.C.a", b"", "_R.d3")
        results["direct missing"] = direct("$JS.API.DIRECT.GET.OBJ_d", b'{"seq":99}', "_R.d4")
        results["direct empty"] = direct("$JS.API.DIRECT.GET.OBJ_d", b"", "_R.d5")
        results["direct malformed"] = direct("$JS.API.DIRECT.GET.OBJ_d", b"{x", "_R.d6")
        results["last meta by MSG.GET"] = api(
            conn, "$JS.API.STREAM.MSG.GET.OBJ_d", {"last_by_subj": "$O.d.M.>"})["message"]["seq"]

        results["purge keep"] = api(conn, "$JS.API.STREAM.PURGE.OBJ_d", {"filter": "$O.d.C.b", "keep": 1})
        results["purge filter"] = api(conn, "$JS.API.STREAM.PURGE.OBJ_d", {"filter": "$O.d.C.a"})
        results["purge seq and keep"] = api(conn, "$JS.API.STREAM.PURGE.OBJ_d", {"seq": 2, "keep": 1})["error"]
        results["purge no subject"] = api(conn, "$JS.API.STREAM.PURGE.OBJ_d", {"filter": "$O..x"})
        results["messages left"] = api(conn, "$JS.API.STREAM.INFO.OBJ_d", b"")["state"]["messages"]
        return results
    finally:
        conn.close()


def test_an_ordered_push_consumer_speaks_as_nats_server_does(server_factory):
    oracle = push_exchange(server_factory.start("nats-server", jetstream=True))
    broker = push_exchange(server_factory.start("broker", jetstream=True))
    assert broker == oracle


def test_direct_gets_purges_and_rollups_answer_as_nats_server_does(server_factory):
    oracle = direct_and_purge_exchange(server_factory.start("nats-server", jetstream=True))
    broker = direct_and_purge_exchange(server_factory.start("broker", jetstream=True))
    assert broker == oracle
