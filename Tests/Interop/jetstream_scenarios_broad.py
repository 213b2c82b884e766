"""Broad scenarios of the differential JetStream suite (test_jetstream_differential.py): a feature
area each (stream CRUD, errors, publish acks and limits, pull statuses, acks and redelivery,
+NXT, max_deliver advisory, backoff, work queues, filters and deliver policies, consumer CRUD),
everything compared. Each is an ``async def scenario(s: Session)`` (interop_jetstream_session).
"""

from __future__ import annotations

import asyncio
import json

import nats

from interop_aio import barrier
from interop_jetstream import ADVISORY_MAX_DELIVERIES, consumer_request, nak_delay, ns
from interop_jetstream_session import Session


async def stream_crud(s: Session):
    cfg = {"name": "S", "subjects": ["s.>"], "max_msgs": 100, "storage": "file"}
    a = await s.api("STREAM.CREATE.S", cfg)
    s.check("error" not in a, "create")
    await s.api("STREAM.CREATE.S", cfg, label="create again, same config")
    a = await s.api("STREAM.CREATE.S", dict(cfg, max_msgs=5), label="create again, other config")
    s.check(a.get("error", {}).get("err_code") == 10058, "10058")
    for i in range(3):
        await s.pub(f"s.{i}", f"m{i}".encode())
    await s.api("STREAM.INFO.S")
    await s.api("STREAM.UPDATE.S", dict(cfg, subjects=["s.>", "t.*"], max_msgs=50))
    await s.pub("t.1", b"t1")
    await s.api("STREAM.UPDATE.S", dict(cfg, storage="memory"), label="update storage")
    await s.api("STREAM.UPDATE.NOPE", {"name": "NOPE", "subjects": ["nope"]})
    await s.api("STREAM.CREATE.M", {"name": "M", "subjects": ["m"], "storage": "memory", "retention": "workqueue",
                                    "max_age": ns(60), "max_bytes": 1 << 20, "max_msg_size": 1024,
                                    "discard": "new", "duplicate_window": ns(30)})
    await s.api("STREAM.NAMES")
    await s.api("STREAM.NAMES", {"subject": "t.9"}, label="names by subject")
    await s.api("STREAM.NAMES", {"subject": "zzz"}, label="names by unknown subject")
    await s.api("STREAM.LIST")
    await s.api("STREAM.MSG.GET.S", {"seq": 2})
    await s.api("STREAM.MSG.GET.S", {"seq": 99}, label="get missing")
    await s.api("STREAM.MSG.DELETE.S", {"seq": 2})
    await s.api("STREAM.MSG.GET.S", {"seq": 2}, label="get deleted")
    await s.state("S")
    await s.api("STREAM.PURGE.S")
    await s.state("S")
    await s.pub("s.x", b"after purge")
    await s.api("STREAM.DELETE.S")
    await s.api("STREAM.INFO.S", label="info after delete")
    await s.api("STREAM.DELETE.S", label="delete again")
    await s.pub("s.x", b"nobody")
    await s.api("INFO")


async def stream_errors(s: Session):
    await s.api("STREAM.INFO.MISSING")
    await s.api("STREAM.CREATE.A", {"name": "A", "subjects": ["a.>"]})
    r = await s.api("STREAM.CREATE.B", {"name": "B", "subjects": ["a.b"]}, label="overlap")
    s.check(r.get("error", {}).get("err_code") == 10065, "10065")
    await s.api("STREAM.CREATE.B", {"name": "B", "subjects": ["a.*.c"]}, label="overlap via *")
    await s.api("STREAM.CREATE.C", {"name": "X", "subjects": ["c"]}, label="name mismatch")
    await s.api("STREAM.CREATE.C", b"{not json", label="bad json")
    await s.api("STREAM.CREATE.C", {"name": "C", "subjects": ["c"], "num_replicas": 3}, label="replicas 3")
    await s.api("STREAM.CREATE.D", {"name": "D", "subjects": ["d.*.>"]})
    await s.api("STREAM.CREATE.E", {"name": "E", "subjects": ["d.x.y"]}, label="overlap inside wildcard")
    await s.api("STREAM.FROBNICATE.A", {}, label="unknown request", timeout=1.0)
    await s.api("CONSUMER.INFO.MISSING.c", label="consumer on missing stream")
    await s.api("CONSUMER.INFO.A.missing", label="missing consumer")
    await s.api("CONSUMER.DELETE.A.missing", label="delete missing consumer")
    await s.api("CONSUMER.CREATE.MISSING.c", consumer_request("MISSING", "c"), label="create on missing stream")


