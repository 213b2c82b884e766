"""Helpers shared by the core-path and memory benchmarks: start nats-server and the ffrtmp broker on
free loopback ports, read a server's memory from /proc, sample it during a run, build the nats.go
bench. Not part of any test suite.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NATSGO_DIRECTORY = ROOT / ".build" / "natsgo"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.05)
    return False


class Server:
    """One server process on a free port: `name` is "nats" or "ffrtmp"."""

    def __init__(self, name: str, command: list[str], environment: dict[str, str] | None = None):
        self.name = name
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix=f"ffrtmp-bench-{name}-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            command + ["-a", "127.0.0.1", "-p", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, **(environment or {})})
        if not wait_for_port(self.port):
            self.stop()
            raise RuntimeError(f"{name} ({' '.join(command)}) did not start; log: {self.log.name}")

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def memory(self) -> tuple[int, int]:
        """(VmRSS, VmHWM) in bytes."""
        return memory_of(self.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        os.unlink(self.log.name)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used so far, in seconds."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_server(name: str, broker: str, nats_server: str, environment: dict[str, str] | None = None) -> Server:
    if name == "nats":
        return Server(name, [nats_server])
    return Server(name, [broker, "broker"], environment)


def memory_of(pid: int) -> tuple[int, int]:
    rss = hwm = 0
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) * 1024
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) * 1024
    return rss, hwm


class MemorySampler:
    """Reads a process's VmRSS every `interval` seconds on a thread; `peak` is the largest seen."""

    def __init__(self, pid: int, interval: float = 0.01):
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "MemorySampler":
        self._thread.start()
        return self

    def __exit__(self, *exception) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, memory_of(self.pid)[0])
                self.samples += 1
            except OSError:
                return
            self._stop.wait(self.interval)


def build_broker(broker: str) -> None:
    if not os.access(broker, os.X_OK):
        print(f"building {broker} (swift build -c release --product ffrtmp)", flush=True)
        subprocess.run(["swift", "build", "-c", "release", "--product", "ffrtmp"], cwd=ROOT, check=True)


def build_corebench() -> str:
    """Builds Tests/Bench/natsgo/corebench against Debian's nats.go and returns its path."""
    if shutil.which("go") is None:
        raise RuntimeError("needs Go and nats.go: apt-get install golang-go golang-github-nats-io-go-nats-dev")
    NATSGO_DIRECTORY.mkdir(parents=True, exist_ok=True)
    output = NATSGO_DIRECTORY / "corebench"
    environment = {**os.environ, "GO111MODULE": "off", "GOPATH": "/usr/share/gocode",
                   "GOCACHE": os.environ.get("GOCACHE", str(NATSGO_DIRECTORY / "cache"))}
    subprocess.run(["go", "build", "-o", str(output), "."], cwd=ROOT / "Tests" / "Bench" / "natsgo" / "corebench",
                   env=environment, check=True)
    return str(output)


def median(values: list[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def load_average() -> str:
    with open("/proc/loadavg") as file:
        return " ".join(file.read().split()[:3])
