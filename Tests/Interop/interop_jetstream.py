"""JetStream helpers for the interop suites: raw `$JS.API.` requests, raw pulls and acks over a
plain nats-py connection, ack-subject parsing, and the normalisation the differential suite uses.

Everything here works against both servers (nats-server 2.15 with `-js` and `ffrtmp broker -js`)
so a suite can be validated against nats-server with FFRTMP_UNDER_TEST=nats-server.

Normalisations (used by test_jetstream_differential.py; each removes something that legitimately
differs between two servers or two runs):
  * timestamps: ``created``, ``ts``, ``first_ts``, ``last_ts``, ``last_active``, ``time`` (wall
    clock) are dropped; the 7th token of an ack subject (delivery time) is dropped.
  * server identity and metadata: ``metadata`` (nats-server adds ``_nats.ver``/``_nats.level``),
    ``cluster``, ``server_id``, ``domain`` are dropped.
  * JSON key order: responses are compared as decoded dicts (sorted when rendered).
  * stream/consumer ``config``: projected on the fields the broker implements (STREAM_CONFIG_KEYS,
    CONSUMER_CONFIG_KEYS); nats-server's extra fields (compression, allow_direct,
    consumer_limits, allow_msg_ttl, ...) are not part of the subset.
  * error responses: only ``type`` and ``error`` are kept (nats-server 2.15 adds
    ``total``/``offset``/``limit`` to a STREAM.INFO refusal).
  * STREAM.INFO answers: nats-server's paging fields for the (not requested) subject details,
    ``total``/``offset``/``limit``, are dropped.
  * a list given as JSON ``null`` (nats-server's STREAM.NAMES with no match) equals ``[]``.
  * account info (``$JS.API.INFO``): ``api.total``/``api.level`` and ``reserved_memory``/
    ``reserved_storage`` are dropped (server-wide bookkeeping, not the subset's behaviour).
  * stream ``state``: only messages, first_seq, last_seq, consumer_count are compared;
    ``bytes`` is dropped here (the per-message overhead is each store's own: nats-server's file
    store counts 30 bytes + subject + payload (+ 4 + headers)) and compared on its own by the
    differential ``bytes_accounting`` scenario; ``num_deleted``/``num_subjects`` are
    nats-server only.
  * status descriptions: cut at `` - `` (nats-server appends its JSON parser's message to
    ``400 Bad Request``).
  * ack reply subjects: parsed into (stream, consumer, delivered, stream_seq, consumer_seq,
    pending); both the 9-token and the 12-token ($JS.ACK.<domain>.<account>...) forms.
  * status replies: (code, description) from the ``NATS/1.0 <code> <description>`` line; the
    Nats-Pending-Messages / Nats-Pending-Bytes headers are kept when asked for.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field

import nats

API = "$JS.API."
ADVISORY_MAX_DELIVERIES = "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES"

TIMESTAMP_KEYS = {"created", "ts", "first_ts", "last_ts", "last_active", "time"}
IDENTITY_KEYS = {"metadata", "cluster", "server_id", "domain"}
STREAM_CONFIG_KEYS = ("name", "subjects", "retention", "storage", "max_msgs", "max_bytes", "max_age",
                      "max_msg_size", "max_consumers", "max_msgs_per_subject", "discard", "num_replicas",
                      "duplicate_window", "sealed", "deny_delete", "deny_purge")
CONSUMER_CONFIG_KEYS = ("durable_name", "name", "deliver_policy", "opt_start_seq", "ack_policy", "ack_wait",
                        "max_deliver", "filter_subject", "filter_subjects", "max_waiting", "max_ack_pending",
                        "backoff", "replay_policy", "inactive_threshold")
STATE_KEYS = ("messages", "first_seq", "last_seq", "consumer_count")

NS = 1_000_000_000


def ns(seconds: float) -> int:
    return int(seconds * NS)


# --------------------------------------------------------------------------------------------
# Raw API
# --------------------------------------------------------------------------------------------

async def api(nc, op: str, body=None, timeout: float = 5.0) -> dict:
    """Request ``$JS.API.<op>`` with a JSON body (dict) or raw bytes; the decoded answer."""
    if body is None:
        payload = b""
    elif isinstance(body, (bytes, bytearray)):
        payload = bytes(body)
    else:
        payload = json.dumps(body).encode()
    msg = await nc.request(API + op, payload, timeout=timeout)
    try:
        return json.loads(msg.data)
    except ValueError as exc:
        raise AssertionError(f"{API}{op}: answer is not JSON: {msg.data[:300]!r} headers={msg.headers}") from exc


def stream_config(name: str, subjects, **fields) -> dict:
    config = {"name": name, "subjects": list(subjects)}
    config.update(fields)
    return config


async def add_stream(nc, name: str, subjects, **fields) -> dict:
    answer = await api(nc, f"STREAM.CREATE.{name}", stream_config(name, subjects, **fields))
    assert "error" not in answer, f"STREAM.CREATE.{name}: {answer}"
    return answer


def consumer_request(stream: str, durable: str | None, **config) -> dict:
    cfg = {"ack_policy": "explicit"}
    if durable:
        cfg["durable_name"] = durable
    cfg.update(config)
    return {"stream_name": stream, "config": cfg}


async def add_consumer(nc, stream: str, durable: str, **config) -> dict:
    answer = await api(nc, f"CONSUMER.CREATE.{stream}.{durable}", consumer_request(stream, durable, **config))
    assert "error" not in answer, f"CONSUMER.CREATE.{stream}.{durable}: {answer}"
    return answer


# --------------------------------------------------------------------------------------------
# Pulls and acks
# --------------------------------------------------------------------------------------------

@dataclass
class AckInfo:
    stream: str
    consumer: str
    delivered: int
    stream_seq: int
    consumer_seq: int
    pending: int

    def key(self):
        return (self.stream, self.consumer, self.delivered, self.stream_seq, self.consumer_seq, self.pending)


def parse_ack_subject(reply: str) -> AckInfo:
    tokens = reply.split(".")
    if len(tokens) == 9:
        t = tokens[2:]
    elif len(tokens) in (11, 12):
        t = tokens[4:]
    else:
        raise AssertionError(f"not a JetStream ack subject: {reply!r}")
    assert tokens[0] == "$JS" and tokens[1] == "ACK", reply
    return AckInfo(t[0], t[1], int(t[2]), int(t[3]), int(t[4]), int(t[6]))


@dataclass
class Item:
    """One thing a pull inbox received: a message (status None) or a status reply."""
    subject: str
    data: bytes
    reply: str
    headers: dict = field(default_factory=dict)
    status: int | None = None
    description: str = ""

    @property
    def ack(self) -> AckInfo:
        return parse_ack_subject(self.reply)

    def normalized(self, pending_headers: bool = True, pending_token: bool = True):
        if self.status is not None:
            out = ("status", self.status, self.description.split(" - ")[0])
            if pending_headers and self.status == 408:
                out += (self.headers.get("Nats-Pending-Messages"), self.headers.get("Nats-Pending-Bytes"))
            return out
        return ("msg", self.subject, self.data, self.ack.key() if pending_token else self.ack.key()[:-1])


def _status_of(msg) -> tuple[int | None, str]:
    """nats-py puts the status line of an HMSG into headers['Status'] / ['Description']."""
    headers = msg.headers or {}
    status = headers.get("Status")
    if status and not msg.data:
        try:
            return int(status), headers.get("Description", "")
        except ValueError:
            return None, ""
    return None, ""


class Puller:
    """Raw pulls: a subscription on its own inbox, MSG.NEXT requests published with that reply."""

    def __init__(self, nc, stream: str, consumer: str):
        self.nc = nc
        self.stream = stream
        self.consumer = consumer
        self.inbox = nc.new_inbox()
        self.sub = None
        self.pending: list[Item] = []

    async def start(self):
        self.sub = await self.nc.subscribe(self.inbox + ".*")
        await _barrier(self.nc)
        return self

    async def request(self, batch: int = 1, expires: float | None = None, no_wait: bool = False,
                      body: bytes | None = None, tag: str = "r"):
        if body is None:
            req = {"batch": batch}
            if expires is not None:
                req["expires"] = ns(expires)
            if no_wait:
                req["no_wait"] = True
            body = json.dumps(req).encode()
        await self.nc.publish(f"{API}CONSUMER.MSG.NEXT.{self.stream}.{self.consumer}", body,
                              reply=f"{self.inbox}.{tag}")

    async def receive(self, count: int | None = None, until_status: bool = True, timeout: float = 5.0,
                      quiet: float = 0.3) -> list[Item]:
        """Items until ``count`` messages, or a status reply (when until_status), or ``timeout``;
        with count None, until nothing arrives for ``quiet`` seconds."""
        out: list[Item] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        msgs = 0
        while True:
            left = deadline - loop.time()
            if left <= 0:
                break
            wait = min(left, quiet) if count is None else left
            try:
                msg = await self.sub.next_msg(timeout=wait)
            except (asyncio.TimeoutError, nats.errors.TimeoutError):
                break
            status, description = _status_of(msg)
            hdrs = dict(msg.headers or {})
            item = Item(msg.subject, msg.data, msg.reply, hdrs, status, description)
            out.append(item)
            if status is None:
                msgs += 1
                if count is not None and msgs >= count:
                    break
            elif until_status:
                break
        return out

    async def fetch(self, batch: int = 1, expires: float | None = None, no_wait: bool = False,
                    timeout: float | None = None) -> list[Item]:
        """One request; what comes back until batch messages or a status reply."""
        await self.request(batch, expires, no_wait)
        if timeout is None:
            timeout = (expires or 0) + 3.0
        return await self.receive(count=batch, timeout=timeout)

    async def close(self):
        if self.sub is not None:
            try:
                await self.sub.unsubscribe()
            except Exception:  # noqa: BLE001 - connection may be closed already
                pass


async def _barrier(nc):
    await nc.flush(timeout=5)
    await nc.flush(timeout=5)


async def ack(nc, item_or_reply, body: bytes = b"+ACK", sync: bool = False, timeout: float = 5.0):
    """Publish an ack to a delivery's reply subject; with sync, as a request (answered once the
    server processed it -- nats-py's ack_sync)."""
    reply = item_or_reply.reply if isinstance(item_or_reply, Item) else item_or_reply
    if sync:
        return await nc.request(reply, body, timeout=timeout)
    await nc.publish(reply, body)
    return None


