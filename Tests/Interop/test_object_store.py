"""nats-py's Object Store (unchanged client, `js.create_object_store`) against the broker and against
nats-server 2.15, the same steps on both. The object store needs, on the server: stream configs with
`allow_rollup_hdrs`/`allow_direct`/`discard: new`, `Nats-Rollup: sub` on the meta subject, purges
filtered to one object's chunk subject, `STREAM.MSG.GET` by last subject, and the ephemeral ordered
push consumers (flow control, idle heartbeats) that `get` and `list` read through.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import random

import nats.js.errors as jserr
import pytest
from nats.js.api import ObjectMeta, ObjectMetaOptions

from interop_aio import connect, run_async

pytestmark = pytest.mark.timeout(90)

KINDS = ["nats-server", "broker"]
CHUNK = 16 * 1024


def payload(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def small_chunks(name: str) -> ObjectMeta:
    return ObjectMeta(name=name, options=ObjectMetaOptions(max_chunk_size=CHUNK))


async def stream_state(js, bucket: str):
    return (await js.stream_info(f"OBJ_{bucket}")).state


async def eventually(predicate, timeout: float = 15.0, every: float = 0.2):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = await predicate()
        if value or loop.time() >= deadline:
            return value
        await asyncio.sleep(every)


@pytest.mark.parametrize("kind", KINDS)
@run_async(timeout=80)
async def test_object_store_round_trip_replace_and_delete(server_factory, kind):
    server = server_factory.start(kind, jetstream=True)
    nc = await connect(server)
    try:
        js = nc.jetstream(timeout=5)
        store = await js.create_object_store("clips")
        config = (await js.stream_info("OBJ_clips")).config
        assert config.allow_rollup_hdrs is True
        assert config.allow_direct is True
        assert getattr(config.discard, "value", config.discard) == "new"

        first = payload(1024 * 1024 + 123, seed=1)
        info = await store.put("clip.mp4", first, meta=small_chunks("clip.mp4"))
        chunks = -(-len(first) // CHUNK)
        assert info.size == len(first) and info.chunks == chunks
        digest = "SHA-256=" + base64.urlsafe_b64encode(hashlib.sha256(first).digest()).decode()
        assert info.digest == digest

        result = await store.get("clip.mp4")
        assert result.data == first
        described = await store.get_info("clip.mp4")
        assert (described.size, described.chunks, described.digest) == (len(first), chunks, digest)

        # Streaming into a writer goes through the same ordered consumer.
        sink = io.BytesIO()
        await store.get("clip.mp4", writeinto=sink)
        assert sink.getvalue() == first

        await store.put("notes.txt", b"hello object store")
        names = sorted(entry.name for entry in await store.list())
        assert names == ["clip.mp4", "notes.txt"]
        state = await stream_state(js, "clips")
        assert state.messages == chunks + 1 + 1 + 1

        # The same name again: one meta message (rollup) and only the new chunks.
        second = payload(300 * 1024, seed=2)
        await store.put("clip.mp4", second, meta=small_chunks("clip.mp4"))
        assert (await store.get("clip.mp4")).data == second
        second_chunks = -(-len(second) // CHUNK)
        state = await stream_state(js, "clips")
        assert state.messages == second_chunks + 1 + 1 + 1

        await store.delete("clip.mp4")
        with pytest.raises(jserr.ObjectNotFoundError):
            await store.get_info("clip.mp4")
        gone = await store.get_info("clip.mp4", show_deleted=True)
        assert gone.deleted
        state = await stream_state(js, "clips")
        assert state.messages == 1 + 1 + 1
        assert [entry.name for entry in await store.list(ignore_deletes=True)] == ["notes.txt"]

        status = await store.status()
        assert status.bucket == "clips"
    finally:
        await nc.close()


@pytest.mark.parametrize("kind", KINDS)
@run_async(timeout=80)
async def test_the_ordered_consumers_of_reads_go_away_once_the_reader_unsubscribes(server_factory, kind):
    server = server_factory.start(kind, jetstream=True)
    nc = await connect(server)
    try:
        js = nc.jetstream(timeout=5)
        store = await js.create_object_store("gone")
        data = payload(200 * 1024, seed=3)
        await store.put("a", data, meta=small_chunks("a"))
        assert (await store.get("a")).data == data

        async def no_consumers():
            return (await js.stream_info("OBJ_gone")).state.consumer_count == 0

        assert await eventually(no_consumers, timeout=20)
    finally:
        await nc.close()


@pytest.mark.parametrize("kind", KINDS)
@run_async(timeout=80)
async def test_a_rollup_on_a_stream_that_does_not_allow_it_is_refused_as_nats_server_does(server_factory, kind):
    server = server_factory.start(kind, jetstream=True)
    nc = await connect(server)
    try:
        js = nc.jetstream(timeout=5)
        await js.add_stream(name="NOROLL", subjects=["noroll.>"])
        with pytest.raises(jserr.APIError) as refused:
            await js.publish("noroll.a", b"x", headers={"Nats-Rollup": "sub"})
        assert refused.value.err_code == 10111
        assert refused.value.description == "rollup not permitted"
    finally:
        await nc.close()


@pytest.mark.parametrize("kind", KINDS)
@run_async(timeout=60)
async def test_a_key_value_bucket_works_on_the_same_server_features(server_factory, kind):
    """Key-value buckets stand on what the object store needs plus direct gets (`allow_direct`) and
    `headers_only` ordered consumers (`keys`)."""
    server = server_factory.start(kind, jetstream=True)
    nc = await connect(server)
    try:
        js = nc.jetstream(timeout=5)
        kv = await js.create_key_value(bucket="settings", history=3)
        await kv.put("a", b"1")
        await kv.put("a", b"2")
        await kv.put("b", b"x")
        assert (await kv.get("a")).value == b"2"
        assert sorted(await kv.keys()) == ["a", "b"]
        assert [entry.value for entry in await kv.history("a")] == [b"1", b"2"]
        await kv.delete("b")
        with pytest.raises(jserr.KeyNotFoundError):
            await kv.get("b")
    finally:
        await nc.close()
