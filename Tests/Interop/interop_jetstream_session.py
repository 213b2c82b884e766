"""The recorder of the differential JetStream suite (test_jetstream_differential.py): a ``Session``
is one server's run of a scenario, ``run_both`` runs a scenario against nats-server and the broker
side by side, ``compare`` fails on the first differences between their transcripts.

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
"""

from __future__ import annotations

import asyncio
import json

import nats
import pytest

from interop_aio import barrier, connect
from interop_jetstream import Item, Puller, api, consumer_numbers, normalize, normalize_pub_ack, render


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
