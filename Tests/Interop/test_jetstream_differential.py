"""Differential JetStream tests: the same scripted sequence of JetStream API requests, publishes,
raw pulls and acks runs against nats-server 2.15 (`-js`, the oracle) and against the broker
(`-js`); the normalised transcripts must be equal step by step.

A scenario is an ``async def scenario(s: Session)``. Each ``s.<op>`` call performs one exchange
and appends one transcript entry ``(label, request, normalised answer)``. ``s.check(...)`` states
what the oracle itself must do (so a case tests what it claims); checks are recorded, not
raised, so the broker's transcript is still complete when it misbehaves.

What is compared (see interop_jetstream's docstring for every normalisation):
  * API answers: the decoded JSON minus timestamps, server identity/metadata and nats-server's
    fields outside the subset; configs projected on the implemented fields; error answers as
    ``type`` + ``error`` {code, err_code, description}. One more normalisation here: an
    ``invalid JSON: ...`` description is cut to ``invalid JSON`` (the detail is the JSON
    parser's own message: Go's vs Swift's).
  * publish acks: {stream, seq, duplicate?} or the error form.
  * pulls: the messages (subject, payload, delivered count, stream seq, consumer seq, pending
    from the ack subject) and the status replies (404/408/409 + description, and for 408 the
    Nats-Pending-Messages/-Bytes headers).
  * acks sent with a reply: whether an answer came (and its body).
  * consumer_info numbers (num_pending, num_ack_pending, num_redelivered, delivered, ack_floor).
  * ephemeral consumer names are random: replaced by ``<ephemeral>``.

Races in nats-server the scenarios avoid: acks (NAK especially) are processed asynchronously,
so every ack whose effect the next step depends on is sent with a reply (``sync=True``) and the
step waits for the answer; redelivery after ack_wait is waited for with a lingering pull, not a
sleep followed by no_wait.

Both servers run side by side (one scenario, two event-loop tasks) so timing-based steps cost
their wall time once.

Broad scenarios cover a feature area each (stream CRUD, errors, publish acks and limits, pull
statuses, acks and redelivery, +NXT, max_deliver advisory, backoff, work queues, filters and
deliver policies, consumer CRUD). Focused scenarios pin one behaviour each (byte accounting,
Nats-Expected-* headers, retention-update refusal, streams capturing ">" or $JS.>, ack_policy
all/none, numbers after max_deliver, backoff's ack_wait, the pending token of a filtered
consumer, its ack floor, deliver_policy last with a filter, a filter in the create subject,
ephemeral inactive_threshold, max_msgs_per_subject, max_consumers, sealed/deny_delete/
deny_purge, no_ack), so that fixing one difference turns exactly one test green.

Documented broker deviations (interest retention, push consumers, mirrors/sources) are not
compared: ``test_documented_refusals`` asserts the broker refuses each cleanly.
"""

from __future__ import annotations

import asyncio
import json

import nats
import pytest

from interop_aio import barrier, connect, run_async
from interop_jetstream import (ADVISORY_MAX_DELIVERIES, Item, Puller, api, consumer_numbers, consumer_request,
                               nak_delay, normalize, normalize_pub_ack, ns, render)

pytestmark = pytest.mark.timeout(90)