async def publish_acks(s: Session):
    await s.api("STREAM.CREATE.P", {"name": "P", "subjects": ["p.*"], "duplicate_window": ns(60)})
    for i in range(3):
        await s.pub("p.a", f"{i}".encode())
    a = await s.pub("p.a", b"id1", msg_id="id-1")
    b = await s.pub("p.a", b"id1 again", msg_id="id-1")
    s.check(b.get("duplicate") is True and b.get("seq") == a.get("seq"), "duplicate")
    await s.pub("p.b", b"id2", msg_id="id-2")
    await s.pub("p.b", b"id2 again", msg_id="id-2")
    await s.api("STREAM.MSG.GET.P", {"seq": 4})
    await s.state("P")
    await s.pub("p.a", b"x", headers={"Nats-Expected-Stream": "P"})
    await s.api("STREAM.CREATE.DN", {"name": "DN", "subjects": ["dn"], "max_msgs": 2, "discard": "new"})
    for i in range(3):
        await s.pub("dn", f"{i}".encode())
    await s.api("STREAM.CREATE.DB", {"name": "DB", "subjects": ["db"], "max_bytes": 200, "discard": "new"})
    for i in range(4):
        await s.pub("db", b"y" * 60)
    await s.state("DB")
    await s.api("STREAM.CREATE.MS", {"name": "MS", "subjects": ["ms"], "max_msg_size": 8})
    await s.pub("ms", b"12345678")
    await s.pub("ms", b"123456789")
    await s.pub("ms", b"1234", headers={"H": "0123456789"})  # headers count toward max_msg_size
    await s.api("STREAM.CREATE.OLD", {"name": "OLD", "subjects": ["old"], "max_msgs": 2})
    for i in range(4):
        await s.pub("old", f"{i}".encode())
    await s.state("OLD")
    await s.api("STREAM.CREATE.OB", {"name": "OB", "subjects": ["ob"], "max_bytes": 200})
    for i in range(5):
        await s.pub("ob", b"z" * 60)
    await s.state("OB")


async def pull_statuses(s: Session):
    await s.api("STREAM.CREATE.Q", {"name": "Q", "subjects": ["q"]})
    await s.api("CONSUMER.CREATE.Q.c", consumer_request("Q", "c", max_waiting=1))
    r = await s.pull("Q", "c", 1, no_wait=True)
    s.check(r and r[-1].status == 404, "404 on empty no_wait")
    r = await s.pull("Q", "c", 2, expires=0.4)
    s.check(r and r[-1].status == 408, "408 on expiry")
    for i in range(2):
        await s.pub("q", f"{i}".encode())
    await s.pull("Q", "c", 3, no_wait=True)
    for i in range(2, 4):
        await s.pub("q", f"{i}".encode())
    await s.pull("Q", "c", 5, expires=0.4)
    await s.info("Q", "c")
    # max_waiting 1: a second lingering request is refused with 409.
    await s.request_pull("Q", "c", tag="first", batch=1, expires=1.5)
    await s.request_pull("Q", "c", tag="second", batch=1, expires=1.5)
    await s.receive("Q", "c", count=None, timeout=0.6, label="max_waiting")
    # Deleting the consumer ends the waiting request with 409 Consumer Deleted.
    await s.api("CONSUMER.DELETE.Q.c")
    await s.receive("Q", "c", count=None, timeout=0.6, label="after delete")
    # A pull for a consumer that does not exist: no responders.
    try:
        await s.nc.request("$JS.API.CONSUMER.MSG.NEXT.Q.c", b"", timeout=1)
        got = "answered"
    except nats.errors.NoRespondersError:
        got = "no responders"
    except nats.errors.TimeoutError:
        got = "timeout"
    s.record("pull deleted consumer", None, got)
    # Empty body = one message; bad body.
    await s.api("CONSUMER.CREATE.Q.d", consumer_request("Q", "d"))
    p = await s.puller("Q", "d")
    await p.request(body=b"")
    s.record("empty body pull", b"", [i.normalized() for i in await p.receive(count=1, timeout=2)])
    await p.request(body=b"{bad")
    s.record("bad body pull", b"{bad", [i.normalized() for i in await p.receive(count=None, timeout=1)])


