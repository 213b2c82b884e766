"""A job whose output is an rtmp:// URL, received by a real nginx with the RTMP module that
records what it gets; the recording is checked with ffprobe.

nginx comes from Debian (`nginx-light` + `libnginx-mod-rtmp`, in deployment/install-packages.sh)
and runs from the test in its own temporary prefix (no master process, no daemon, nothing of the
system's nginx configuration touched). Without it the test is skipped, saying what to install.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

import interop_servers as servers
from e2e_fleet import Watch, assert_valid, short_job
from interop_aio import run_async

RTMP_MODULE_CANDIDATES = ("/usr/lib/nginx/modules/ngx_rtmp_module.so",
                          "/usr/lib64/nginx/modules/ngx_rtmp_module.so")


def _rtmp_module() -> str | None:
    for path in RTMP_MODULE_CANDIDATES:
        if os.path.exists(path):
            return path
    try:
        listed = subprocess.run(["dpkg", "-L", "libnginx-mod-rtmp"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    for line in listed.stdout.splitlines():
        if line.endswith("ngx_rtmp_module.so") and os.path.exists(line):
            return line
    return None


class RTMPServer:
    """nginx with one RTMP application, `live`, that records every stream to ``record_dir``."""

    def __init__(self, folder: Path, nginx: str, module: str):
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.record_dir = folder / "recordings"
        self.record_dir.mkdir()
        self.nginx = nginx
        self.module = module
        self.port = servers.free_port()
        self.log_path = folder / "error.log"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 10.0) -> "RTMPServer":
        conf = self.folder / "nginx.conf"
        conf.write_text(f"""load_module {self.module};
daemon off;
master_process off;
pid {self.folder}/nginx.pid;
error_log {self.log_path} info;
events {{ worker_connections 64; }}
rtmp {{
    server {{
        listen 127.0.0.1:{self.port};
        application live {{
            live on;
            record all;
            record_path {self.record_dir};
            record_unique off;
        }}
    }}
}}
""")
        with open(self.folder / "nginx.stdout.log", "ab") as out:
            self.proc = subprocess.Popen([self.nginx, "-c", str(conf), "-p", str(self.folder), "-e", str(self.log_path)],
                                         stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                         preexec_fn=servers._die_with_parent, close_fds=True)
        deadline = time.monotonic() + timeout
        want = f"0100007F:{self.port:04X}"
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited with {self.proc.returncode}:\n{self.log_tail()}")
            with open("/proc/net/tcp") as f:
                if any(line.split()[1] == want and line.split()[3] == "0A" for line in list(f)[1:]):
                    return self
            if time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not listen on {self.port} within {timeout}s:\n{self.log_tail()}")
            time.sleep(0.02)

    def url(self, name: str) -> str:
        return f"rtmp://127.0.0.1:{self.port}/live/{name}"

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)

    def log_tail(self, lines: int = 30) -> str:
        text = ""
        for path in (self.log_path, self.folder / "nginx.stdout.log"):
            if path.exists():
                text += path.read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])


@pytest.fixture
def rtmp_server(fleet, tmp_path):
    nginx = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)
    module = _rtmp_module()
    if not nginx or not module:
        pytest.skip("nginx with the RTMP module is not installed (Debian: apt-get install nginx-light "
                    "libnginx-mod-rtmp; deployment/install-packages.sh does it)")
    server = RTMPServer(tmp_path / "nginx", nginx, module)
    fleet.extra_logs.append(("nginx", server.log_path))  # reported and kept when the test fails
    server.start()
    try:
        yield server
    finally:
        server.stop()


def ffprobe(path: Path) -> dict:
    done = subprocess.run(
        [os.environ.get("FFRTMP_FFPROBE", "/usr/bin/ffprobe"), "-v", "error", "-select_streams", "v:0",
         "-count_packets", "-show_entries", "stream=codec_name,width,height,nb_read_packets:format=duration,format_name",
         "-of", "json", str(path)], capture_output=True, text=True, timeout=20)
    assert done.returncode == 0, f"ffprobe {path}: {done.stderr}"
    return json.loads(done.stdout)


@run_async(timeout=50)
async def test_a_job_streams_to_rtmp_and_the_server_records_h264(fleet, rtmp_server):
    await asyncio.to_thread(fleet.agent, "node-a")
    watch = await Watch.open(fleet)
    try:
        url = rtmp_server.url("test")
        await watch.submit(short_job("rtmp-1", output={"type": "url", "url": url}))
        result = await watch.result("rtmp-1", timeout=30)
        assert_valid("result", result)
        assert result["status"] == "succeeded", (result, rtmp_server.log_tail())
        argv = result["ffmpeg"]["argv"]
        assert argv[-3:] == ["-f", "flv", url], argv
        assert "-re" in argv, "a stream output gets real-time pacing"
        assert result["timings"]["wall_s"] >= 1.5, result["timings"]  # 2 s of video, paced
        assert 58 <= result["ffmpeg"]["frames"] <= 62, result["ffmpeg"]

        recording = rtmp_server.record_dir / "test.flv"
        probe = None
        # nginx, another process, writes the recording and closes it when the publisher goes: give a
        # loaded machine time (each ffprobe takes a while too), bounded by the clock, not by tries.
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if recording.exists() and recording.stat().st_size > 0:
                probe = ffprobe(recording)
                if probe.get("streams") and int(probe["streams"][0].get("nb_read_packets", 0)) >= 58:
                    break
            await asyncio.sleep(0.1)
        assert probe is not None, f"nginx recorded nothing at {recording}; nginx log:\n{rtmp_server.log_tail()}"
        (stream,) = probe["streams"]
        assert (stream["codec_name"], stream["width"], stream["height"]) == ("h264", 320, 240), probe
        assert 58 <= int(stream["nb_read_packets"]) <= 62, probe
        assert 1.8 <= float(probe["format"]["duration"]) <= 2.3, probe
        assert "flv" in probe["format"]["format_name"], probe
    finally:
        await watch.close()
