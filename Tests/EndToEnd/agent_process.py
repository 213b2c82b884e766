"""Starting, signalling and inspecting `ffrtmp agent` processes (and the ffmpeg they start) for the
end-to-end suite.

An agent gets its own folder: ``work/`` (job folders, where each ffmpeg runs), ``spool/`` (results
waiting for the broker) and ``agent.log``. Every ffmpeg an agent starts runs with its working
directory in a job folder under ``work/`` (``<work>/<job id>-XXXXXX``), in a process group of its
own, so ``ffmpeg_processes()`` finds them by their cwd, also after the agent itself died.

Agents die with the test process (PR_SET_PDEATHSIG) and ``kill_leftovers()`` kills every agent and
every ffmpeg still running in an agent's work folder, by pid.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Interop"))

import interop_servers as servers  # noqa: E402

_live: dict[int, "AgentProcess"] = {}


@dataclass
class FFmpegProcess:
    pid: int
    cwd: str
    argv: list[str]


def ffmpeg_processes(under: Path | str) -> list[FFmpegProcess]:
    """ffmpeg processes whose working directory is below ``under`` (an agent's work folder). A job
    folder removed while ffmpeg still runs reads as ``<path> (deleted)``, which still matches."""
    root = str(Path(under).resolve())
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                argv = [part.decode(errors="replace") for part in f.read().split(b"\0") if part]
            if not argv or os.path.basename(argv[0]) != "ffmpeg":
                continue
            cwd = os.readlink(f"/proc/{entry}/cwd")
            with open(f"/proc/{entry}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state == "Z":
            continue
        if cwd == root or cwd.startswith(root + "/"):
            found.append(FFmpegProcess(int(entry), cwd, argv))
    return found


def kill_ffmpeg(under: Path | str) -> list[FFmpegProcess]:
    """SIGKILLs every ffmpeg running below ``under`` (and its process group); returns them."""
    leftovers = ffmpeg_processes(under)
    for process in leftovers:
        for target in (lambda: os.killpg(process.pid, signal.SIGKILL), lambda: os.kill(process.pid, signal.SIGKILL)):
            try:
                target()
            except (ProcessLookupError, PermissionError):
                pass
    return leftovers


class AgentProcess:
    """One `ffrtmp agent` on ``server_url`` with its own work, spool and log under ``folder``."""

    def __init__(self, folder: Path, name: str, server_url: str, *extra: str, slots: int = 1,
                 heartbeat: str = "1s"):
        self.folder = Path(folder) / name
        self.name = name
        self.server_url = server_url
        self.work_dir = self.folder / "work"
        self.spool_dir = self.folder / "spool"
        self.log_path = self.folder / "agent.log"
        self.extra = list(extra)
        self.slots = slots
        self.heartbeat = heartbeat
        self.proc: subprocess.Popen | None = None
        self.folder.mkdir(parents=True, exist_ok=True)

    def command(self) -> list[str]:
        return [str(servers.ffrtmp_binary()), "agent", "-s", self.server_url, "-n", self.name,
                "-j", str(self.slots), "--work-dir", str(self.work_dir), "--spool-dir", str(self.spool_dir),
                "--ffmpeg", os.environ.get("FFRTMP_FFMPEG", "/usr/bin/ffmpeg"), "--nvidia-smi", "none",
                "--heartbeat", self.heartbeat, "-l", str(self.log_path), *self.extra]

    def start(self, wait_pulling: float | None = 20.0) -> "AgentProcess":
        """Starts the agent; with ``wait_pulling`` waits until it logged that it pulls jobs."""
        if self.proc is not None and self.proc.poll() is None:
            raise RuntimeError(f"agent {self.name} already running")
        cmd = self.command()
        self.proc = servers.spawn(cmd, self.folder / "agent.stdout.log")
        _live[self.proc.pid] = self
        if wait_pulling is not None:
            self.wait_for_log('msg="pulling jobs"', timeout=wait_pulling)
        return self

    # -- signals -------------------------------------------------------------------------
    def signal(self, number: int):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, number)
            except ProcessLookupError:
                pass

    def wait(self, timeout: float) -> int:
        """The exit status; raises subprocess.TimeoutExpired when still running after ``timeout``."""
        assert self.proc is not None
        status = self.proc.wait(timeout)
        _live.pop(self.proc.pid, None)
        return status

    def kill(self):
        """SIGKILL (the agent only; its ffmpeg children are in their own process groups)."""
        if self.proc is None:
            return
        self.signal(signal.SIGKILL)
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            pass
        _live.pop(self.proc.pid, None)

    # -- inspection ----------------------------------------------------------------------
    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 60) -> str:
        text = self.log_text()
        stdout = self.folder / "agent.stdout.log"
        if stdout.exists():
            text += stdout.read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:]) or "(no log)"

    def wait_for_log(self, needle: str, timeout: float = 20.0) -> str:
        """Waits until the log has a line containing ``needle``; returns that line."""
        deadline = time.monotonic() + timeout
        while True:
            for line in self.log_text().splitlines():
                if needle in line:
                    return line
            if self.proc is not None and self.proc.poll() is not None:
                raise AssertionError(f"agent {self.name} exited with {self.proc.returncode} before logging "
                                     f"{needle!r}; log tail:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"agent {self.name} did not log {needle!r} within {timeout}s; "
                                     f"log tail:\n{self.log_tail()}")
            time.sleep(0.05)

    def ffmpeg_processes(self) -> list[FFmpegProcess]:
        return ffmpeg_processes(self.work_dir)

    def spooled(self) -> list[Path]:
        return sorted(self.spool_dir.glob("*")) if self.spool_dir.exists() else []

    def __repr__(self):
        return f"<agent {self.name} pid={self.proc.pid if self.proc else None}>"


def kill_leftovers(agents=None) -> list[FFmpegProcess]:
    """Kills the given agents (default: every agent still known) and every ffmpeg in their work
    folders; returns the ffmpeg processes that were still running."""
    agents = list(_live.values()) if agents is None else list(agents)
    leftovers = []
    for agent in agents:
        agent.kill()
    for agent in agents:
        leftovers += kill_ffmpeg(agent.work_dir)
    return leftovers
