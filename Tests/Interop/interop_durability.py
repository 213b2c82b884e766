"""Helpers of the JetStream durability suites (test_jetstream_durability_*.py): the seed of their
randomness, the broker-only mark of the claims about ffrtmp's own store, publishing one message
and reading its ack, reading back every stored message, and bringing a server down by SIGKILL or
by SIGTERM.

Randomness is seeded (FFRTMP_DURABILITY_SEED, default 20240611) and printed on failure.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import signal

import pytest

import interop_servers as servers
from interop_jetstream import api

SEED = int(os.environ.get("FFRTMP_DURABILITY_SEED", "20240611"))

broker_only = pytest.mark.skipif(servers.under_test() != "ffrtmp",
                                 reason="crash tests are claims about ffrtmp's store (broker only)")


async def publish_one(nc, subject, payload, timeout=5.0):
    """The decoded publish ack, or None when no ack arrived (connection lost, timeout)."""
    try:
        msg = await nc.request(subject, payload, timeout=timeout)
    except Exception:  # noqa: BLE001 - anything but an ack counts as "not acknowledged"
        return None
    try:
        return json.loads(msg.data)
    except ValueError:
        return {"<not json>": msg.data[:200].decode(errors="replace")}


async def stored_messages(nc, stream: str, first: int, last: int, chunk: int = 200) -> dict[int, bytes]:
    """seq -> payload for every stored message in [first, last] (STREAM.MSG.GET)."""
    out: dict[int, bytes] = {}

    async def get(seq):
        answer = await api(nc, f"STREAM.MSG.GET.{stream}", {"seq": seq}, timeout=10)
        if "error" in answer:
            assert answer["error"]["err_code"] == 10037, f"MSG.GET {seq}: {answer}"
            return
        message = answer["message"]
        assert message["seq"] == seq, answer
        out[seq] = base64.b64decode(message.get("data", ""))

    seqs = list(range(first, last + 1))
    for i in range(0, len(seqs), chunk):
        await asyncio.gather(*(get(s) for s in seqs[i:i + chunk]))
    return out


def bring_down(server, how: str):
    """"kill": SIGKILL (broker only); "stop": SIGTERM and wait (both servers)."""
    if how == "kill":
        os.kill(server.pid, signal.SIGKILL)
        server.kill()
    else:
        server.stop()
