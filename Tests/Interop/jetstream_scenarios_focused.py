"""Focused scenarios of the differential JetStream suite (test_jetstream_differential.py): one
behaviour each (byte accounting, Nats-Expected-* headers, retention-update refusal, streams
capturing ">" or $JS.>, ack_policy all/none, numbers after max_deliver, backoff's ack_wait, the
pending token of a filtered consumer, its ack floor, deliver_policy last with a filter, a filter
in the create subject, ephemeral inactive_threshold, max_msgs_per_subject, max_consumers,
sealed/deny_delete/deny_purge, no_ack). Each pins one difference found against the broker, so
that fixing one difference turns exactly one test green.
"""

from __future__ import annotations

from interop_jetstream import api, consumer_request, ns
from interop_jetstream_session import Session


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


FOCUSED_SCENARIOS = {
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
