"""Differential tests: the same scripted raw-socket exchange against nats-server 2.15 (the oracle)
and the broker; the server's bytes are compared frame by frame.

Each case pins what nats-server 2.15.1 actually sends (``expect``, the bytes after INFO, ending
with the PONG of the final PING the harness sends) and which connections it closes. A case checks
  1. the oracle still produces ``expect`` (so the case tests what it claims; fails if nats-server
     changed), and
  2. the broker produces exactly what the oracle produced: deliveries (MSG/HMSG lines and
     payloads), +OK, -ERR texts, PONGs, and whether the server closed the connection.
INFO is compared on its stable keys only (proto, headers, max_payload, host); the keys nats
clients read must be present.

Every case runs twice: whole writes, and byte-by-byte writes with small sleeps between bytes
(each op split across many tiny reads must give the same result).

Behaviours of nats-server 2.15.1 worth knowing (found while writing these cases):
* Before CONNECT, verbose is on: every op is answered with +OK (PING gets only PONG).
* With verbose on, PUB's +OK comes before the MSG it delivers back to the same connection.
* Malformed PUB/SUB/UNSUB/HPUB *arguments* (missing or negative size, too many args, header
  size > total size) close the connection WITHOUT any -ERR. So do bad CONNECT JSON, a CONNECT
  field of the wrong type, HPUB on a connection that did not say headers:true, and a client
  sending "-ERR".
* Errors in the parser state machine (unknown op, empty line, payload not followed by CRLF,
  wrong size, bare "PUB"/"SUB"/"UNSUB" with no space) send -ERR 'Unknown Protocol Operation'
  and close.
* Control-line limit: nats-server measures the *arguments* (after "PUB "), and only when the
  line is split across reads; args of 4096 bytes pass, 4097 fail with
  -ERR 'maximum control line exceeded' (lowercase!) and close. One write of 4100 bytes of
  args can pass (not checked here: nats-server's own result depends on read sizes).
* -ERR 'Maximum Payload Violation' (capitalised) closes; it is sent as soon as the PUB line is
  read, before the payload.
* With pedantic on, nats-server sends 'Invalid Publish Subject' TWICE for one PUB when the PUB
  line and its payload arrive in separate reads (byte-by-byte); once when they arrive together.
  The byte-by-byte variants skip those cases.
* Fields left out of CONNECT keep their pre-CONNECT values: `CONNECT {}` means verbose AND
  pedantic on; `CONNECT {"verbose":false}` still has pedantic on. (nats-py and nats.go always
  send both fields.)
* Publish subject checks are pedantic-only. Pedantic off: foo..bar / foo. / .foo are dropped
  silently; a subject with wildcard tokens (foo.*, foo.>) is delivered to matching subscriptions
  (e.g. '>'). Pedantic on: -ERR 'Invalid Publish Subject' (connection stays open, +OK still
  follows in verbose mode) -- and the wildcard subject is STILL delivered after the -ERR.
* Invalid SUB subjects get -ERR 'Invalid Subject' whatever pedantic says; the connection stays
  open.
* Lines may end in a bare LF; arguments may be separated by any run of spaces/tabs; trailing
  whitespace is fine; nats-py itself sends "PUB subj  5" (two spaces) when there is no reply.
* No-responders reply: HMSG <reply> <sid> 35 35 / "NATS/1.0 503\r\nNats-Subject: <subject>\r\n\r\n"
  with empty payload (2.15 adds the Nats-Subject header). CONNECT no_responders:true without
  headers:true gets -ERR 'no responders requires headers support' and is closed. With echo:false
  the publisher's own subscription does not count as a responder.
* SUB with a sid already used on the connection is silently ignored (+OK in verbose mode).
  Sids are arbitrary tokens ("abc" works).
* UNSUB <sid> <max> counts deliveries already made; a later UNSUB with a larger max wins.
* HPUB with header size 0 is delivered as a plain MSG.
* A subscriber that connected without headers:true receives an HPUB as a plain MSG with the
  header block stripped.
* max_connections: the extra client gets INFO, then -ERR 'maximum connections exceeded'
  (lowercase), then close. max_subscriptions: -ERR 'maximum subscriptions exceeded', open.
* Stale connection (ping_interval 1s, ping_max 2): PING, PING, -ERR 'Stale Connection', close.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pytest

from interop_wire import (INFO_REQUIRED_KEYS, INFO_STABLE_KEYS, RawConn, header_block, hpub, parse_frames,
                          render)

SPLIT_DELAY = 0.0002  # seconds between single-byte writes in split mode


# --------------------------------------------------------------------------------------------
# Case description
# --------------------------------------------------------------------------------------------

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


CASES = [
    # ---- basic ops, verbose, case, whitespace -------------------------------------------
    Case("ping_before_connect", [send("a", b"PING\r\n")], {"a": E("PONG", "PONG")}),
    Case("verbose_is_default_before_connect", [send("a", b"SUB foo 1\r\nPUB foo 2\r\nhi\r\n")],
         {"a": E("+OK", "+OK", "MSG foo 1 2", "hi", "PONG")}),
    Case("connect_verbose_true",
         [send("a", CVT + b"SUB foo 1\r\nPUB foo 2\r\nhi\r\nUNSUB 1\r\nPUB foo 2\r\nho\r\n")],
         {"a": E("+OK", "+OK", "+OK", "MSG foo 1 2", "hi", "+OK", "+OK", "PONG")}),
    Case("connect_verbose_false",
         [send("a", CV + b"SUB foo 1\r\nPUB foo 2\r\nhi\r\nUNSUB 1\r\nPUB foo 2\r\nho\r\n")],
         {"a": E("MSG foo 1 2", "hi", "PONG")}),
    Case("pong_and_ping_get_no_ok_in_verbose", [send("a", CVT + b"PONG\r\nPING\r\n")],
         {"a": E("+OK", "PONG", "PONG")}),
    Case("ops_lowercase",
         [send("a", b'connect {"verbose":false}\r\nsub foo 1\r\npub foo 2\r\nhi\r\nunsub 1\r\n'
                    b'pub foo 2\r\nho\r\nping\r\n')],
         {"a": E("MSG foo 1 2", "hi", "PONG", "PONG")}),
    Case("ops_mixed_case",
         [send("a", b'CoNnEcT {"verbose":false,"headers":true}\r\nSuB foo 1\r\npUb foo 1\r\na\r\n'
                    b'hPuB foo %d %d\r\n' % (L1, L1 + 1) + H1 + b'b\r\nUnSuB 1\r\npub foo 1\r\nc\r\nPiNg\r\n')],
         {"a": E("MSG foo 1 1", "a", f"HMSG foo 1 {L1} {L1 + 1}", H1 + b"b\r\n", "PONG", "PONG")}),
    Case("tabs_and_multiple_spaces",
         [send("a", CV + b"SUB\tfoo \t 1\r\nPUB   foo\t\t2\r\nhi\r\nPUB foo  r.x \t 2\r\nho\r\n"
                         b"SUB \t bar  q \t2\r\nPUB bar 1\r\nz\r\n")],
         {"a": E("MSG foo 1 2", "hi", "MSG foo 1 r.x 2", "ho", "MSG bar 2 1", "z", "PONG")}),
    Case("trailing_whitespace_in_args", [send("a", CV + b"SUB foo 1 \r\nPUB foo 2\t\r\nhi\r\n")],
         {"a": E("MSG foo 1 2", "hi", "PONG")}),
    Case("nats_py_double_space_pub", [send("a", CV + b"SUB foo 1\r\nPUB foo  2\r\nhi\r\n")],
         {"a": E("MSG foo 1 2", "hi", "PONG")}),
    Case("lf_only_line_endings", [send("a", CV + b"SUB foo 1\nPUB foo 2\nhi\r\nPING\n")],
         {"a": E("MSG foo 1 2", "hi", "PONG", "PONG")}),
    Case("pub_with_reply", [send("a", CV + b"SUB foo 1\r\nPUB foo bar.baz 2\r\nhi\r\n")],
         {"a": E("MSG foo 1 bar.baz 2", "hi", "PONG")}),
    Case("pub_zero_payload", [send("a", CV + b"SUB foo 1\r\nPUB foo 0\r\n\r\nPUB foo r 0\r\n\r\n")],
         {"a": E("MSG foo 1 0", "", "MSG foo 1 r 0", "", "PONG")}),
    Case("payload_containing_crlf_and_ops",
         [send("a", CV + b"SUB foo 1\r\nPUB foo 12\r\nPING\r\nPUB \r\n\r\n")],
         {"a": E("MSG foo 1 12", b"PING\r\nPUB \r\n\r\n", "PONG")}),
    Case("binary_payload", [send("a", CV + b"SUB bin 1\r\nPUB bin 256\r\n" + bytes(range(256)) + b"\r\n")],
         {"a": E("MSG bin 1 256", bytes(range(256)) + b"\r\n", "PONG")}),
    Case("pipelined_pubs",
         [send("a", CV + b"SUB p 1\r\n" + b"".join(b"PUB p %d\r\n%s\r\n" % (len(str(i)), str(i).encode())
                                                  for i in range(100)))],
         {"a": b"".join(E(f"MSG p 1 {len(str(i))}", str(i)) for i in range(100)) + E("PONG")}),
    Case("sid_is_any_token", [send("a", CV + b"SUB foo abc\r\nPUB foo 1\r\na\r\n")],
         {"a": E("MSG foo abc 1", "a", "PONG")}),
    Case("duplicate_sid_ignored",
         [send("a", CVT + b"SUB foo 1\r\nSUB bar 1\r\nPUB foo 1\r\na\r\nPUB bar 1\r\nb\r\n")],
         {"a": E("+OK", "+OK", "+OK", "+OK", "MSG foo 1 1", "a", "+OK", "PONG")}),
    Case("client_info_ignored", [send("a", CV + b'INFO {"x":1}\r\nPING\r\n')], {"a": E("PONG", "PONG")}),

    # ---- several connections ---------------------------------------------------------------
    Case("cross_connection_delivery",
         [send("b", CV + b"SUB foo.* 7\r\n"), sync("b"), send("a", CV + b"PUB foo.x 3\r\nabc\r\n"), sync("a")],
         {"a": E("PONG", "PONG"), "b": E("PONG", "MSG foo.x 7 3", "abc", "PONG")}),
    Case("cross_connection_request_reply",
         [send("b", CV + b"SUB svc 1\r\n"), sync("b"),
          send("a", CV + b"SUB inbox.a 5\r\nPUB svc inbox.a 3\r\nreq\r\n"), sync("a"), sync("b"),
          send("b", b"PUB inbox.a 3\r\nrep\r\n"), sync("b")],
         {"a": E("PONG", "MSG inbox.a 5 3", "rep", "PONG"),
          "b": E("PONG", "MSG svc 1 inbox.a 3", "req", "PONG", "PONG", "PONG")}),
    Case("echo_false",
         [send("b", CV + b"SUB foo 1\r\n"), sync("b"),
          send("a", b'CONNECT {"verbose":false,"echo":false}\r\nSUB foo 1\r\nPUB foo 2\r\nhi\r\n'),
          sync("a")],
         {"a": E("PONG", "PONG"), "b": E("PONG", "MSG foo 1 2", "hi", "PONG")}),
    Case("echo_true_by_default", [send("a", b'CONNECT {"verbose":false}\r\nSUB foo 1\r\nPUB foo 2\r\nhi\r\n')],
         {"a": E("MSG foo 1 2", "hi", "PONG")}),

    # ---- headers -----------------------------------------------------------------------------
    Case("hpub_basic", [send("a", CH + b"SUB foo 1\r\n" + hpub("foo", H1, b"hi"))],
         {"a": E(f"HMSG foo 1 {L1} {L1 + 2}", H1 + b"hi\r\n", "PONG")}),
    Case("hpub_with_reply_and_empty_payload", [send("a", CH + b"SUB foo 1\r\n" + hpub("foo", H1, b"", reply="rp"))],
         {"a": E(f"HMSG foo 1 rp {L1} {L1}", H1 + b"\r\n", "PONG")}),
    Case("hpub_multi_valued_headers_verbatim", [send("a", CH + b"SUB foo 1\r\n" + hpub("foo", HM, b"body"))],
         {"a": E(f"HMSG foo 1 {len(HM)} {len(HM) + 4}", HM + b"body\r\n", "PONG")}),
    Case("hpub_to_subscriber_without_headers",
         [send("b", CV + b"SUB foo 1\r\n"), sync("b"), send("a", CH + hpub("foo", H1, b"hi")), sync("a")],
         {"a": E("PONG", "PONG"), "b": E("PONG", "MSG foo 1 2", "hi", "PONG")}),
    Case("hpub_without_headers_in_connect_closes", [send("a", CV + b"SUB foo 1\r\n" + hpub("foo", H1, b"hi"))],
         {"a": b""}, closed=("a",)),
    Case("hpub_headers_false_closes",
         [send("a", b'CONNECT {"verbose":false,"headers":false}\r\n' + hpub("foo", H1, b"hi"))],
         {"a": b""}, closed=("a",)),
    Case("hpub_header_size_over_total_closes", [send("a", CH + b"HPUB foo %d 10\r\n" % L1 + H1 + b"\r\n")],
         {"a": b""}, closed=("a",)),
    Case("hpub_missing_total_closes", [send("a", CH + b"HPUB foo %d\r\n" % L1 + H1 + b"\r\n")],
         {"a": b""}, closed=("a",)),
    Case("hpub_zero_header_size_is_plain_msg", [send("a", CH + b"SUB foo 1\r\nHPUB foo 0 2\r\nhi\r\n")],
         {"a": E("MSG foo 1 2", "hi", "PONG")}),
    Case("hpub_max_payload_exceeded", [send("a", CH + b"HPUB foo 18 1048577\r\n")],
         {"a": E(ERR("Maximum Payload Violation"))}, closed=("a",)),

    # ---- no responders -----------------------------------------------------------------------
    Case("no_responders_503", [send("a", CNR + b"SUB _INBOX.x 9\r\nPUB foo _INBOX.x 2\r\nhi\r\n")],
         {"a": no_resp("_INBOX.x", 9, "foo") + E("PONG")}),
    Case("no_responders_503_for_hpub", [send("a", CNR + b"SUB in.x 3\r\n" + hpub("svc.a", H1, b"q", reply="in.x"))],
         {"a": no_resp("in.x", 3, "svc.a") + E("PONG")}),
    Case("no_responders_off_by_default", [send("a", CH + b"SUB _INBOX.x 9\r\nPUB foo _INBOX.x 2\r\nhi\r\n")],
         {"a": E("PONG")}),
    Case("no_responders_without_reply_is_silent", [send("a", CNR + b"SUB _INBOX.x 9\r\nPUB foo 2\r\nhi\r\n")],
         {"a": E("PONG")}),
    Case("no_responders_requires_headers",
         [send("a", b'CONNECT {"verbose":false,"no_responders":true}\r\n')],
         {"a": E(ERR("no responders requires headers support"))}, closed=("a",)),
    Case("no_responders_not_sent_when_responder_exists",
         [send("b", CV + b"SUB svc q 1\r\n"), sync("b"),
          send("a", CNR + b"SUB in.a 2\r\nPUB svc in.a 1\r\nx\r\n"), sync("a")],
         {"a": E("PONG", "PONG"), "b": E("PONG", "MSG svc 1 in.a 1", "x", "PONG")}),
    Case("no_responders_echo_false_own_sub_does_not_count",
         [send("a", b'CONNECT {"verbose":false,"echo":false,"headers":true,"no_responders":true}\r\n'
                    b'SUB in 1\r\nSUB foo 2\r\nPUB foo in 2\r\nhi\r\n')],
         {"a": no_resp("in", 1, "foo") + E("PONG")}),

    # ---- UNSUB -------------------------------------------------------------------------------
    Case("unsub_stops_delivery", [send("a", CV + b"SUB foo 1\r\nPUB foo 1\r\na\r\nUNSUB 1\r\nPUB foo 1\r\nb\r\n")],
         {"a": E("MSG foo 1 1", "a", "PONG")}),
    Case("unsub_max",
         [send("a", CV + b"SUB foo 1\r\nUNSUB 1 2\r\nPUB foo 1\r\na\r\nPUB foo 1\r\nb\r\nPUB foo 1\r\nc\r\n")],
         {"a": E("MSG foo 1 1", "a", "MSG foo 1 1", "b", "PONG")}),
    Case("unsub_max_counts_earlier_deliveries",
         [send("a", CV + b"SUB foo 1\r\nPUB foo 1\r\na\r\nUNSUB 1 1\r\nPUB foo 1\r\nb\r\n")],
         {"a": E("MSG foo 1 1", "a", "PONG")}),
    Case("unsub_max_raised_later",
         [send("a", CV + b"SUB foo 1\r\nUNSUB 1 2\r\nUNSUB 1 3\r\n" + b"PUB foo 1\r\na\r\n" * 4)],
         {"a": E("MSG foo 1 1", "a", "MSG foo 1 1", "a", "MSG foo 1 1", "a", "PONG")}),
    Case("unsub_unknown_sid", [send("a", CVT + b"UNSUB 99\r\n")], {"a": E("+OK", "+OK", "PONG")}),
    Case("unsub_then_resub_same_sid",
         [send("a", CV + b"SUB foo 1\r\nUNSUB 1\r\nSUB bar 1\r\nPUB foo 1\r\na\r\nPUB bar 1\r\nb\r\n")],
         {"a": E("MSG bar 1 1", "b", "PONG")}),

    # ---- queue groups ------------------------------------------------------------------------
    Case("queue_single_member_and_plain",
         [send("a", CV + b"SUB foo q 1\r\nSUB foo 2\r\nPUB foo 1\r\na\r\nPUB foo 1\r\nb\r\n")],
         {"a": E("MSG foo 1 1", "a", "MSG foo 2 1", "a", "MSG foo 1 1", "b", "MSG foo 2 1", "b", "PONG")},
         unordered=True),
    Case("queue_two_groups_one_copy_each",
         [send("a", CV + b"SUB foo g1 1\r\nSUB foo g2 2\r\nPUB foo 1\r\na\r\n")],
         {"a": E("MSG foo 1 1", "a", "MSG foo 2 1", "a", "PONG")}, unordered=True),
    Case("queue_members_exactly_once",  # nats-server picks a member at random: compare invariants
         [send("a", CV + b"SUB foo q 1\r\nSUB foo q 2\r\nSUB foo q 3\r\n"
                         + b"".join(b"PUB foo 1\r\n%d\r\n" % i for i in range(8)))],
         {"a": b"".join(E("MSG foo 1 1", str(i)) for i in range(8)) + E("PONG")},
         relabel={b"1": b"q", b"2": b"q", b"3": b"q"}),
    Case("queue_with_wildcard_subject",
         [send("a", CV + b"SUB foo.* workers 1\r\nPUB foo.a 1\r\na\r\nPUB foo.b.c 1\r\nb\r\n")],
         {"a": E("MSG foo.a 1 1", "a", "PONG")}),

    # ---- wildcards ---------------------------------------------------------------------------
    Case("wildcard_star",
         [send("a", CV + b"SUB foo.* 1\r\nPUB foo.bar 1\r\na\r\nPUB foo 1\r\nb\r\nPUB foo.bar.baz 1\r\nc\r\n")],
         {"a": E("MSG foo.bar 1 1", "a", "PONG")}),
    Case("wildcard_gt",
         [send("a", CV + b"SUB foo.> 1\r\nPUB foo.bar 1\r\na\r\nPUB foo 1\r\nb\r\nPUB foo.bar.baz 1\r\nc\r\n")],
         {"a": E("MSG foo.bar 1 1", "a", "MSG foo.bar.baz 1 1", "c", "PONG")}),
    Case("wildcard_full_gt", [send("a", CV + b"SUB > 1\r\nPUB a 1\r\na\r\nPUB a.b.c.d 1\r\nb\r\n")],
         {"a": E("MSG a 1 1", "a", "MSG a.b.c.d 1 1", "b", "PONG")}),
    Case("wildcard_middle_star",
         [send("a", CV + b"SUB a.*.c 1\r\nPUB a.b.c 1\r\n1\r\nPUB a.b.d 1\r\n2\r\nPUB a.c 1\r\n3\r\nPUB a.x.c 1\r\n4\r\n")],
         {"a": E("MSG a.b.c 1 1", "1", "MSG a.x.c 1 1", "4", "PONG")}),
    Case("wildcards_overlapping",
         [send("a", CV + b"SUB foo.* 1\r\nSUB foo.> 2\r\nSUB > 3\r\nSUB * 4\r\nSUB foo.bar 5\r\n"
                         b"PUB foo.bar.baz 1\r\na\r\nPUB foo.bar 1\r\nb\r\nPUB foo 1\r\nc\r\n")],
         {"a": E("MSG foo.bar.baz 2 1", "a", "MSG foo.bar.baz 3 1", "a",
                 "MSG foo.bar 1 1", "b", "MSG foo.bar 2 1", "b", "MSG foo.bar 3 1", "b", "MSG foo.bar 5 1", "b",
                 "MSG foo 3 1", "c", "MSG foo 4 1", "c", "PONG")}, unordered=True),
    Case("two_subs_same_subject", [send("a", CV + b"SUB foo 1\r\nSUB foo 2\r\nPUB foo 1\r\na\r\n")],
         {"a": E("MSG foo 1 1", "a", "MSG foo 2 1", "a", "PONG")}, unordered=True),
    Case("wildcard_chars_inside_tokens_are_literal",
         [send("a", CV + b"SUB foo* 1\r\nSUB f>o 2\r\nPUB foo* 1\r\na\r\nPUB f>o 1\r\nb\r\nPUB foox 1\r\nc\r\n")],
         {"a": E("MSG foo* 1 1", "a", "MSG f>o 2 1", "b", "PONG")}),
    Case("subjects_are_case_sensitive", [send("a", CV + b"SUB Foo 1\r\nPUB foo 1\r\na\r\nPUB Foo 1\r\nb\r\n")],
         {"a": E("MSG Foo 1 1", "b", "PONG")}),

    # ---- invalid subjects ---------------------------------------------------------------------
    Case("invalid_sub_subjects",
         [send("a", CV + b"SUB foo..bar 1\r\nSUB foo.>.bar 2\r\nSUB foo. 3\r\nSUB .foo 4\r\nSUB ok 5\r\n"
                         b"PUB ok 1\r\na\r\n")],
         {"a": E(ERR("Invalid Subject"), ERR("Invalid Subject"), ERR("Invalid Subject"), ERR("Invalid Subject"),
                 "MSG ok 5 1", "a", "PONG")}),
    # pedantic off (what nats-py and nats.go send): bad publish subjects are dropped silently,
    # but a subject with wildcard tokens is still routed to matching subscriptions.
    Case("invalid_pub_subjects_dropped_silently",
         [send("a", CV + b"SUB > 1\r\nPUB foo..bar 1\r\na\r\nPUB foo. 1\r\nb\r\nPUB .foo 1\r\nc\r\nPUB ok 1\r\nd\r\n")],
         {"a": E("MSG ok 1 1", "d", "PONG")}),
    Case("pub_wildcard_subject_delivered",
         [send("a", CV + b"SUB > 3\r\nPUB foo.* 1\r\na\r\nPUB foo.> 1\r\nb\r\n")],
         {"a": E("MSG foo.* 3 1", "a", "MSG foo.> 3 1", "b", "PONG")}),
    # pedantic on: -ERR 'Invalid Publish Subject', connection stays open; the wildcard publish is
    # STILL delivered after the -ERR (quirk), empty-token subjects are not.
    # split=False: when the PUB line and its payload arrive in different reads, nats-server sends
    # this -ERR twice (it checks the subject again after the split); not a behaviour to copy.
    Case("pedantic_pub_wildcard_subject_errs_but_delivers",
         [send("a", CP + b"SUB > 3\r\nPUB foo.* 1\r\na\r\nPUB foo..x 1\r\nb\r\nPUB foo.> 1\r\nc\r\nPUB ok 1\r\nd\r\n")],
         {"a": E(ERR("Invalid Publish Subject"), "MSG foo.* 3 1", "a", ERR("Invalid Publish Subject"),
                 ERR("Invalid Publish Subject"), "MSG foo.> 3 1", "c", "MSG ok 3 1", "d", "PONG")}, split=False),
    Case("pedantic_invalid_pub_subject_no_subscribers", [send("a", CP + b"PUB foo.* 2\r\nhi\r\n")],
         {"a": E(ERR("Invalid Publish Subject"), "PONG")}, split=False),
    Case("pedantic_verbose_invalid_pub_still_ok",
         [send("a", b'CONNECT {"verbose":true,"pedantic":true}\r\nPUB foo..x 2\r\nhi\r\n')],
         {"a": E("+OK", ERR("Invalid Publish Subject"), "+OK", "PONG")}, split=False),
    # Fields left out of CONNECT keep their pre-CONNECT defaults: verbose AND pedantic are on.
    Case("connect_omitted_verbose_pedantic_default_true",
         [send("a", b"CONNECT {}\r\nSUB foo 1\r\nPUB foo..x 1\r\na\r\n")],
         {"a": E("+OK", "+OK", ERR("Invalid Publish Subject"), "+OK", "PONG")}, split=False),
    Case("connect_omitted_pedantic_default_true",
         [send("a", b'CONNECT {"verbose":false}\r\nPUB foo..x 1\r\na\r\n')],
         {"a": E(ERR("Invalid Publish Subject"), "PONG")}, split=False),
    Case("invalid_sub_subject_verbose", [send("a", CVT + b"SUB foo..x 1\r\n")],
         {"a": E("+OK", ERR("Invalid Subject"), "PONG")}),
    Case("pedantic_invalid_pub", [send("a", CP + b"PUB foo..x 2\r\nhi\r\n")],
         {"a": E(ERR("Invalid Publish Subject"), "PONG")}, split=False),
    Case("pedantic_invalid_sub", [send("a", CP + b"SUB foo.>.x 1\r\nSUB a.b 2\r\nPUB a.b 1\r\nz\r\n")],
         {"a": E(ERR("Invalid Subject"), "MSG a.b 2 1", "z", "PONG")}),

    # ---- malformed frames ----------------------------------------------------------------------
    Case("payload_not_followed_by_crlf", [send("a", CV + b"SUB foo 1\r\nPUB foo 2\r\nhiX\r\n")],
         {"a": E(ERR("Unknown Protocol Operation"))}, closed=("a",)),
    Case("payload_size_too_small", [send("a", CV + b"SUB foo 1\r\nPUB foo 1\r\nhi\r\n")],
         {"a": E(ERR("Unknown Protocol Operation"))}, closed=("a",)),
    Case("payload_size_too_large", [send("a", CV + b"SUB foo 1\r\nPUB foo 3\r\nhi\r\nPING\r\n")],
         {"a": E(ERR("Unknown Protocol Operation"))}, closed=("a",)),
    Case("payload_ends_with_bare_lf", [send("a", CV + b"SUB foo 1\r\nPUB foo 2\r\nhi\nPING\r\n")],
         {"a": E(ERR("Unknown Protocol Operation"))}, closed=("a",)),
    Case("pub_negative_size_closes_silently", [send("a", CV + b"PUB foo -1\r\n")], {"a": b""}, closed=("a",)),
    Case("pub_missing_size_closes_silently", [send("a", CV + b"PUB foo\r\n")], {"a": b""}, closed=("a",)),
    Case("pub_non_numeric_size_closes_silently", [send("a", CV + b"PUB foo x\r\n")], {"a": b""}, closed=("a",)),
    Case("pub_too_many_args_closes_silently", [send("a", CV + b"PUB foo a b 2\r\nhi\r\n")], {"a": b""},
         closed=("a",)),
    Case("bare_pub_is_unknown_op", [send("a", CV + b"PUB\r\n")], {"a": E(ERR("Unknown Protocol Operation"))},
         closed=("a",)),
    Case("bare_sub_is_unknown_op", [send("a", CV + b"SUB\r\n")], {"a": E(ERR("Unknown Protocol Operation"))},
         closed=("a",)),
    Case("bare_unsub_is_unknown_op", [send("a", CV + b"UNSUB\r\n")],
         {"a": E(ERR("Unknown Protocol Operation"))}, closed=("a",)),
    Case("sub_missing_sid_closes_silently", [send("a", CV + b"SUB foo\r\n")], {"a": b""}, closed=("a",)),
    Case("sub_too_many_args_closes_silently", [send("a", CV + b"SUB foo q 1 2\r\n")], {"a": b""}, closed=("a",)),
    Case("unsub_too_many_args_closes_silently", [send("a", CV + b"UNSUB 1 2 3\r\n")], {"a": b""}, closed=("a",)),
    Case("unknown_op", [send("a", CV + b"FOO bar\r\n")], {"a": E(ERR("Unknown Protocol Operation"))},
         closed=("a",)),
    Case("unknown_op_after_valid_ops", [send("a", CV + b"SUB foo 1\r\nPUB foo 1\r\na\r\nPUBX foo 1\r\nb\r\n")],
         {"a": E("MSG foo 1 1", "a", ERR("Unknown Protocol Operation"))}, closed=("a",)),
    Case("empty_line", [send("a", CV + b"\r\n")], {"a": E(ERR("Unknown Protocol Operation"))}, closed=("a",)),
    Case("client_sends_msg", [send("a", CV + b"MSG foo 1 2\r\nhi\r\n")],
         {"a": E(ERR("Unknown Protocol Operation"))}, closed=("a",)),
    Case("client_sends_err_closes_silently", [send("a", CV + b"-ERR 'oops'\r\n")], {"a": b""}, closed=("a",)),
    Case("incomplete_payload_waits", [send("a", CV + b"SUB foo 1\r\nPUB foo 5\r\nhel")], {"a": b""},
         final="quiet"),
    Case("payload_completed_later",
         [send("a", CV + b"SUB foo 1\r\nPUB foo 5\r\nhel"), pause(0.2), send("a", b"lo\r\n")],
         {"a": E("MSG foo 1 5", "hello", "PONG")}),

    # ---- control line length ------------------------------------------------------------------
    Case("control_line_args_4096_accepted",
         [send("a", CV + b"SUB x 1\r\n"), sync("a"), send("a", b"PUB " + args_of_len(4096)), pause(0.2),
          send("a", b"\r\nz\r\n")],
         {"a": E("PONG", "MSG x 1 " + "r" * 4092 + " 1", "z", "PONG")}),
    Case("control_line_args_4097_refused",
         [send("a", CV + b"SUB x 1\r\n"), sync("a"), send("a", b"PUB " + args_of_len(4097)), pause(0.2),
          send("a", b"\r\nz\r\n")],
         {"a": E("PONG", ERR("maximum control line exceeded"))}, closed=("a",)),
    Case("control_line_sub_4097_refused",
         [send("a", CV), sync("a"), send("a", b"SUB " + b"s" * 4095 + b" 1"), pause(0.2), send("a", b"\r\n")],
         {"a": E("PONG", ERR("maximum control line exceeded"))}, closed=("a",)),
    Case("control_line_unterminated_5000",
         [send("a", CV), sync("a"), send("a", b"SUB " + b"s" * 5000), pause(0.2)],
         {"a": E("PONG", ERR("maximum control line exceeded"))}, closed=("a",), final="quiet"),
    Case("control_line_64k_single_write",
         [send("a", CV), sync("a"), send("a", b"PUB x " + b"r" * 65536 + b" 1\r\nz\r\n")],
         {"a": E("PONG", ERR("maximum control line exceeded"))}, closed=("a",), split=False),

    # ---- max_payload --------------------------------------------------------------------------
    Case("max_payload_exceeded", [send("a", CV + b"SUB foo 1\r\nPUB foo 1\r\na\r\nPUB foo 1048577\r\n")],
         {"a": E("MSG foo 1 1", "a", ERR("Maximum Payload Violation"))}, closed=("a",)),
    Case("max_payload_exact_accepted",
         [send("a", CV + b"SUB foo 1\r\nPUB foo 1048576\r\n" + b"m" * 1048576 + b"\r\n")],
         {"a": E("MSG foo 1 1048576", b"m" * 1048576 + b"\r\n", "PONG")}, split=False),
    Case("max_payload_1kb_option",
         [send("a", CV + b"SUB foo 1\r\nPUB foo 1024\r\n" + b"k" * 1024 + b"\r\nPUB foo 1025\r\n")],
         {"a": E("MSG foo 1 1024", b"k" * 1024 + b"\r\n", ERR("Maximum Payload Violation"))},
         closed=("a",), options={"max_payload": "1KB"}),

    # ---- CONNECT -------------------------------------------------------------------------------
    Case("bad_connect_json_closes_silently", [send("a", b"CONNECT {verbose\r\n")], {"a": b""}, closed=("a",)),
    Case("connect_wrong_type_closes_silently", [send("a", b'CONNECT {"verbose":1}\r\n')], {"a": b""},
         closed=("a",)),
    Case("connect_not_an_object_closes_silently", [send("a", b"CONNECT []\r\n")], {"a": b""}, closed=("a",)),
    Case("connect_without_json_closes_silently", [send("a", b"CONNECT\r\n")], {"a": b""}, closed=("a",)),
    Case("connect_unknown_fields_ignored",
         [send("a", b'CONNECT {"verbose":false,"zzz":[1,{"a":2}],"name":"n","lang":"x","version":"1"}\r\n')],
         {"a": E("PONG")}),
    Case("connect_twice_last_wins", [send("a", CV + CVT + b"SUB foo 1\r\n")], {"a": E("+OK", "+OK", "PONG")}),
    Case("connect_protocol_2_refused", [send("a", b'CONNECT {"verbose":false,"protocol":2}\r\n')],
         {"a": E(ERR("invalid client protocol"))}, closed=("a",)),

    # ---- limits --------------------------------------------------------------------------------
    Case("max_connections_exceeded",
         [send("a", CV), sync("a"), send("b", CV)],
         {"a": E("PONG", "PONG"), "b": E(ERR("maximum connections exceeded"))}, closed=("b",),
         options={"max_connections": 1}),
    Case("max_subscriptions_exceeded",
         [send("a", CV + b"SUB a 1\r\nSUB b 2\r\nSUB c 3\r\nPUB a 1\r\nx\r\nPUB c 1\r\ny\r\n")],
         {"a": E(ERR("maximum subscriptions exceeded"), "MSG a 1 1", "x", "PONG")},
         options={"max_subscriptions": 2}),
    Case("stale_connection",
         [send("a", CV), pause(3.6)],
         {"a": E("PING", "PING", ERR("Stale Connection"))}, closed=("a",), final="quiet", split=False,
         options={"ping_interval": "1s", "ping_max": 2}),
]

CASES_BY_NAME = {c.name: c for c in CASES}
assert len(CASES_BY_NAME) == len(CASES), "duplicate case names"


# --------------------------------------------------------------------------------------------
# Runner and normalisation
# --------------------------------------------------------------------------------------------

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


def normalize(frames, case: Case):
    out = []
    for f in frames:
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


@pytest.mark.parametrize("name", list(CASES_BY_NAME))
def test_differential(server_factory, name):
    check_case(server_factory, CASES_BY_NAME[name], split=False)


@pytest.mark.parametrize("name", [c.name for c in CASES if c.split])
def test_differential_byte_by_byte(server_factory, name):
    check_case(server_factory, CASES_BY_NAME[name], split=True)


def test_case_count():
    assert len(CASES) >= 40
