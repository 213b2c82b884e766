"""`ffrtmp setup -s URL` against the broker (-js) and against nats-server (-js): it declares
ffrtmp's streams (JOBS on job.> as a work queue, EVENTS, RESULTS) and the durable pull consumers
cpu/nvenc/qsv/vaapi on JOBS (each also -high and -batch); running it twice changes nothing; a job published on job.cpu goes
to consumer cpu and leaves the work queue once acked, while a job on job.nvenc waits for nvenc.

The binary that runs `setup` is FFRTMP_SETUP_BIN (default: the broker binary, FFRTMP_BIN). When
its `setup --help` fails (the command not built yet) every test here is an expected failure
with that reason, not an error.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

import interop_servers as servers
from interop_aio import FETCH_TIMED_OUT, connect, enum_value, run_async

CAPABILITIES = ("cpu", "nvenc", "qsv", "vaapi")
# Priority classes: consumer name suffix and subject suffix (normal is the plain job.<capability>).
CLASSES = (("", ""), ("-high", ".high"), ("-batch", ".batch"))


def setup_binary() -> Path:
    env = os.environ.get("FFRTMP_SETUP_BIN")
    return Path(env) if env else servers.ffrtmp_binary()


def _setup_available() -> tuple[bool, str]:
    binary = setup_binary()
    if not binary.exists():
        return False, f"{binary} does not exist"
    try:
        done = subprocess.run([str(binary), "setup", "--help"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"`{binary} setup --help` failed: {exc}"
    if done.returncode != 0:
        first = (done.stderr or done.stdout).strip().splitlines()
        return False, f"`{binary.name} setup --help` exited {done.returncode}: {first[0] if first else ''}"
    return True, ""


SETUP_AVAILABLE, SETUP_MISSING = _setup_available()

pytestmark = pytest.mark.xfail(not SETUP_AVAILABLE, run=False,
                               reason=f"ffrtmp setup is not available yet ({SETUP_MISSING})")


def run_setup(server, *extra, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([str(setup_binary()), "setup", "-s", server.url, *extra],
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.fixture(params=["broker", "nats-server"])
def js_target(request, server_factory):
    """The server setup runs against: the one under test, and nats-server (the reference)."""
    return server_factory.start(request.param, jetstream=True)


async def topology(nc) -> dict:
    """Streams and JOBS consumers as the server reports them (with creation times)."""
    js = nc.jetstream(timeout=5)
    out = {}
    for name in ("JOBS", "EVENTS", "RESULTS"):
        info = await js.stream_info(name)
        out[name] = (info.config.subjects, enum_value(info.config.retention), enum_value(info.config.storage),
                     info.created)
    for cap in CAPABILITIES:
        for name_suffix, _ in CLASSES:
            info = await js.consumer_info("JOBS", cap + name_suffix)
            out[f"JOBS.{cap}{name_suffix}"] = (info.config.durable_name, info.config.filter_subject,
                                               enum_value(info.config.ack_policy), info.created)
    return out


@run_async(timeout=100)
async def test_setup_declares_fleet_and_is_idempotent(js_target):
    first = run_setup(js_target)
    assert first.returncode == 0, f"setup exited {first.returncode}\nstdout:\n{first.stdout}\nstderr:\n{first.stderr}"
    nc = await connect(js_target)
    try:
        before = await topology(nc)
        assert before["JOBS"][:3] == (["job.>"], "workqueue", "file")
        assert before["EVENTS"][0] == ["evt.>"] and before["EVENTS"][1] == "limits"
        assert before["RESULTS"][0] == ["result.>"] and before["RESULTS"][1] == "limits"
        for cap in CAPABILITIES:
            for name_suffix, subject_suffix in CLASSES:
                durable, filt, ack, _ = before[f"JOBS.{cap}{name_suffix}"]
                assert (durable, filt, ack) == (cap + name_suffix, f"job.{cap}{subject_suffix}", "explicit")
        second = run_setup(js_target)
        assert second.returncode == 0, (f"second setup exited {second.returncode}\nstdout:\n{second.stdout}\n"
                                        f"stderr:\n{second.stderr}")
        after = await topology(nc)
        assert after == before, "running setup again changed (or re-created) something"
    finally:
        await nc.close()


@run_async(timeout=100)
async def test_setup_then_job_round_trip(js_target):
    done = run_setup(js_target)
    assert done.returncode == 0, f"setup exited {done.returncode}\n{done.stdout}\n{done.stderr}"
    nc = await connect(js_target)
    try:
        js = nc.jetstream(timeout=5)
        ack = await js.publish("job.cpu", b'{"job":"j-1","input":"in.mp4"}', headers={"Nats-Msg-Id": "j-1"})
        assert ack.stream == "JOBS" and ack.seq >= 1
        dup = await js.publish("job.cpu", b'{"job":"j-1","input":"in.mp4"}', headers={"Nats-Msg-Id": "j-1"})
        assert dup.duplicate is True and dup.seq == ack.seq
        cpu = await js.pull_subscribe_bind("cpu", "JOBS")
        (job,) = await cpu.fetch(1, timeout=3)
        assert job.subject == "job.cpu" and job.data == b'{"job":"j-1","input":"in.mp4"}'
        assert job.metadata.num_delivered == 1
        await job.ack_sync()
        assert (await js.stream_info("JOBS")).state.messages == 0

        await js.publish("job.nvenc", b'{"job":"j-2"}')
        with pytest.raises(FETCH_TIMED_OUT):
            await cpu.fetch(1, timeout=0.7)
        assert (await js.stream_info("JOBS")).state.messages == 1
        nvenc_info = await js.consumer_info("JOBS", "nvenc")
        assert nvenc_info.num_pending == 1
        assert (await js.consumer_info("JOBS", "cpu")).num_pending == 0
        nvenc = await js.pull_subscribe_bind("nvenc", "JOBS")
        (job2,) = await nvenc.fetch(1, timeout=3)
        assert job2.subject == "job.nvenc"
        await job2.ack_sync()
        assert (await js.stream_info("JOBS")).state.messages == 0
    finally:
        await nc.close()


def test_setup_without_jetstream_fails_clearly(server_factory):
    plain = server_factory.start("broker")  # no -js
    done = run_setup(plain, "--timeout", "2s", timeout=30)
    assert done.returncode == 1, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert "jetstream" in (done.stderr + done.stdout).lower()
