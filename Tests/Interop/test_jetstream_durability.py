"""Crash tests for the broker's JetStream file store, with the real binary and SIGKILL.

What a SIGKILL can and cannot show: the process dies, the kernel's page cache survives, so these
tests catch an ack sent before the message was written (or a store that cannot reopen what it
wrote), not a missing fsync (that needs power loss). The torn-tail tests fake what power loss
leaves behind by cutting or extending the last segment file by hand.

The SIGKILL tests are broker only (nats-server flushes on its own schedule; these are claims
about our store). ``test_dead_consumer_message_goes_to_another_puller`` and the graceful-restart
("stop") variants of the restart tests hold for both servers and run against nats-server too.
Randomness is seeded (FFRTMP_DURABILITY_SEED, default 20240611) and printed on failure.
"""

from __future__ import annotations

import asyncio
import base64
import glob
import json
import os
import random
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

import interop_servers as servers
from interop_aio import connect, run_async
from interop_jetstream import Puller, add_stream, api, consumer_request, ns

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


# --------------------------------------------------------------------------------------------
# (a) acknowledged publishes survive SIGKILL at a random moment
# --------------------------------------------------------------------------------------------

class AckingPublisher:
    """Publishes as fast as the client can with up to ``window`` acks outstanding: each message
    carries its own reply subject under one wildcard inbox subscription, so acks are matched to
    payloads without a request future per message."""

    def __init__(self, nc, window: int):
        self.nc = nc
        self.window = asyncio.Semaphore(window)
        self.inbox = nc.new_inbox()
        self.sent: dict[int, bytes] = {}
        self.acks: dict[bytes, int] = {}      # payload -> seq
        self.errors: list = []
        self.first_ack = asyncio.Event()

    async def start(self):
        async def on_ack(msg):
            token = int(msg.subject.rsplit(".", 1)[1])
            payload = self.sent.get(token)
            try:
                body = json.loads(msg.data)
            except ValueError:
                body = {"<not json>": msg.data[:100]}
            if "error" in body or "seq" not in body or payload is None:
                self.errors.append(body)
            else:
                self.acks[payload] = body["seq"]
            self.first_ack.set()
            self.window.release()

        self.sub = await self.nc.subscribe(self.inbox + ".*", cb=on_ack)
        await self.nc.flush(timeout=5)
        await self.nc.flush(timeout=5)

    async def run(self, subject: str, payloads, stop: asyncio.Event):
        for token, payload in enumerate(payloads):
            if stop.is_set() or self.nc.is_closed:
                return
            try:
                await asyncio.wait_for(self.window.acquire(), 2.0)
            except asyncio.TimeoutError:
                return                        # acks stopped coming: the broker is gone
            self.sent[token] = payload
            try:
                await self.nc.publish(subject, payload, reply=f"{self.inbox}.{token}")
            except Exception:  # noqa: BLE001 - connection lost mid-publish
                return


