"""The master in the end-to-end suite: an `ffrtmp master` or `ffrtmp up` process that serves the
master's HTTP on a fixed loopback port (so a restart comes back on the same one), and reads of
its JSON API and Prometheus /metrics.

``up_process(folder, *flags)`` builds `ffrtmp up` (broker, streams, master, agent in one
process); ``master_process(folder, url)`` builds `ffrtmp master` on a broker started elsewhere.
Both die with the test process (PR_SET_PDEATHSIG); ``kill_leftovers()`` kills what is left.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Interop"))

import interop_servers as servers  # noqa: E402

FFMPEG = os.environ.get("FFRTMP_FFMPEG", "/usr/bin/ffmpeg")
_live: dict[int, "MasterProcess"] = {}


class MasterProcess:
    """One ffrtmp process serving the master's HTTP on 127.0.0.1:``http_port``; its log (``-l``)
    and standard output land in ``folder``."""

    def __init__(self, folder: Path, name: str, arguments: list[str]):
        self.folder = Path(folder) / name
        self.folder.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.http_port = servers.free_port()
        self.log_path = self.folder / f"{name}.log"
        self.stdout_path = self.folder / f"{name}.stdout.log"
        self.command = [str(servers.ffrtmp_binary()), *arguments,
                        "--http", f"127.0.0.1:{self.http_port}", "-l", str(self.log_path)]
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 20.0) -> "MasterProcess":
        """Starts the process and waits until /health answers 200."""
        self.proc = servers.spawn(self.command, self.stdout_path)
        _live[self.proc.pid] = self
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.name} exited with {self.proc.returncode}; log:\n{self.log_tail()}")
            try:
                if self.get("/health", timeout=1)[0] == 200:
                    return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name} did not answer /health within {timeout}s; log:\n{self.log_tail()}")
            time.sleep(0.05)

    def kill(self):
        """SIGKILL, by pid."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)
        _live.pop(self.proc.pid, None)

    # -- HTTP ------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def get(self, path: str, timeout: float = 5.0) -> tuple[int, dict, bytes]:
        """(status, headers with lower-case names, body) of one GET on a fresh connection."""
        connection = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=timeout)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def json(self, path: str) -> dict:
        status, headers, body = self.get(path)
        assert status == 200, f"GET {path}: {status} {body[:300]!r}"
        assert headers.get("content-type", "").startswith("application/json"), headers
        return json.loads(body)

    def wait_json(self, path: str, check, timeout: float, describe: str):
        """Polls GET ``path`` until ``check(document)`` is truthy; returns that value."""
        deadline = time.monotonic() + timeout
        while True:
            document = self.json(path)
            value = check(document)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for {describe}; last {path}: "
                                     f"{json.dumps(document)[:2000]}")
            time.sleep(0.2)

    def metrics(self) -> dict[str, list]:
        """/metrics parsed by prometheus_client (a parse error fails): samples by sample name."""
        from prometheus_client.parser import text_string_to_metric_families

        status, headers, body = self.get("/metrics")
        assert status == 200, (status, body[:300])
        assert headers.get("content-type", "").startswith("text/plain; version=0.0.4"), headers
        samples: dict[str, list] = {}
        for family in text_string_to_metric_families(body.decode()):
            for sample in family.samples:
                samples.setdefault(sample.name, []).append(sample)
        return samples

    # -- inspection ------------------------------------------------------------------------
    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_files(self) -> list[Path]:
        return [path for path in (self.log_path, self.stdout_path) if path.exists()]

    def log_tail(self, lines: int = 40) -> str:
        text = "".join(path.read_text(errors="replace") for path in self.log_files())
        return "\n".join(text.splitlines()[-lines:]) or "(no log)"

    def __repr__(self):
        return f"<{self.name} http={self.http_port} pid={self.proc.pid if self.proc else None}>"


def up_process(folder: Path, *flags: str, name: str = "up") -> MasterProcess:
    """`ffrtmp up` with its state in ``folder``, the broker on a free port (``.broker_url``)."""
    broker_port = servers.free_port()
    process = MasterProcess(folder, name, ["up", "--state-dir", str(Path(folder) / name / "state"),
                                           "-p", str(broker_port), "--ffmpeg", FFMPEG, *flags])
    process.broker_url = f"nats://127.0.0.1:{broker_port}"
    return process


def master_process(folder: Path, server_url: str, name: str = "master") -> MasterProcess:
    """`ffrtmp master` on ``server_url``, its SQLite database in its folder (kept across restarts)."""
    database = Path(folder) / name / "master.db"
    return MasterProcess(folder, name, ["master", "-s", server_url, "--db", str(database), "--heartbeat", "1s"])


def publish_with_cli(broker_url: str, subject: str, message: dict, msg_id: str):
    """`ffrtmp pub -s URL --msg-id ID SUBJECT '<message>'` into the stream that captures SUBJECT."""
    done = subprocess.run([str(servers.ffrtmp_binary()), "pub", "-s", broker_url, "--msg-id", msg_id,
                           subject, json.dumps(message)], capture_output=True, text=True, timeout=20,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, f"ffrtmp pub exited {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert "Published to stream" in done.stdout, done.stdout


def succeeded_event_stored(detail: dict):
    """A check for `wait_json` on /api/jobs/<id>: the document once its events end with `succeeded`."""
    events = detail.get("events") or []
    return detail if events and events[-1]["state"] == "succeeded" else None


def submit_with_cli(broker_url: str, job: dict):
    """A job on job.cpu with `ffrtmp pub`, its id as Nats-Msg-Id, as a user would submit it."""
    publish_with_cli(broker_url, "job.cpu", job, job["id"])


def kill_leftovers(processes=None):
    for process in list(_live.values()) if processes is None else list(processes):
        process.kill()