async def acks_and_redelivery(s: Session):
    """+ACK (twice), -NAK, +TERM, -NAK with delay, empty ack, +WPI; redelivery after ack_wait.
    The two redeliveries are 0.6 s apart so their order does not depend on timer granularity."""
    await s.api("STREAM.CREATE.R", {"name": "R", "subjects": ["r"]})
    for i in range(6):
        await s.pub("r", f"m{i}".encode())
    await s.api("CONSUMER.CREATE.R.c", consumer_request("R", "c", ack_wait=ns(1)))
    items = await s.pull("R", "c", 6, expires=1.0)
    msgs = [i for i in items if i.status is None]
    s.check(len(msgs) == 6, "6 delivered")
    if len(msgs) < 6:
        return
    await s.ack(msgs[0])                     # +ACK
    await s.ack(msgs[0])                     # again
    await s.ack(msgs[1], b"-NAK")            # redeliver now
    await s.ack(msgs[2], b"+TERM")           # never again
    await s.ack(msgs[4], nak_delay(30))      # much later
    await s.ack(msgs[5], b"")                # empty body = ack
    again = await s.pull("R", "c", 1, expires=0.5)
    await s.info("R", "c")
    await asyncio.sleep(0.6)
    await s.ack(msgs[3], b"+WPI")            # m3 now expires 0.6 s after m1's redelivery
    first = await s.pull("R", "c", 1, expires=2.5)
    second = await s.pull("R", "c", 1, expires=2.5)
    await s.info("R", "c")
    for item in [i for i in again + first + second if i.status is None]:
        await s.ack(item)
    await s.info("R", "c")
    await s.ack(msgs[4], b"+ACK")            # the delayed one, acked before it comes back
    await s.info("R", "c")
    await s.pull("R", "c", 1, no_wait=True)


async def ack_next(s: Session):
    await s.api("STREAM.CREATE.AN", {"name": "AN", "subjects": ["an"]})
    for i in range(3):
        await s.pub("an", f"{i}".encode())
    await s.api("CONSUMER.CREATE.AN.next", consumer_request("AN", "next"))
    first = [i for i in await s.pull("AN", "next", 1, expires=1.0) if i.status is None]
    if first:
        # +NXT with a reply: ack and deliver the next message to that reply subject.
        p = await s.puller("AN", "next")
        await s.nc.publish(first[0].reply, b"+NXT", reply=f"{p.inbox}.nxt")
        nxt = await p.receive(count=1, timeout=2)
        s.record("+NXT", None, [i.normalized() for i in nxt])
    await s.info("AN", "next")