class Session:
    """One server's run of a scenario: a connection, pullers by consumer, the transcript."""

    def __init__(self, server, nc):
        self.server = server
        self.nc = nc
        self.log: list[tuple] = []
        self.failed_checks: list[str] = []
        self.pullers: dict[tuple, Puller] = {}
        self.ephemeral: dict[str, str] = {}   # real name -> placeholder

    # -- recording ---------------------------------------------------------------------
    def record(self, label, request, answer):
        self.log.append((label, request, answer))
        return answer

    def check(self, condition, what: str):
        if not condition:
            self.failed_checks.append(f"step {len(self.log)}: {what}")

    def _names(self, value):
        if isinstance(value, dict):
            return {k: self._names(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._names(v) for v in value]
        if isinstance(value, str) and value in self.ephemeral:
            return self.ephemeral[value]
        return value

    # -- exchanges ---------------------------------------------------------------------
    async def api(self, op: str, body=None, label: str | None = None, timeout: float = 3.0) -> dict:
        try:
            raw = await api(self.nc, op, body, timeout=timeout)
        except nats.errors.NoRespondersError:
            raw = {"<no responders>": True}
        except nats.errors.TimeoutError:
            raw = {"<no answer>": True}
        answer = normalize(raw)
        if "error" in answer and answer["error"].get("description", "").startswith("invalid JSON"):
            answer["error"] = dict(answer["error"], description="invalid JSON")
        if (isinstance(answer.get("config"), dict) and "stream_name" in answer
                and "durable_name" not in answer["config"] and "name" in answer):
            self.ephemeral.setdefault(answer["name"], "<ephemeral>")
            answer["config"].pop("name", None)
        shown = body if not isinstance(body, (bytes, bytearray)) else bytes(body)
        self.record(label or op, shown, self._names(answer))
        return raw

    async def info(self, stream: str, consumer: str) -> dict:
        """consumer_info reduced to its numbers."""
        raw = await api(self.nc, f"CONSUMER.INFO.{stream}.{consumer}")
        numbers = consumer_numbers(raw) if "error" not in raw else normalize(raw)
        self.record(f"numbers {stream}.{consumer}", None, numbers)
        return numbers

    async def state(self, stream: str) -> dict:
        raw = await api(self.nc, f"STREAM.INFO.{stream}")
        st = normalize(raw).get("state", normalize(raw))
        self.record(f"state {stream}", None, st)
        return st

    async def pub(self, subject: str, payload: bytes, msg_id: str | None = None, headers=None,
                  timeout: float = 3.0) -> dict:
        hdrs = dict(headers or {})
        if msg_id is not None:
            hdrs["Nats-Msg-Id"] = msg_id
        try:
            msg = await self.nc.request(subject, payload, timeout=timeout, headers=hdrs or None)
            answer = normalize_pub_ack(json.loads(msg.data))
        except nats.errors.NoRespondersError:
            answer = {"<no responders>": True}
        except nats.errors.TimeoutError:
            answer = {"<no answer>": True}
        self.record(f"pub {subject}", {"payload": payload, "headers": hdrs or None}, answer)
        return answer

    async def puller(self, stream: str, consumer: str) -> Puller:
        key = (stream, consumer)
        if key not in self.pullers:
            self.pullers[key] = await Puller(self.nc, stream, consumer).start()
        return self.pullers[key]

    async def pull(self, stream: str, consumer: str, batch: int = 1, expires: float | None = None,
                   no_wait: bool = False, timeout: float | None = None) -> list[Item]:
        p = await self.puller(stream, consumer)
        items = await p.fetch(batch, expires=expires, no_wait=no_wait, timeout=timeout)
        request = {"batch": batch, "expires": expires, "no_wait": no_wait}
        self.record(f"pull {stream}.{consumer}", request, [i.normalized() for i in items])
        return items

    async def receive(self, stream: str, consumer: str, count: int | None = None, timeout: float = 3.0,
                      label: str = "receive") -> list[Item]:
        """What arrives on the consumer's puller inbox (for requests sent with ``request``)."""
        p = await self.puller(stream, consumer)
        items = await p.receive(count=count, until_status=False, timeout=timeout)
        self.record(f"{label} {stream}.{consumer}", {"count": count},
                    sorted((i.subject.rsplit(".", 1)[-1],) + i.normalized() for i in items))
        return items

    async def request_pull(self, stream: str, consumer: str, tag: str, **kwargs):
        p = await self.puller(stream, consumer)
        await p.request(tag=tag, **kwargs)
        await barrier(self.nc)

    async def ack(self, item: Item, body: bytes = b"+ACK", sync: bool = True):
        if sync:
            try:
                msg = await self.nc.request(item.reply, body, timeout=2)
                answer = {"answered": msg.data}
            except nats.errors.TimeoutError:
                answer = {"answered": None}
        else:
            await self.nc.publish(item.reply, body)
            await barrier(self.nc)
            answer = {}
        seq = item.ack
        self.record(f"ack {body[:5].decode(errors='replace')}", (seq.stream_seq, seq.delivered), answer)
        return answer

    async def close(self):
        for p in self.pullers.values():
            await p.close()
        await self.nc.close()


async def run_both(oracle, broker, scenario, **kwargs):
    async def one(server):
        nc = await connect(server)
        session = Session(server, nc)
        try:
            await scenario(session, **kwargs)
        finally:
            await session.close()
        return session

    return await asyncio.gather(one(oracle), one(broker))


def compare(oracle: Session, broker: Session):
    """Fail (without a Python traceback: the transcript says it all) when the oracle's own checks
    failed or the transcripts differ; every differing step is shown with its request."""
    if oracle.failed_checks:
        pytest.fail("the scenario's own checks failed against nats-server (the case is wrong or "
                    "nats-server changed):\n" + "\n".join(oracle.failed_checks), pytrace=False)
    diffs = []
    for i, (want, got) in enumerate(zip(oracle.log, broker.log)):
        if want[2] != got[2] or want[0] != got[0]:
            diffs.append(f"step {i} {want[0]}\n  request: {render(want[1])}\n"
                         f"  nats-server: {render(want[2])}\n  broker:      {render(got[2])}")
    if len(oracle.log) != len(broker.log):
        diffs.append(f"transcript lengths differ: nats-server {len(oracle.log)}, broker {len(broker.log)}")
    if diffs:
        pytest.fail(f"{len(diffs)} difference(s) from nats-server:\n" + "\n".join(diffs[:12]), pytrace=False)


@pytest.fixture
def pair(server_factory):
    oracle = server_factory.start("nats-server", jetstream=True)
    broker = server_factory.start("broker", jetstream=True)
    return oracle, broker


# --------------------------------------------------------------------------------------------
# Broad scenarios: a feature area each, everything compared.
# --------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------
# Focused scenarios: one behaviour each (each pins one difference found against the broker, so
# a fix shows up as exactly one test turning green).
# --------------------------------------------------------------------------------------------

async def bytes_accounting(s: Session):
    """state.bytes per stored message, with and without headers (drives max_bytes).

    A documented deviation (protocol/PROTOCOL.md): nats-server counts 30 bytes of record overhead
    (+4 when there are headers), ffrtmp counts its own record size, 31 bytes + subject + headers +
    payload. So the per-message growth is compared within 4 bytes of nats-server's, not exactly."""
    await s.api("STREAM.CREATE.BY", {"name": "BY", "subjects": ["by.*"]})
    sizes = []
    for payload, headers in ((b"", None), (b"0123456789", None), (b"0123456789", {"K": "v"})):
        await s.pub("by.a", payload, headers=headers)
        sizes.append((await api(s.nc, "STREAM.INFO.BY"))["state"]["bytes"])
    header_block = len(b"NATS/1.0\r\nK: v\r\n\r\n")
    nats_growth = [30 + 4, 30 + 4 + 10, 30 + 4 + 10 + header_block + 4]
    growth = [sizes[0], sizes[1] - sizes[0], sizes[2] - sizes[1]]
    s.record("bytes grow per message within 4 of nats-server's accounting", None,
             all(abs(g - n) <= 4 for g, n in zip(growth, nats_growth)))


async def expected_headers(s: Session):
    """Optimistic-concurrency publish headers (nats-py's ``stream=`` argument sends
    Nats-Expected-Stream)."""
    await s.api("STREAM.CREATE.X", {"name": "X", "subjects": ["x.*"]})
    await s.pub("x.a", b"1", msg_id="m1")
    await s.pub("x.a", b"2", headers={"Nats-Expected-Stream": "OTHER"})
    await s.pub("x.a", b"3", headers={"Nats-Expected-Last-Sequence": "5"})
    await s.pub("x.a", b"4", headers={"Nats-Expected-Last-Sequence": "1"})
    await s.pub("x.a", b"5", headers={"Nats-Expected-Last-Msg-Id": "nope"})
    await s.pub("x.b", b"6", headers={"Nats-Expected-Last-Subject-Sequence": "3"})
    await s.pub("x.b", b"7", headers={"Nats-Expected-Last-Subject-Sequence": "0"})
    await s.state("X")


async def update_retention_refused(s: Session):
    await s.api("STREAM.CREATE.UR", {"name": "UR", "subjects": ["ur"]})
    await s.api("STREAM.UPDATE.UR", {"name": "UR", "subjects": ["ur"], "retention": "workqueue"})
    await s.api("STREAM.CREATE.UW", {"name": "UW", "subjects": ["uw"], "retention": "workqueue"})
    await s.api("STREAM.UPDATE.UW", {"name": "UW", "subjects": ["uw"], "retention": "limits"})


async def capture_all_subjects(s: Session):
    """A stream on ">" (or on subjects overlapping $JS.>) would capture the API's own traffic:
    nats-server requires no_ack."""
    await s.api("STREAM.CREATE.JS", {"name": "JS", "subjects": ["*.b"]})
    await s.api("STREAM.CREATE.ALL", {"name": "ALL", "subjects": [">"]})
    await s.api("STREAM.NAMES")


async def ack_policy_all(s: Session):
    await s.api("STREAM.CREATE.AA", {"name": "AA", "subjects": ["aa"]})
    for i in range(4):
        await s.pub("aa", f"{i}".encode())
    await s.api("CONSUMER.CREATE.AA.all", consumer_request("AA", "all", ack_policy="all"))
    items = [i for i in await s.pull("AA", "all", 4, expires=1.0) if i.status is None]
    if len(items) == 4:
        await s.ack(items[2])        # acks 1..3
    await s.info("AA", "all")


async def ack_policy_none(s: Session):
    await s.api("STREAM.CREATE.AZ", {"name": "AZ", "subjects": ["az"]})
    for i in range(4):
        await s.pub("az", f"{i}".encode())
    await s.api("CONSUMER.CREATE.AZ.none", consumer_request("AZ", "none", ack_policy="none"))
    await s.pull("AZ", "none", 4, expires=1.0)
    await s.info("AZ", "none")


async def max_deliver_numbers(s: Session):
    """consumer_info after a message ran out of deliveries."""
    await s.api("STREAM.CREATE.MN", {"name": "MN", "subjects": ["mn"]})
    await s.pub("mn", b"poison")
    await s.pub("mn", b"fine")
    await s.api("CONSUMER.CREATE.MN.c", consumer_request("MN", "c", ack_wait=ns(0.4), max_deliver=2))
    first = [i for i in await s.pull("MN", "c", 2, expires=1.0) if i.status is None]
    if len(first) == 2:
        await s.ack(first[1])
    await s.pull("MN", "c", 1, expires=1.5)
    await s.pull("MN", "c", 1, expires=1.0)
    await s.info("MN", "c")


async def backoff_config(s: Session):
    """With backoff, nats-server reports ack_wait = backoff[0]."""
    await s.api("STREAM.CREATE.BC", {"name": "BC", "subjects": ["bc"]})
    await s.api("CONSUMER.CREATE.BC.c", consumer_request("BC", "c", ack_wait=ns(5), max_deliver=3,
                                                         backoff=[ns(0.3), ns(0.6)]))
    await s.api("CONSUMER.CREATE.BC.d", consumer_request("BC", "d", max_deliver=3, backoff=[ns(2)]))


async def filtered_pending_token(s: Session):
    """The last token of the ack subject (nats-py: metadata.num_pending) for a filtered consumer
    counts the messages still to come that match the filter."""
    await s.api("STREAM.CREATE.FP", {"name": "FP", "subjects": ["fp.*"]})
    for subj in ["fp.a", "fp.b", "fp.a", "fp.b", "fp.b"]:
        await s.pub(subj, b"x")
    await s.api("CONSUMER.CREATE.FP.a", consumer_request("FP", "a", filter_subject="fp.a"))
    await s.pull("FP", "a", 2, expires=0.5)


async def filtered_ack_floor(s: Session):
    """consumer_info.ack_floor of a filtered consumer that has acked nothing yet."""
    await s.api("STREAM.CREATE.FF", {"name": "FF", "subjects": ["ff.*"]})
    for subj in ["ff.a", "ff.a", "ff.b", "ff.b"]:
        await s.pub(subj, b"x")
    await s.api("CONSUMER.CREATE.FF.b", consumer_request("FF", "b", filter_subject="ff.b"))
    await s.pull("FF", "b", 1, expires=0.5)
    await s.info("FF", "b")


async def deliver_last_with_filter(s: Session):
    """deliver_policy last + filter_subject starts at the last message matching the filter."""
    await s.api("STREAM.CREATE.DL", {"name": "DL", "subjects": ["dl.*"]})
    for subj in ["dl.a", "dl.c", "dl.c", "dl.a"]:
        await s.pub(subj, subj.encode())
    await s.api("CONSUMER.CREATE.DL.lastc", consumer_request("DL", "lastc", deliver_policy="last",
                                                             filter_subject="dl.c"))
    await s.pull("DL", "lastc", 5, expires=0.3)


async def filter_in_create_subject(s: Session):
    """CONSUMER.CREATE.<stream>.<name>.<filter> whose body has no (or another) filter."""
    await s.api("STREAM.CREATE.FC", {"name": "FC", "subjects": ["fc.*"]})
    await s.api("CONSUMER.CREATE.FC.c.fc.c", consumer_request("FC", "c"), label="no filter in body")
    await s.api("CONSUMER.CREATE.FC.d.fc.d", consumer_request("FC", "d", filter_subject="fc.x"),
                label="other filter in body")
    await s.api("CONSUMER.NAMES.FC")


async def max_msgs_per_subject(s: Session):
    """Kept per subject: 1 (ffrtmp setup's CONTROL stream asks for this)."""
    await s.api("STREAM.CREATE.C", {"name": "C", "subjects": ["c.>"], "max_msgs_per_subject": 1})
    for i in range(3):
        await s.pub("c.a", f"{i}".encode())
    await s.pub("c.b", b"b")
    await s.state("C")
    await s.api("STREAM.MSG.GET.C", {"seq": 1}, label="oldest c.a")


async def max_consumers(s: Session):
    await s.api("STREAM.CREATE.MC", {"name": "MC", "subjects": ["mc"], "max_consumers": 1})
    await s.api("CONSUMER.CREATE.MC.a", consumer_request("MC", "a"))
    await s.api("CONSUMER.CREATE.MC.b", consumer_request("MC", "b"), label="second consumer")
    await s.api("CONSUMER.NAMES.MC")


async def sealed_and_deny(s: Session):
    await s.api("STREAM.CREATE.SE", {"name": "SE", "subjects": ["se"], "sealed": True}, label="create sealed")
    await s.api("STREAM.CREATE.DD", {"name": "DD", "subjects": ["dd"], "deny_delete": True, "deny_purge": True})
    await s.pub("dd", b"x")
    await s.api("STREAM.MSG.DELETE.DD", {"seq": 1}, label="delete with deny_delete")
    await s.api("STREAM.PURGE.DD", label="purge with deny_purge")
    await s.state("DD")


async def no_ack_stream(s: Session):
    await s.api("STREAM.CREATE.NA", {"name": "NA", "subjects": ["na"], "no_ack": True})
    await s.pub("na", b"x", timeout=1.0)      # no_ack: nats-server stores it and does not answer
    await s.state("NA")


async def ephemeral_consumer(s: Session):
    await s.api("STREAM.CREATE.EP", {"name": "EP", "subjects": ["ep"]})
    await s.pub("ep", b"1")
    await s.api("CONSUMER.CREATE.EP", consumer_request("EP", None), label="ephemeral")


SCENARIOS = {
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
    # focused
    "bytes_accounting": bytes_accounting,
    "expected_headers": expected_headers,
    "update_retention_refused": update_retention_refused,
    "capture_all_subjects": capture_all_subjects,
    "ack_policy_all": ack_policy_all,
    "ack_policy_none": ack_policy_none,
    "max_deliver_numbers": max_deliver_numbers,
    "backoff_config": backoff_config,
    "filtered_pending_token": filtered_pending_token,
    "filtered_ack_floor": filtered_ack_floor,
    "deliver_last_with_filter": deliver_last_with_filter,
    "filter_in_create_subject": filter_in_create_subject,
    "ephemeral_consumer": ephemeral_consumer,
    "max_msgs_per_subject": max_msgs_per_subject,
    "max_consumers": max_consumers,
    "sealed_and_deny": sealed_and_deny,
    "no_ack_stream": no_ack_stream,
}


@pytest.mark.parametrize("name", list(SCENARIOS))
@run_async(timeout=80)
async def test_jetstream_differential(pair, name):
    oracle, broker = pair
    want, got = await run_both(oracle, broker, SCENARIOS[name])
    compare(want, got)


# --------------------------------------------------------------------------------------------
# Documented deviations: the broker must refuse cleanly (nats-server accepts).
# --------------------------------------------------------------------------------------------

REFUSALS = [
    ("interest retention", "STREAM.CREATE.I", {"name": "I", "subjects": ["i"], "retention": "interest"}),
    ("push consumer", "CONSUMER.CREATE.BASE.push",
     {"stream_name": "BASE", "config": {"durable_name": "push", "deliver_subject": "here", "ack_policy": "explicit"}}),
    ("mirror", "STREAM.CREATE.MIR", {"name": "MIR", "mirror": {"name": "BASE"}}),
    ("sources", "STREAM.CREATE.SRC", {"name": "SRC", "subjects": ["src"], "sources": [{"name": "BASE"}]}),
]


@run_async
async def test_documented_refusals(pair):
    oracle, broker = pair
    results = {}
    for server in (oracle, broker):
        nc = await connect(server)
        try:
            assert "error" not in await api(nc, "STREAM.CREATE.BASE", {"name": "BASE", "subjects": ["base"]})
            results[server.flavor] = [await api(nc, op, body) for _, op, body in REFUSALS]
            # Nothing was left behind by a refusal; the server still works.
            names = await api(nc, "STREAM.NAMES")
            results[server.flavor + " names"] = sorted(names.get("streams") or [])
            ack = json.loads((await nc.request("base", b"still fine", timeout=3)).data)
            assert ack.get("seq") == 1, ack
        finally:
            await nc.close()
    for (what, _, _), accepted in zip(REFUSALS, results["nats-server"]):
        assert "error" not in accepted, f"nats-server should accept {what}: {accepted}"
    if broker.flavor == "nats-server":
        return  # validating the suite: the "broker" is nats-server too
    for (what, _, _), refused in zip(REFUSALS, results["ffrtmp"]):
        err = refused.get("error")
        assert err, f"broker accepted {what}: {refused}"
        assert err["code"] == 400 and isinstance(err.get("err_code"), int)
        assert "not supported" in err["description"], f"{what}: {err}"
        assert refused.get("type", "").startswith("io.nats.jetstream.api.v1."), refused
    assert results["ffrtmp names"] == ["BASE"]