@broker_only
@pytest.mark.timeout(120)
@run_async(timeout=110)
async def test_acked_publishes_survive_sigkill(server_factory, tmp_path):
    """Rounds of: publish with many acks in flight, SIGKILL at a random moment after the first
    ack, restart on the same directory; every acknowledged message is there exactly once with the
    sequence its ack named, and no sequence is handed out twice."""
    rng = random.Random(SEED)
    store = tmp_path / "store"
    broker = server_factory.start("broker", store_dir=str(store))
    rounds, cap, window = 4, 40000, 256
    acked: dict[bytes, int] = {}            # payload -> seq, all rounds
    attempted: set[bytes] = set()
    previous_last = 0
    history = []
    for rnd in range(rounds):
        nc = await connect(broker)
        await add_stream(nc, "JOBS", ["job.>"], retention="workqueue", storage="file")
        info = await api(nc, "STREAM.INFO.JOBS")
        assert info["state"]["last_seq"] == previous_last, (
            f"round {rnd}: last_seq after restart {info['state']['last_seq']} != {previous_last}")
        publisher = AckingPublisher(nc, window)
        await publisher.start()
        payloads = [f"r{rnd}-m{i}-{rng.getrandbits(48):012x}".encode() for i in range(cap)]
        attempted.update(payloads)
        stop = asyncio.Event()
        kill_after = rng.uniform(0.02, 0.3)

        async def killer():
            await asyncio.wait_for(publisher.first_ack.wait(), 10)
            await asyncio.sleep(kill_after)
            os.kill(broker.pid, signal.SIGKILL)
            await asyncio.sleep(0.3)      # let acks already on the wire arrive, then stop
            stop.set()

        await asyncio.gather(publisher.run(f"job.r{rnd}", payloads, stop), killer())
        broker.kill()  # reap
        try:
            await nc.close()
        except Exception:  # noqa: BLE001
            pass
        round_acks = dict(publisher.acks)
        assert not publisher.errors, f"round {rnd}: error acks before the crash: {publisher.errors[:3]}"
        assert len(round_acks) < len(publisher.sent), (
            f"round {rnd}: every publish was acked before the kill; the kill hit an idle broker")
        seqs = sorted(round_acks.values())
        assert len(seqs) == len(set(seqs)), f"round {rnd}: one sequence acked twice"
        assert not seqs or seqs[0] > previous_last, (
            f"round {rnd}: sequence {seqs[0]} reused (last before the round: {previous_last})")
        acked.update(round_acks)

        broker.start()
        nc = await connect(broker)
        try:
            info = await api(nc, "STREAM.INFO.JOBS")
            assert "error" not in info, info
            state = info["state"]
            last = state["last_seq"]
            history.append((rnd, f"kill {kill_after:.3f}s after 1st ack", len(publisher.sent), len(round_acks), last))
            assert not seqs or last >= seqs[-1], f"round {rnd}: last_seq {last} < acked {seqs[-1]}"
            first = previous_last + 1 if rnd < rounds - 1 else 1
            stored = await stored_messages(nc, "JOBS", first, last)
            if rnd == rounds - 1:
                assert len(stored) == state["messages"], (len(stored), state)
            values = list(stored.values())
            assert len(values) == len(set(values)), f"round {rnd}: a payload is stored twice"
            assert set(values) <= attempted, f"round {rnd}: stored payloads nobody published"
            want = {p: s for p, s in acked.items() if s >= first}
            missing = [(s, p) for p, s in want.items() if stored.get(s) != p]
            assert not missing, (f"seed {SEED} round {rnd}: {len(missing)} acknowledged messages lost or "
                                 f"moved, e.g. {sorted(missing)[:5]}; history {history}")
            previous_last = last
        finally:
            await nc.close()
    print(f"seed {SEED}: rounds (round, kill, sent, acked, last_seq after restart) {history}")
    assert sum(h[3] for h in history) > 0, f"no publish was acknowledged in any round: {history}"


# --------------------------------------------------------------------------------------------
# (b) consumer progress survives SIGKILL
# --------------------------------------------------------------------------------------------

@broker_only
@run_async
async def test_consumer_progress_survives_sigkill(server_factory, tmp_path):
    broker = server_factory.start("broker", store_dir=str(tmp_path / "store"))
    nc = await connect(broker)
    await add_stream(nc, "WORK", ["work"], retention="workqueue")
    for i in range(20):
        ack = await publish_one(nc, "work", f"w{i}".encode())
        assert ack and ack.get("seq") == i + 1, ack
    answer = await api(nc, "CONSUMER.CREATE.WORK.c", consumer_request("WORK", "c", ack_wait=ns(1)))
    assert "error" not in answer, answer
    puller = await Puller(nc, "WORK", "c").start()
    got = [i for i in await puller.fetch(20, expires=2) if i.status is None]
    assert len(got) == 20
    for item in got[:10]:
        reply = await nc.request(item.reply, b"+ACK", timeout=3)  # answered once durable
        assert reply.data == b""
    os.kill(broker.pid, signal.SIGKILL)
    broker.kill()
    await nc.close()

    broker.start()
    nc = await connect(broker)
    try:
        state = (await api(nc, "STREAM.INFO.WORK"))["state"]
        assert state["messages"] == 10, f"acked work items came back in the stream: {state}"
        assert state["first_seq"] == 11, state
        puller = await Puller(nc, "WORK", "c").start()
        again = []
        deadline = time.monotonic() + 6
        while len(again) < 10 and time.monotonic() < deadline:
            again += [i for i in await puller.fetch(10 - len(again), expires=1.5) if i.status is None]
        seqs = sorted(i.ack.stream_seq for i in again)
        assert seqs == list(range(11, 21)), f"after restart got stream seqs {seqs}"
        assert all(i.data == f"w{i.ack.stream_seq - 1}".encode() for i in again)
        counts = {i.ack.stream_seq: i.ack.delivered for i in again}
        assert all(c >= 2 for c in counts.values()), f"delivery counts after restart: {counts}"
        info = await api(nc, "CONSUMER.INFO.WORK.c")
        assert info["ack_floor"]["stream_seq"] >= 10, info
    finally:
        await nc.close()


# --------------------------------------------------------------------------------------------
# (c) torn tail: the last segment cut short or followed by garbage
# --------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------
# (b2) what a publisher retrying after a crash and a worker acking across a restart rely on
# --------------------------------------------------------------------------------------------

def bring_down(server, how: str):
    """"kill": SIGKILL (broker only); "stop": SIGTERM and wait (both servers)."""
    if how == "kill":
        os.kill(server.pid, signal.SIGKILL)
        server.kill()
    else:
        server.stop()