async def max_deliver_advisory(s: Session):
    await s.api("STREAM.CREATE.MD", {"name": "MD", "subjects": ["md"]})
    adv = await s.nc.subscribe(f"{ADVISORY_MAX_DELIVERIES}.>")
    await barrier(s.nc)
    await s.pub("md", b"poison")
    await s.api("CONSUMER.CREATE.MD.c", consumer_request("MD", "c", ack_wait=ns(0.5), max_deliver=2))
    await s.pull("MD", "c", 1, expires=1.0)
    await s.pull("MD", "c", 1, expires=1.5)
    await s.pull("MD", "c", 1, expires=1.5)  # max_deliver reached: nothing, the advisory goes out
    got = []
    try:
        while True:
            m = await adv.next_msg(timeout=1.0)
            body = json.loads(m.data)
            got.append((m.subject, {k: body.get(k) for k in ("type", "stream", "consumer", "stream_seq",
                                                              "deliveries")}))
    except (nats.errors.TimeoutError, asyncio.TimeoutError):
        pass
    s.record("advisories", None, got)
    s.check(len(got) == 1, "one advisory")
    await s.state("MD")


async def backoff_schedule(s: Session):
    await s.api("STREAM.CREATE.BO", {"name": "BO", "subjects": ["bo"]}, label="create stream")
    await s.pub("bo", b"x")
    await s.nc.request(f"$JS.API.CONSUMER.CREATE.BO.c", json.dumps(consumer_request(
        "BO", "c", ack_wait=ns(5), max_deliver=3, backoff=[ns(0.3), ns(0.6)])).encode(), timeout=3)
    for _ in range(3):
        await s.pull("BO", "c", 1, expires=1.5)
    await s.pull("BO", "c", 1, expires=1.0)


async def workqueue(s: Session):
    await s.api("STREAM.CREATE.WQ", {"name": "WQ", "subjects": ["job.>"], "retention": "workqueue"})
    await s.api("CONSUMER.CREATE.WQ.cpu", consumer_request("WQ", "cpu", filter_subject="job.cpu"))
    await s.api("CONSUMER.CREATE.WQ.cpu2", consumer_request("WQ", "cpu2", filter_subject="job.cpu"), label="same filter")
    await s.api("CONSUMER.CREATE.WQ.all", consumer_request("WQ", "all", filter_subject="job.>"), label="covering filter")
    await s.api("CONSUMER.CREATE.WQ.gpu", consumer_request("WQ", "gpu", filter_subject="job.gpu"))
    await s.api("CONSUMER.CREATE.WQ.none", consumer_request("WQ", "none", ack_policy="none",
                                                            filter_subject="job.x"), label="ack none on workqueue")
    await s.api("CONSUMER.CREATE.WQ.cpu", consumer_request("WQ", "cpu", filter_subject="job.cpu"), label="recreate same")
    for i in range(3):
        await s.pub("job.cpu", f"c{i}".encode())
    await s.pub("job.gpu", b"g0")
    await s.pub("job.other", b"o0")
    await s.state("WQ")
    await s.info("WQ", "cpu")
    await s.info("WQ", "gpu")
    items = [i for i in await s.pull("WQ", "cpu", 3, expires=1.0) if i.status is None]
    for item in items[:2]:
        await s.ack(item)
    await s.state("WQ")
    await s.info("WQ", "cpu")
    await s.api("CONSUMER.DELETE.WQ.cpu")
    await s.state("WQ")
    await s.api("STREAM.CREATE.W2", {"name": "W2", "subjects": ["w2"], "retention": "workqueue"})
    await s.api("CONSUMER.CREATE.W2.a", consumer_request("W2", "a"))
    await s.api("CONSUMER.CREATE.W2.b", consumer_request("W2", "b"), label="second unfiltered")
    # max_deliver on a work queue: the message stays in the stream.
    await s.pub("w2", b"poison")
    await s.api("CONSUMER.CREATE.W2.a", consumer_request("W2", "a", ack_wait=ns(0.4), max_deliver=2),
                label="update a")
    for _ in range(3):
        await s.pull("W2", "a", 1, expires=1.0)
    await s.state("W2")


