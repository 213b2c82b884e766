"""deployment/FLEET.md as data, for test_fleet_guide.py: its numbered sections, the commands and
configuration files in their fenced blocks, and the systemd units' ExecStart lines, with the guide's
machines and paths moved onto one machine's loopback.

Moving onto loopback is a plain text substitution (``Loopback.apply``), the same for every command
and file, so what runs is the guide's text:

| in the guide | on loopback |
|---|---|
| `tls://broker.example.net:4222` | `tls://localhost:<free port>` |
| `broker.example.net`, `10.0.0.5` | `localhost`, `127.0.0.1` (the broker certificate's names) |
| `/etc/ffrtmp/tls/` | the workstation's `certs/` (each machine's copy of its own files) |
| `/etc/ffrtmp/certs/` (broker-mtls.conf) | the same `certs/` |
| `/etc/ffrtmp/`, `/var/lib/ffrtmp/` | `<test>/etc/`, `<test>/var/` |
| `127.0.0.1:8080` | `127.0.0.1:<free port>` (the master's HTTP) |
| `ffrtmp`, `/usr/local/bin/ffrtmp` at a command's start | the binary under test (FFRTMP_BIN) |

Relative paths (`./certs`, `certs/ca.pem`) resolve in the workstation folder, where every command runs.
Lines that install files or run systemd (`sudo …`, `systemctl`, `journalctl`) are what the test does
itself: write the configuration files, start the processes the units' ExecStart lines name.
"""

from __future__ import annotations

import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Interop"))

import interop_servers as servers  # noqa: E402

GUIDE = servers.REPO_ROOT / "deployment" / "FLEET.md"
UNITS = servers.REPO_ROOT / "deployment" / "systemd"


def sections(text: str | None = None) -> dict[int, list[str]]:
    """The fenced blocks of each numbered section (`## 3. Broker` is 3), in order."""
    text = GUIDE.read_text() if text is None else text
    found: dict[int, list[str]] = {}
    number = None
    block: list[str] | None = None
    for line in text.splitlines():
        if block is not None:
            if line.startswith("```"):
                if number is not None:
                    found.setdefault(number, []).append("\n".join(block) + "\n")
                block = None
            else:
                block.append(line)
        elif line.startswith("```"):
            block = []
        elif line.startswith("## "):
            heading = re.match(r"## (\d+)\.", line)
            number = int(heading.group(1)) if heading else None
    return found


def commands(section: int, program: str = "ffrtmp") -> list[list[str]]:
    """The `program …` lines of a section's blocks, split as a shell would (comments dropped)."""
    lines = []
    for block in sections().get(section, []):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if words and words[0] == program:
                lines.append(words)
    return lines


def config_block(section: int, first_key: str = "server:") -> str:
    """The section's block that is a configuration file (its first line starts with ``first_key``)."""
    for block in sections().get(section, []):
        if block.lstrip().startswith(first_key):
            return block
    raise AssertionError(f"FLEET.md section {section} has no block starting with {first_key!r}")


def exec_start(unit: str) -> list[str]:
    """The ExecStart command of deployment/systemd/<unit>.service (a one-line command)."""
    text = (UNITS / f"{unit}.service").read_text()
    found = re.search(r"^ExecStart=(.+)$", text, re.MULTILINE)
    assert found, f"{unit}.service has no ExecStart"
    return shlex.split(found.group(1))


@dataclass
class Loopback:
    """Where the guide's machines and folders are in the test (see the module's table)."""

    root: Path
    broker_port: int
    http_port: int

    @property
    def workstation(self) -> Path:
        return self.root / "workstation"

    @property
    def certs(self) -> Path:
        return self.workstation / "certs"

    @property
    def etc(self) -> Path:
        return self.root / "etc"

    @property
    def var(self) -> Path:
        return self.root / "var"

    def apply(self, text: str) -> str:
        for before, after in (
            ("tls://broker.example.net:4222", f"tls://localhost:{self.broker_port}"),
            ("broker.example.net", "localhost"),
            ("10.0.0.5", "127.0.0.1"),
            ("/etc/ffrtmp/tls/", f"{self.certs}/"),
            ("/etc/ffrtmp/certs/", f"{self.certs}/"),
            ("/etc/ffrtmp/", f"{self.etc}/"),
            ("/var/lib/ffrtmp/", f"{self.var}/"),
            ("127.0.0.1:8080", f"127.0.0.1:{self.http_port}"),
        ):
            text = text.replace(before, after)
        return text

    def command(self, words: list[str]) -> list[str]:
        """A guide or unit command with the substitutions, its program the binary under test."""
        moved = [self.apply(word) for word in words]
        if moved and moved[0] in ("ffrtmp", "/usr/local/bin/ffrtmp"):
            moved[0] = str(servers.ffrtmp_binary())
        return moved

    def environment(self, section: int) -> dict[str, str]:
        """The variables the section's `export A=… B=…` lines set, moved."""
        variables = {}
        for words in commands(section, program="export"):
            for assignment in words[1:]:
                name, _, value = assignment.partition("=")
                variables[name] = self.apply(value)
        return variables