@pytest.mark.parametrize("how", ["stop", "kill"])
@run_async
async def test_dedup_ids_survive_restart(server_factory, tmp_path, how):
    """A publisher whose ack was lost in a crash publishes again with the same Nats-Msg-Id: the
    server must still know the id (within duplicate_window) after it restarts."""
    if how == "kill" and servers.under_test() != "ffrtmp":
        pytest.skip("SIGKILL variant: broker only")
    server = server_factory.start("broker", store_dir=str(tmp_path / "store"))
    nc = await connect(server)
    await add_stream(nc, "JOBS", ["job.>"], retention="workqueue", duplicate_window=ns(120))
    msg = await nc.request("job.cpu", b"job 1", headers={"Nats-Msg-Id": "job-1"}, timeout=5)
    first = json.loads(msg.data)
    assert first.get("seq") == 1, first
    await nc.close()
    bring_down(server, how)
    server.start()
    nc = await connect(server)
    try:
        msg = await nc.request("job.cpu", b"job 1", headers={"Nats-Msg-Id": "job-1"}, timeout=5)
        again = json.loads(msg.data)
        assert (again.get("seq"), again.get("duplicate")) == (1, True), (
            f"after a restart ({how}) the same Nats-Msg-Id was stored again: {again}")
        assert (await api(nc, "STREAM.INFO.JOBS"))["state"]["messages"] == 1
    finally:
        await nc.close()


@pytest.mark.parametrize("how", ["stop", "kill"])
@run_async
async def test_ack_for_delivery_before_restart_is_honoured(server_factory, tmp_path, how):
    """A worker that fetched a job before the broker restarted acks it afterwards (on a new
    connection, with the ack subject it got): the job leaves the work queue."""
    if how == "kill" and servers.under_test() != "ffrtmp":
        pytest.skip("SIGKILL variant: broker only")
    server = server_factory.start("broker", store_dir=str(tmp_path / "store"))
    nc = await connect(server)
    await add_stream(nc, "JOBS", ["job.>"], retention="workqueue")
    for i in range(2):
        assert (await publish_one(nc, "job.cpu", f"job {i}".encode())).get("seq") == i + 1
    assert "error" not in await api(nc, "CONSUMER.CREATE.JOBS.cpu",
                                    consumer_request("JOBS", "cpu", ack_wait=ns(30), filter_subject="job.cpu"))
    puller = await Puller(nc, "JOBS", "cpu").start()
    held = [i for i in await puller.fetch(2, expires=2) if i.status is None]
    assert len(held) == 2
    await nc.close()
    bring_down(server, how)
    server.start()
    nc = await connect(server)
    try:
        answer = await nc.request(held[0].reply, b"+ACK", timeout=5)
        assert answer.data == b""
        state = (await api(nc, "STREAM.INFO.JOBS"))["state"]
        assert (state["messages"], state["first_seq"]) == (1, 2), state
        info = await api(nc, "CONSUMER.INFO.JOBS.cpu")
        assert info["ack_floor"]["stream_seq"] == 1 and info["num_ack_pending"] == 1, info
    finally:
        await nc.close()


# --------------------------------------------------------------------------------------------
# (d) a puller that dies holding a message
# --------------------------------------------------------------------------------------------

@run_async
async def test_dead_consumer_message_goes_to_another_puller(server_factory):
    broker = server_factory.start("broker", jetstream=True)
    a = await connect(broker)
    b = await connect(broker)
    try:
        await add_stream(a, "HOLD", ["hold"], retention="workqueue")
        ack = await publish_one(a, "hold", b"the job")
        assert ack.get("seq") == 1
        answer = await api(a, "CONSUMER.CREATE.HOLD.pool", consumer_request("HOLD", "pool", ack_wait=ns(1)))
        assert "error" not in answer
        pa = await Puller(a, "HOLD", "pool").start()
        (held,) = [i for i in await pa.fetch(1, expires=2) if i.status is None]
        assert held.ack.delivered == 1
        await a.close()                       # dies without acking
        pb = await Puller(b, "HOLD", "pool").start()
        t0 = time.monotonic()
        items = [i for i in await pb.fetch(1, expires=4) if i.status is None]
        assert items, "the message held by a dead puller never came back"
        assert items[0].data == b"the job" and items[0].ack.delivered == 2
        assert time.monotonic() - t0 < 3.5
        await b.request(items[0].reply, b"+ACK", timeout=3)
        assert (await api(b, "STREAM.INFO.HOLD"))["state"]["messages"] == 0
    finally:
        if not a.is_closed:
            await a.close()
        await b.close()


# --------------------------------------------------------------------------------------------
# (e) full disk (a 2 MiB tmpfs)
# --------------------------------------------------------------------------------------------

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
