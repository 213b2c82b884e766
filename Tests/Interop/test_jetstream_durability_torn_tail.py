"""A torn tail in the broker's JetStream file store: after a SIGKILL the last segment file is cut
short or followed by garbage by hand (what power loss leaves behind); on restart the broker cuts
the damage off, logs `truncated_bytes=`, keeps every intact message and goes on with the next
sequence. Broker only (a claim about our store's files).
"""

from __future__ import annotations

import glob
import os
import random
import re
import signal
from pathlib import Path

import pytest

from interop_aio import connect, run_async
from interop_durability import SEED, broker_only, publish_one, stored_messages
from interop_jetstream import add_stream, api

STORE_LINE = re.compile(r'msg="stream store [^"]*".*\btruncated_bytes=(\d+)')


@broker_only
@pytest.mark.parametrize("damage", ["truncate", "garbage"])
@run_async
async def test_torn_tail_is_cut_and_logged(server_factory, tmp_path, damage):
    rng = random.Random(SEED)
    broker = server_factory.start("broker", store_dir=str(tmp_path / "store"))
    nc = await connect(broker)
    await add_stream(nc, "T", ["t.*"])
    payloads = [f"torn-{i}-{rng.random()}".encode() * (1 + i % 3) for i in range(20)]
    for i, p in enumerate(payloads):
        ack = await publish_one(nc, f"t.{i % 3}", p)
        assert ack and ack.get("seq") == i + 1, ack
    await nc.close()
    os.kill(broker.pid, signal.SIGKILL)
    broker.kill()

    segments = sorted(glob.glob(str(broker.store_dir / "streams" / "T" / "messages" / "*.seg")),
                      key=lambda p: int(Path(p).name.split(".")[0]))
    assert segments, f"no segment files under {broker.store_dir}"
    last = segments[-1]
    # The broker writes zeros ahead of its records (the sync before an ack then overwrites them
    # instead of growing the file), so power loss leaves the records, a torn one, then zeros.
    data = Path(last).read_bytes()
    end = len(data.rstrip(b"\0"))               # payloads end in ASCII, never in a zero byte
    if damage == "truncate":
        with open(last, "r+b") as f:             # the last record lost its last 5 bytes
            f.seek(end - 5)
            f.write(b"\0" * 5)
        intact = 19
    else:
        garbage = bytes(rng.randrange(256) for _ in range(37))
        with open(last, "r+b") as f:             # 37 bytes of garbage where the next record would start
            f.seek(end)
            f.write(garbage)
        cut = max(len(data), end + len(garbage)) - end   # the garbage and the zeros after it
        intact = 20
    log_before = broker.log_path.read_text(errors="replace")

    broker.start()
    nc = await connect(broker)
    try:
        log = broker.log_path.read_text(errors="replace")[len(log_before):]
        cuts = [int(m.group(1)) for m in STORE_LINE.finditer(log)]
        assert cuts and max(cuts) > 0, f"no 'stream store' line reporting truncated_bytes > 0:\n{log}"
        if damage == "garbage":
            assert max(cuts) == cut, f"expected truncated_bytes={cut}:\n{log}"
        state = (await api(nc, "STREAM.INFO.T"))["state"]
        assert (state["messages"], state["last_seq"]) == (intact, intact), state
        stored = await stored_messages(nc, "T", 1, intact)
        assert [stored.get(s) for s in range(1, intact + 1)] == payloads[:intact]
        ack = await publish_one(nc, "t.0", b"after repair")
        assert ack and ack.get("seq") == intact + 1, ack
    finally:
        await nc.close()
    # A second restart finds a clean store.
    broker.restart()
    nc = await connect(broker)
    try:
        state = (await api(nc, "STREAM.INFO.T"))["state"]
        assert state["messages"] == intact + 1
    finally:
        await nc.close()
