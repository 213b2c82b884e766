"""Differential cases (test_differential.py) for well-formed traffic: basic ops, verbose mode, case and
whitespace, several connections, headers, no responders, UNSUB, queue groups, wildcards.

Behaviours of nats-server 2.15.1 worth knowing (found while writing these cases):
* Before CONNECT, verbose is on: every op is answered with +OK (PING gets only PONG).
* With verbose on, PUB's +OK comes before the MSG it delivers back to the same connection.
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
"""

from __future__ import annotations

from interop_differential import CH, CNR, CV, CVT, ERR, H1, HM, L1, Case, E, no_resp, send, sync
from interop_wire import hpub

TRAFFIC_CASES = [
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
]
