"""How a differential case (test_differential.py) is written, run and compared: the ``Case``
record and its steps (``send``, ``sync``, ``pause``), the expected-bytes builders (``E``, ``ERR``,
``no_resp``, ``args_of_len``) and the CONNECT lines and header blocks the case tables share; then
``check_case``, which runs a case against nats-server and the broker over raw sockets and
compares what each connection received, frame by frame.

Normalisation: deliveries are relabelled by ``Case.relabel`` (queue members, where nats-server
picks one at random) and, for ``Case.unordered``, runs of consecutive deliveries are ordered by
sid; INFO is compared on its stable keys only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from interop_wire import INFO_REQUIRED_KEYS, INFO_STABLE_KEYS, RawConn, header_block, parse_frames, render

SPLIT_DELAY = 0.0002  # seconds between single-byte writes in split mode


@dataclass
class Case:
    name: str
    steps: list
    expect: dict                     # conn -> bytes the server sends after INFO
    closed: tuple = ()               # conns the server closes
    options: dict = field(default_factory=dict)
    unordered: bool = False          # deliveries to different sids may interleave differently
    relabel: dict = field(default_factory=dict)  # sid -> label (queue members: invariants only)
    final: str = "sync"              # "sync": PING/PONG at the end; "quiet": read until idle
    split: bool = True               # run a byte-by-byte variant too
    quiet: float = 0.3


def send(conn, data):
    return ("send", conn, data)


def sync(conn):
    return ("sync", conn)


def pause(seconds):
    return ("pause", seconds)


def E(*parts) -> bytes:
    """Expected bytes: each part is a line (str) or raw bytes (a payload with its CRLF)."""
    out = b""
    for p in parts:
        out += p if isinstance(p, bytes) else p.encode() + b"\r\n"
    return out


def ERR(text):
    return f"-ERR '{text}'"


CV = b'CONNECT {"verbose":false,"pedantic":false}\r\n'
CVT = b'CONNECT {"verbose":true,"pedantic":false}\r\n'
CP = b'CONNECT {"verbose":false,"pedantic":true}\r\n'
CH = b'CONNECT {"verbose":false,"pedantic":false,"headers":true}\r\n'
CNR = b'CONNECT {"verbose":false,"pedantic":false,"headers":true,"no_responders":true}\r\n'

H1 = header_block([("A", "1")])                                     # 18 bytes
L1 = len(H1)
HM = header_block([("X", "1"), ("Y", "y"), ("X", "2"), ("X", "3")])  # repeated names, kept in order
H503 = b"NATS/1.0 503\r\nNats-Subject: %s\r\n\r\n"


def no_resp(reply, sid, subject):
    block = H503 % subject.encode()
    return E(f"HMSG {reply} {sid} {len(block)} {len(block)}", block + b"\r\n")


def args_of_len(n, subject=b"x", size=b" 1"):
    """PUB arguments of exactly n bytes: '<subject> <reply-padding> 1'."""
    pad = n - len(subject) - 1 - len(size)
    return subject + b" " + b"r" * pad + size


@dataclass
class ConnResult:
    info: dict
    frames: list
    closed: bool
    tail: bytes


def run_case(server, case: Case, split: bool = False) -> dict:
    conns: dict[str, RawConn] = {}

    def get(name):
        if name not in conns:
            conns[name] = RawConn(server.port)
        return conns[name]

    try:
        for step in case.steps:
            if step[0] == "send":
                c = get(step[1])
                if not c.closed:
                    if split and case.split:
                        c.send(step[2], chunk=1, delay=SPLIT_DELAY)
                    else:
                        c.send(step[2])
            elif step[0] == "sync":
                c = get(step[1])
                if not c.closed:
                    c.sync(timeout=5)
            elif step[0] == "pause":
                time.sleep(step[1])
            else:
                raise ValueError(step)
        for name, c in conns.items():
            if c.closed:
                continue
            if case.final == "sync":
                c.sync(timeout=5)
            else:
                c.settle(quiet=case.quiet, timeout=6)
        results = {}
        for name, c in conns.items():
            results[name] = ConnResult(info=c.frames[0][1], frames=c.frames[1:], closed=c.closed, tail=c.buf)
        return results
    finally:
        for c in conns.values():
            c.close()


def expects_server_pings(case: Case) -> bool:
    return any(b"PING\r\n" in want for want in case.expect.values())


def normalize(frames, case: Case):
    out = []
    keep_pings = expects_server_pings(case)
    for f in frames:
        # nats-server PINGs a client about 2 s after it connects; a slow byte-by-byte exchange on a
        # loaded machine lasts that long. That PING is timing, not the answer a case pins, so it is
        # left out unless the case expects server PINGs (the stale-connection case does).
        if f == ("LINE", b"PING") and not keep_pings:
            continue
        if f[0] in ("MSG", "HMSG") and case.relabel:
            f = (f[0], f[1], case.relabel.get(f[2], f[2])) + f[3:]
        out.append(f)
    if not case.unordered:
        return out
    # Deliveries of one message to several subscriptions may come in any order: within each run
    # of consecutive deliveries, order by sid (stable, so each sid keeps its own order).
    result, run = [], []
    for f in out + [None]:
        if f is not None and f[0] in ("MSG", "HMSG"):
            run.append(f)
            continue
        result += sorted(run, key=lambda x: x[2])
        run = []
        if f is not None:
            result.append(f)
    return result


def stable_info(info: dict) -> dict:
    return {k: info.get(k) for k in INFO_STABLE_KEYS}


def describe(results) -> str:
    return "\n".join(f"[{name}] closed={r.closed} tail={r.tail[:80]!r}\n{render(r.frames)}"
                     for name, r in results.items())


def check_case(server_factory, case: Case, split: bool):
    oracle = server_factory.start("nats-server", **case.options)
    broker = server_factory.start("broker", **case.options)
    got_oracle = run_case(oracle, case, split)
    got_broker = run_case(broker, case, split)

    # 1. the oracle still does what the case pins
    for name, want in case.expect.items():
        want_frames, rest = parse_frames(want)
        assert rest == b"", f"bad expectation for {name}"
        r = got_oracle[name]
        assert normalize(r.frames, case) == normalize(want_frames, case), (
            f"nats-server no longer matches the pinned expectation for conn {name!r}:\n{describe(got_oracle)}")
        assert r.closed == (name in case.closed), f"nats-server close state for {name!r}: {r.closed}"

    # 2. the broker does what the oracle did
    assert set(got_broker) == set(got_oracle)
    for name in got_oracle:
        o, b = got_oracle[name], got_broker[name]
        missing = [k for k in INFO_REQUIRED_KEYS if k not in b.info]
        assert not missing, f"broker INFO lacks {missing}: {b.info}"
        assert b.info.get("port") == broker.port, f"INFO port {b.info.get('port')} != {broker.port}"
        assert stable_info(b.info) == stable_info(o.info), "INFO differs on stable keys"
        assert normalize(b.frames, case) == normalize(o.frames, case), (
            f"conn {name!r}: broker output differs from nats-server\n--- nats-server:\n{describe(got_oracle)}"
            f"\n--- broker:\n{describe(got_broker)}")
        assert b.closed == o.closed, (
            f"conn {name!r}: nats-server {'closed' if o.closed else 'kept open'} the connection, "
            f"the broker {'closed' if b.closed else 'kept it open'}\n--- broker:\n{describe(got_broker)}")
        assert b.tail == o.tail, f"conn {name!r}: trailing partial frame differs: {b.tail[:80]!r}"
