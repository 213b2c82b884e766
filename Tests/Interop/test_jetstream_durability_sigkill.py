"""Crash tests for the broker's JetStream file store, with the real binary and SIGKILL: acknowledged
publishes survive a SIGKILL at a random moment (every acked message present once, sequences never
reused), and so does a consumer's progress.

What a SIGKILL can and cannot show: the process dies, the kernel's page cache survives, so these
tests catch an ack sent before the message was written (or a store that cannot reopen what it
wrote), not a missing fsync (that needs power loss).

Broker only (nats-server flushes on its own schedule; these are claims about our store).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import time

import pytest

from interop_aio import connect, run_async
from interop_durability import SEED, broker_only, publish_one, stored_messages
from interop_jetstream import Puller, add_stream, api, consumer_request, ns


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
