"""Differential cases (test_differential.py) for what a server refuses: invalid subjects (pedantic
or not), malformed frames, the control-line limit, max_payload, bad CONNECTs, and the
max_connections, max_subscriptions and stale-connection limits.

Behaviours of nats-server 2.15.1 worth knowing (found while writing these cases):
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
* max_connections: the extra client gets INFO, then -ERR 'maximum connections exceeded'
  (lowercase), then close. max_subscriptions: -ERR 'maximum subscriptions exceeded', open.
* Stale connection (ping_interval 1s, ping_max 2): PING, PING, -ERR 'Stale Connection', close.
"""

from __future__ import annotations

from interop_differential import CP, CV, CVT, ERR, Case, E, args_of_len, pause, send, sync

ERROR_CASES = [
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
