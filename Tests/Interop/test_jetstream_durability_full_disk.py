"""A full disk under the broker's JetStream file store (a 2 MiB tmpfs mounted by the test; skipped
where `mount` is not allowed): publishes get error acks, never silence; no acknowledged message
is lost; once space is freed publishing works again, and everything is still there after a
restart. Broker only.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess

import pytest

from interop_aio import connect, run_async
from interop_durability import SEED, broker_only, publish_one, stored_messages
from interop_jetstream import add_stream, api


@pytest.fixture
def small_disk(tmp_path):
    mountpoint = tmp_path / "disk"
    mountpoint.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mountpoint)],
                            capture_output=True, text=True, timeout=10)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    yield mountpoint
    # The test kills its broker before this runs; lazy unmount in case something still holds it.
    done = subprocess.run(["umount", str(mountpoint)], capture_output=True, timeout=10)
    if done.returncode != 0:
        subprocess.run(["umount", "-l", str(mountpoint)], capture_output=True, timeout=10)


@broker_only
@pytest.mark.timeout(90)
@run_async(timeout=80)
async def test_full_disk_refuses_then_recovers(server_factory, small_disk):
    rng = random.Random(SEED)
    ballast = small_disk / "ballast"
    ballast.write_bytes(b"\0" * (1024 * 1024))
    broker = server_factory.start("broker", store_dir=str(small_disk / "js"))
    nc = None
    try:
        nc = await connect(broker)
        await add_stream(nc, "FULL", ["full"], storage="file")
        acked: dict[int, bytes] = {}
        refusals, silent = [], 0
        for i in range(3000):
            payload = f"{i:06d}-".encode() + bytes(rng.randrange(97, 123) for _ in range(1000))
            ack = await publish_one(nc, "full", payload, timeout=5)
            if ack is None:
                silent += 1
                if silent > 3:
                    break
                continue
            if "error" in ack:
                refusals.append(ack)
                if len(refusals) >= 5:
                    break
                continue
            assert ack.get("seq") and ack["seq"] not in acked, ack
            acked[ack["seq"]] = payload
        assert acked, "nothing could be stored at all"
        assert broker.alive, f"broker died on a full disk:\n{broker.log_tail(20)}"
        assert refusals, (f"a 2 MiB disk took {len(acked)} KiB messages without one refusal "
                          f"({silent} unanswered)")
        assert silent == 0, f"{silent} publishes got no answer at all on a full disk (expected error acks)"
        print(f"full disk: {len(acked)} stored, first refusal {refusals[0]}")
        for r in refusals:
            assert r.get("seq", 0) == 0 and r["error"].get("code") and r["error"].get("err_code"), r
        info = await api(nc, "STREAM.INFO.FULL")
        assert "error" not in info, info
        assert info["state"]["messages"] == len(acked), (info["state"], len(acked))

        ballast.unlink()                      # free space
        after = []
        for i in range(10):
            ack = await publish_one(nc, "full", f"after-{i}".encode(), timeout=5)
            after.append(ack)
        assert all(a and "error" not in a for a in after), f"publishing after space was freed: {after}"
        last_seq = max(a["seq"] for a in after)
        stored = await stored_messages(nc, "FULL", 1, last_seq)
        lost = [s for s, p in acked.items() if stored.get(s) != p]
        assert not lost, f"acknowledged messages lost after the disk filled: seqs {lost[:10]}"
        await nc.close()
        nc = None
        broker.restart()
        nc = await connect(broker)
        stored = await stored_messages(nc, "FULL", 1, last_seq)
        lost = [s for s, p in acked.items() if stored.get(s) != p]
        assert not lost, f"acknowledged messages lost after a restart: seqs {lost[:10]}"
    finally:
        if nc is not None and not nc.is_closed:
            await nc.close()
        broker.kill()
