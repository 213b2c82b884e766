"""What a publisher retrying after a crash and a worker acking across a restart rely on: de-dup ids
survive a restart, an ack for a delivery made before the restart is honoured, and a message held
by a puller that dies goes to another puller after ack_wait.

These hold for both servers and run against nats-server too, except the SIGKILL ("kill")
variants of the restart tests, which are broker only.
"""

from __future__ import annotations

import json
import time

import pytest

import interop_servers as servers
from interop_aio import connect, run_async
from interop_durability import bring_down, publish_one
from interop_jetstream import Puller, add_stream, api, consumer_request, ns


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