async def filters_and_policies(s: Session):
    await s.api("STREAM.CREATE.F", {"name": "F", "subjects": ["f.>"]})
    for subj in ["f.a", "f.b", "f.a", "f.c", "f.b.x", "f.a"]:
        await s.pub(subj, subj.encode())
    await s.api("CONSUMER.CREATE.F.a", consumer_request("F", "a", filter_subject="f.a"))
    await s.api("CONSUMER.CREATE.F.bc", consumer_request("F", "bc", filter_subjects=["f.b.>", "f.c"]))
    await s.api("CONSUMER.CREATE.F.star", consumer_request("F", "star", filter_subject="f.*"))
    await s.api("CONSUMER.CREATE.F.last", consumer_request("F", "last", deliver_policy="last"))
    await s.api("CONSUMER.CREATE.F.new", consumer_request("F", "new", deliver_policy="new"))
    await s.api("CONSUMER.CREATE.F.from4", consumer_request("F", "from4", deliver_policy="by_start_sequence",
                                                            opt_start_seq=4))
    await s.api("CONSUMER.CREATE.F.c.f.c", consumer_request("F", "c", filter_subject="f.c"),
                label="filter in subject and body")
    await s.api("CONSUMER.CREATE.F.z", consumer_request("F", "z", filter_subject="g.>"), label="filter outside stream")
    for name in ("a", "bc", "star", "last", "new", "from4", "c"):
        await s.info("F", name)
        await s.pull("F", name, 10, expires=0.3)
    await s.pub("f.a", b"seven")
    for name in ("a", "new", "last"):
        await s.pull("F", name, 10, expires=0.3)
    await s.api("CONSUMER.NAMES.F")
    await s.api("CONSUMER.LIST.F")


async def consumer_crud(s: Session):
    await s.api("STREAM.CREATE.CC", {"name": "CC", "subjects": ["cc"]})
    await s.api("CONSUMER.CREATE.CC.x", consumer_request("CC", "y"), label="durable mismatch")
    await s.api("CONSUMER.DURABLE.CREATE.CC.old", consumer_request("CC", "old"), label="legacy durable create")
    await s.api("CONSUMER.CREATE.CC.c", consumer_request("CC", "c", ack_wait=ns(10), max_deliver=3,
                                                         max_ack_pending=7))
    await s.api("CONSUMER.CREATE.CC.c", consumer_request("CC", "c", ack_wait=ns(10), max_deliver=3,
                                                         max_ack_pending=7), label="same again")
    await s.api("CONSUMER.CREATE.CC.c", consumer_request("CC", "c", ack_wait=ns(20), max_deliver=3,
                                                         max_ack_pending=7), label="update ack_wait")
    await s.api("CONSUMER.CREATE.CC.c", consumer_request("CC", "c", ack_policy="none"), label="change ack policy")
    await s.api("CONSUMER.CREATE.CC.bad", consumer_request("CC", "bad", ack_policy="sometimes"), label="bad ack policy")
    await s.api("CONSUMER.INFO.CC.c")
    await s.api("CONSUMER.NAMES.CC")
    await s.api("STREAM.INFO.CC")
    await s.api("CONSUMER.DELETE.CC.c")
    await s.api("CONSUMER.DELETE.CC.c", label="delete again")
    await s.api("CONSUMER.INFO.CC.c", label="info after delete")
    await s.api("STREAM.DELETE.CC")
    await s.api("CONSUMER.INFO.CC.old", label="info after stream delete")


BROAD_SCENARIOS = {
    "stream_crud": stream_crud,
    "stream_errors": stream_errors,
    "publish_acks": publish_acks,
    "pull_statuses": pull_statuses,
    "acks_and_redelivery": acks_and_redelivery,
    "ack_next": ack_next,
    "max_deliver_advisory": max_deliver_advisory,
    "backoff_schedule": backoff_schedule,
    "workqueue": workqueue,
    "filters_and_policies": filters_and_policies,
    "consumer_crud": consumer_crud,
}
