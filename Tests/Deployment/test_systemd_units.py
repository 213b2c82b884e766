"""The systemd units under deployment/systemd: systemd-analyze accepts them, the agent unit puts
itself in a leaf cgroup before the agent starts, the broker's descriptor limit fits its config."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
UNITS = sorted((REPO / "deployment" / "systemd").glob("*.service"))


def unit_lines(path: Path) -> dict[str, list[str]]:
    """Key -> values, continuation lines (trailing backslash) joined, comments dropped."""
    values: dict[str, list[str]] = {}
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith(("#", ";", "["))):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        key, _, value = line.partition("=")
        values.setdefault(key.strip(), []).append(value.strip())
    return values


def fake_binary(folder: Path, name: str, body: str = "exit 0") -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def test_there_are_three_units():
    assert [unit.name for unit in UNITS] == [
        "ffrtmp-agent.service", "ffrtmp-broker.service", "ffrtmp-master.service"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                    reason="systemd-analyze is absent (Debian package systemd)")
@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_each_unit_passes_systemd_analyze_verify(unit: Path, tmp_path: Path):
    # verify also checks that ExecStart's binary exists: point it at stand-ins in the test folder.
    text = unit.read_text()
    for name in ("ffrtmp-agent", "ffrtmp"):
        text = text.replace(f"/usr/local/bin/{name} ", f"{fake_binary(tmp_path, name)} ")
    copy = tmp_path / unit.name
    copy.write_text(text)
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", str(copy)],
                            capture_output=True, text=True, timeout=60)
    output = (result.stdout + result.stderr).strip()
    if result.returncode != 0 and re.search(r"(Failed to (connect|initialize)|No such file or directory.*bus)",
                                            output):
        pytest.skip(f"systemd-analyze cannot run here: {output[:200]}")
    assert result.returncode == 0 and output == "", output


def test_agent_unit_starts_where_the_media_folder_is_missing():
    paths = unit_lines(REPO / "deployment/systemd/ffrtmp-agent.service")["ReadOnlyPaths"]
    assert paths and all(path.startswith("-") for path in paths), paths


def test_agent_unit_needs_no_systemd_newer_than_debian_12():
    keys = unit_lines(REPO / "deployment/systemd/ffrtmp-agent.service")
    assert "DelegateSubgroup" not in keys  # systemd >= 254; Debian 12 has 252
    assert keys["Delegate"] == ["yes"]


def test_agent_unit_moves_into_a_leaf_cgroup_and_hands_the_agent_a_jobs_parent(tmp_path: Path):
    (command,) = unit_lines(REPO / "deployment/systemd/ffrtmp-agent.service")["ExecStart"]
    command = command.replace("$$", "$")  # systemd's escape for a literal $
    assert command.startswith("/bin/sh -c '") and command.endswith("'")
    script = command[len("/bin/sh -c '"):-1]
    cgroup = tmp_path / "cgroup"
    service = cgroup / "system.slice" / "ffrtmp-agent.service"
    service.mkdir(parents=True)
    (service / "cgroup.subtree_control").write_text("")
    proc_self = tmp_path / "proc-self-cgroup"
    proc_self.write_text("0::/system.slice/ffrtmp-agent.service\n")
    arguments = tmp_path / "arguments"
    agent = fake_binary(tmp_path, "ffrtmp-agent", f'printf "%s\\n" "$@" > {arguments}')
    script = (script.replace("/sys/fs/cgroup", str(cgroup)).replace("/proc/self/cgroup", str(proc_self))
              .replace("/usr/local/bin/ffrtmp-agent", str(agent)))
    result = subprocess.run(["/bin/sh", "-c", script], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert (service / "agent" / "cgroup.procs").read_text().strip() == "0"
    assert (service / "cgroup.subtree_control").read_text().split() == ["+cpu", "+memory"]
    assert (service / "jobs").is_dir()
    given = arguments.read_text().splitlines()
    assert given[given.index("--cgroup-parent") + 1] == "system.slice/ffrtmp-agent.service/jobs"
    assert given[:2] == ["-c", "/etc/ffrtmp/agent.conf"]


def test_broker_descriptor_limit_covers_max_connections():
    (limit,) = unit_lines(REPO / "deployment/systemd/ffrtmp-broker.service")["LimitNOFILE"]
    config = (REPO / "broker" / "broker.conf").read_text()
    connections = int(re.search(r"^max_connections:\s*(\d+)", config, re.M).group(1))
    assert int(limit) >= connections + 1024


def test_broker_unit_reload_sends_sighup():
    # The broker reloads on SIGHUP (Tests/EndToEnd/test_broker_reload.py proves what it reloads).
    (reload,) = unit_lines(REPO / "deployment/systemd/ffrtmp-broker.service")["ExecReload"]
    assert reload == "/bin/kill -HUP $MAINPID"
