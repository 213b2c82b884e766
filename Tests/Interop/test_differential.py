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

The cases are in differential_cases_traffic.py (well-formed traffic) and
differential_cases_errors.py (refusals and limits), each with the nats-server behaviours its cases
pin; interop_differential.py runs and compares them.
"""

from __future__ import annotations

import pytest

from differential_cases_errors import ERROR_CASES
from differential_cases_traffic import TRAFFIC_CASES
from interop_differential import check_case

CASES = TRAFFIC_CASES + ERROR_CASES

CASES_BY_NAME = {c.name: c for c in CASES}
assert len(CASES_BY_NAME) == len(CASES), "duplicate case names"


@pytest.mark.parametrize("name", list(CASES_BY_NAME))
def test_differential(server_factory, name):
    check_case(server_factory, CASES_BY_NAME[name], split=False)


@pytest.mark.parametrize("name", [c.name for c in CASES if c.split])
def test_differential_byte_by_byte(server_factory, name):
    check_case(server_factory, CASES_BY_NAME[name], split=True)


def test_case_count():
    assert len(CASES) >= 40
