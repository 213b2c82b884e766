"""Clips and kept outputs through the NATS object store (issue 12 item 12), with real ffmpeg:

* a clip stored once with `ffrtmp clips put` runs on two agents (one job sent to each); both results
  carry its SHA-256 as `input_digest`, which the master keeps and shows with the job; a second job on
  one agent reuses its cached copy;
* nats-py reads the clip ffrtmp stored, byte for byte (the layout is the NATS object store's);
* a job with `keep_output` leaves its output in the bucket `outputs` under its id, and
  `ffrtmp clips get --bucket outputs <id>` fetches exactly the bytes the result's digest names.

Parametrized over nats-server and ffrtmp's broker (which has what an object store needs: rollup
headers, filtered purge, last message by a wildcard subject).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import subprocess

import nats
import nats.js.errors
import pytest

import interop_servers as servers
from e2e_fleet import Watch, assert_valid, short_job
from interop_aio import run_async

FFMPEG = os.environ.get("FFRTMP_FFMPEG", "/usr/bin/ffmpeg")


def digest_of(data: bytes) -> str:
    return "SHA-256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).decode()


def ffrtmp(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(servers.ffrtmp_binary()), *args], capture_output=True, text=False, timeout=60,
                          stdin=subprocess.DEVNULL)


def make_clip(path) -> bytes:
    """2 s of 320x240 testsrc2 in MP4 (H.264): 60 frames."""
    done = subprocess.run([FFMPEG, "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30",
                           "-t", "2", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path)],
                          capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return path.read_bytes()


async def stored_count(nc, stream: str) -> int:
    return (await nc.jetstream().stream_info(stream)).state.messages


async def require_object_store(fleet, nc, clip_path):
    """Puts the clip twice; the bucket must then hold its chunks and one meta (rollup and purge work)."""
    for _ in range(2):
        put = ffrtmp("clips", "put", "-s", fleet.url, str(clip_path))
        assert put.returncode == 0, put.stderr.decode(errors="replace")
    try:
        info = await (await nc.jetstream().object_store("clips")).get_info(clip_path.name)
        kept = await stored_count(nc, "OBJ_clips") == info.chunks + 1
    except nats.js.errors.ObjectNotFoundError:
        info, kept = None, False
    assert kept, "a second put must leave one meta and the new chunks"
    return info


@pytest.mark.parametrize("fleet", ["nats-server", "ffrtmp"], indirect=True)
@run_async(timeout=110)
async def test_a_clip_put_once_runs_on_two_agents_with_its_digest_in_both_results(fleet, tmp_path):
    clip_path = tmp_path / "talk.mp4"
    clip = make_clip(clip_path)
    watch = await Watch.open(fleet)
    try:
        info = await require_object_store(fleet, watch.nc, clip_path)
        assert info.digest == digest_of(clip) and info.size == len(clip), info
        read = await (await watch.nc.jetstream().object_store("clips")).get("talk.mp4")
        assert read.data == clip, "nats-py must read what ffrtmp stored"

        master = await asyncio.to_thread(fleet.master)
        agents = await asyncio.gather(asyncio.to_thread(fleet.agent, "node-a"),
                                      asyncio.to_thread(fleet.agent, "node-b"))
        clip_input = {"type": "clip", "name": "talk.mp4"}
        for node in ("node-a", "node-b"):
            job = short_job(f"clip-{node}", input=clip_input, node=node)
            del job["duration_s"]
            await watch.submit(job, subject=f"job.node.{node}.cpu")
        for node in ("node-a", "node-b"):
            result = await watch.result(f"clip-{node}", timeout=40)
            assert_valid("result", result)
            assert (result["status"], result["node_id"]) == ("succeeded", node), result
            assert result["input_digest"] == digest_of(clip), result
            assert 59 <= result["ffmpeg"]["frames"] <= 61, result["ffmpeg"]

        again = short_job("clip-again", input=clip_input, node="node-a")
        del again["duration_s"]
        await watch.submit(again, subject="job.node.node-a.cpu")
        result = await watch.result("clip-again", timeout=40)
        assert result["status"] == "succeeded" and result["input_digest"] == digest_of(clip), result
        log = agents[0].log_text()
        assert log.count('msg="clip fetched"') == 1 and 'msg="clip reused from cache"' in log, log[-3000:]
        cached = list((agents[0].work_dir / ".clips").iterdir())
        assert [p.read_bytes() for p in cached] == [clip], cached
        # The master keeps the digest with the result and shows it with the job.
        stored = await asyncio.to_thread(
            master.wait_json, "/api/results", lambda d: [r for r in d["results"] if r["job_id"] == "clip-node-b"],
            20, "clip-node-b's result in /api/results")
        assert stored[0]["input_digest"] == digest_of(clip), stored
        detail = await asyncio.to_thread(master.json, "/api/jobs/clip-node-b")
        assert detail["results"][0]["input_digest"] == digest_of(clip), detail
    finally:
        await watch.close()


@pytest.mark.parametrize("fleet", ["nats-server", "ffrtmp"], indirect=True)
@run_async(timeout=90)
async def test_a_kept_output_is_fetched_by_job_id_with_the_digest_its_result_names(fleet, tmp_path):
    clip_path = tmp_path / "talk.mp4"
    make_clip(clip_path)
    watch = await Watch.open(fleet)
    try:
        await require_object_store(fleet, watch.nc, clip_path)
        await asyncio.to_thread(fleet.agent, "node-k")
        job = short_job("kept-1", keep_output=True, output={"type": "file", "name": "out.mp4"})
        await watch.submit(job)
        result = await watch.result("kept-1", timeout=40)
        assert_valid("result", result)
        assert result["status"] == "succeeded", result
        kept = result["kept_output"]
        assert (kept["bucket"], kept["name"]) == ("outputs", "kept-1"), kept

        fetched = tmp_path / "fetched.mp4"
        got = ffrtmp("clips", "get", "-s", fleet.url, "--bucket", "outputs", "kept-1", "-o", str(fetched))
        assert got.returncode == 0, got.stderr
        data = fetched.read_bytes()
        assert digest_of(data) == kept["digest"] and len(data) == kept["size"], kept
        assert data[4:8] == b"ftyp", "an MP4 file"
        # Stdout works too, and nats-py reads the same object.
        piped = ffrtmp("clips", "get", "-s", fleet.url, "--bucket", "outputs", "kept-1", "-o", "-")
        assert piped.returncode == 0 and piped.stdout == data
        read = await (await watch.nc.jetstream().object_store("outputs")).get("kept-1")
        assert read.data == data
        config = (await watch.nc.jetstream().stream_info("OBJ_outputs")).config
        assert config.max_age == 7 * 86400, config
    finally:
        await watch.close()


@pytest.mark.parametrize("fleet", ["nats-server"], indirect=True)
@run_async(timeout=60)
async def test_clips_ls_and_rm_and_a_missing_clip_fails_the_job_naming_it(fleet, tmp_path):
    clip_path = tmp_path / "talk.mp4"
    make_clip(clip_path)
    listed = ffrtmp("clips", "ls", "-s", fleet.url)
    assert listed.returncode == 1 and b"bucket \"clips\" not found" in listed.stderr, listed
    assert ffrtmp("clips", "put", "-s", fleet.url, "--name", "a/b.mp4", str(clip_path)).returncode == 0
    listed = ffrtmp("clips", "ls", "-s", fleet.url, "--json")
    assert listed.returncode == 0 and b'"name":"a/b.mp4"' in listed.stdout, listed
    assert ffrtmp("clips", "rm", "-s", fleet.url, "a/b.mp4").returncode == 0
    assert ffrtmp("clips", "ls", "-s", fleet.url).stdout == b"no objects\n"
    bad = ffrtmp("clips", "get", "-s", fleet.url, "../x")
    assert bad.returncode == 2 and b"invalid name" in bad.stderr, bad

    watch = await Watch.open(fleet)
    try:
        await asyncio.to_thread(fleet.agent, "node-m", "--max-attempts", "1")
        job = short_job("missing-clip", input={"type": "clip", "name": "a/b.mp4"})
        del job["duration_s"]
        await watch.submit(job)
        result = await watch.result("missing-clip", timeout=30)
        assert result["status"] == "failed" and "a/b.mp4" in result["error"], result
        assert "input_digest" not in result, result
    finally:
        await watch.close()