def nak_delay(seconds: float) -> bytes:
    return b"-NAK " + json.dumps({"delay": ns(seconds)}).encode()


# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

def _drop(obj, keys):
    if isinstance(obj, dict):
        return {k: _drop(v, keys) for k, v in obj.items() if k not in keys}
    if isinstance(obj, list):
        return [_drop(v, keys) for v in obj]
    return obj


def _project(config: dict, keys) -> dict:
    out = {}
    for k in keys:
        if k in config and config[k] not in (None, [], ""):
            out[k] = config[k]
    return out


def normalize(answer: dict) -> dict:
    """A JetStream API answer with timestamps, identity, nats-server-only fields and (for
    configs) fields outside the subset removed. See the module docstring."""
    if not isinstance(answer, dict):
        return answer
    if "error" in answer:
        out = {"error": answer["error"]}
        if "type" in answer:
            out["type"] = answer["type"]
        return out
    out = _drop(answer, TIMESTAMP_KEYS | IDENTITY_KEYS)
    kind = str(out.get("type", ""))
    if kind.endswith("stream_info_response"):
        for key in ("total", "offset", "limit"):
            out.pop(key, None)
    if kind.endswith("account_info_response"):
        out.pop("reserved_memory", None)
        out.pop("reserved_storage", None)
        if isinstance(out.get("api"), dict):
            out["api"] = {k: v for k, v in out["api"].items() if k not in ("total", "level")}
    for key in ("streams", "consumers"):
        if key in out and out[key] is None:
            out[key] = []
    if isinstance(out.get("config"), dict):
        keys = CONSUMER_CONFIG_KEYS if ("stream_name" in out or "ack_policy" in out["config"]) else STREAM_CONFIG_KEYS
        out["config"] = _project(out["config"], keys)
    if isinstance(out.get("state"), dict):
        out["state"] = _project(out["state"], STATE_KEYS)
    if "streams" in out and isinstance(out["streams"], list):
        out["streams"] = [normalize(s) if isinstance(s, dict) else s for s in out["streams"]]
    if "consumers" in out and isinstance(out["consumers"], list):
        out["consumers"] = [normalize(c) if isinstance(c, dict) else c for c in out["consumers"]]
    for seq_key in ("delivered", "ack_floor"):
        if isinstance(out.get(seq_key), dict):
            out[seq_key] = _drop(out[seq_key], {"last_active"})
    out.pop("did_create", None)  # nats-server: only when the create made a new stream/consumer
    return out


def normalize_pub_ack(answer: dict) -> dict:
    out = dict(answer)
    if out.get("duplicate") is False:
        out.pop("duplicate")
    out.pop("domain", None)
    return out


def consumer_numbers(info: dict) -> dict:
    """The consumer_info numbers the suites compare."""
    return {
        "delivered": info["delivered"]["consumer_seq"], "delivered_stream": info["delivered"]["stream_seq"],
        "ack_floor": info["ack_floor"]["consumer_seq"], "ack_floor_stream": info["ack_floor"]["stream_seq"],
        "num_ack_pending": info["num_ack_pending"], "num_redelivered": info["num_redelivered"],
        "num_pending": info["num_pending"], "num_waiting": info.get("num_waiting", 0),
    }


def render(value) -> str:
    return json.dumps(value, sort_keys=True, default=repr)
