"""Fixtures for the agent end-to-end suite.

* ``fleet``  an `ffrtmp broker -js` on a free loopback port with ffrtmp's streams declared by
             `ffrtmp setup`; ``fleet.agent(name, *flags)`` starts an `ffrtmp agent` on it (own
             work, spool and log folders; waits until it pulls), ``fleet.master()`` an `ffrtmp
             master`. See e2e_fleet.py. Parametrized indirectly with "nats-server", the broker is
             the real nats-server with JetStream.
* ``up``     ``up(*flags)`` starts `ffrtmp up` (broker, streams, master and an agent in one
             process) with its state in the test's folder and waits until its HTTP answers. See
             e2e_master.py.

Teardown, also for a failed test: every agent and master is killed by pid, then every ffmpeg
still running in an agent's work folder (found by its cwd), then the broker. A failed test gets
the log tails in its report and the whole logs under test-artifacts/e2e/<test>/.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "Interop"))

import agent_process  # noqa: E402
import e2e_master  # noqa: E402
import interop_servers as servers  # noqa: E402
import timeout_fallback  # noqa: E402
from e2e_fleet import Fleet  # noqa: E402

ARTIFACTS = Path(os.environ.get("FFRTMP_E2E_ARTIFACTS", servers.REPO_ROOT / "test-artifacts" / "e2e"))


def pytest_addoption(parser, pluginmanager):
    timeout_fallback.add_ini(parser, pluginmanager)


def pytest_report_header(config):
    ffmpeg = os.environ.get("FFRTMP_FFMPEG", "/usr/bin/ffmpeg")
    return [f"e2e: ffrtmp = {servers.ffrtmp_binary()}, ffmpeg = {ffmpeg}",
            "e2e: per-test timeout via "
            + timeout_fallback.describe(config)]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    with timeout_fallback.bounded(item):
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)
    if not (report.failed and report.when in ("setup", "call")):
        return
    fleet = getattr(item, "_e2e_fleet", None)
    if fleet is not None:
        for agent in fleet.agents:
            report.sections.append((f"agent {agent.name} log ({agent.log_path})", agent.log_tail(60)))
        report.sections.append((f"broker log ({fleet.broker.log_path})", fleet.broker.log_tail(40)))
        for name, path in fleet.extra_logs:
            if path.exists():
                tail = "\n".join(path.read_text(errors="replace").splitlines()[-30:])
                report.sections.append((f"{name} log ({path})", tail))
    for master in _masters(item):
        report.sections.append((f"{master.name} log ({master.log_path})", master.log_tail(60)))


def pytest_sessionfinish(session, exitstatus):
    e2e_master.kill_leftovers()
    agent_process.kill_leftovers()
    servers.kill_leftovers()


def _failed(node) -> bool:
    return any(getattr(getattr(node, f"rep_{when}", None), "failed", False) for when in ("setup", "call"))


def _masters(node) -> list:
    fleet = getattr(node, "_e2e_fleet", None)
    return list(getattr(node, "_e2e_up", [])) + (fleet.masters if fleet is not None else [])


def _require_binary():
    if not servers.ffrtmp_binary().exists():
        pytest.fail(f"ffrtmp binary not found at {servers.ffrtmp_binary()}: run "
                    "`swift build -c release --product ffrtmp` or set FFRTMP_BIN", pytrace=False)


def _artifacts(node) -> Path:
    dest = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", node.nodeid)[-150:]
    dest.mkdir(parents=True, exist_ok=True)
    return dest


def _save_master_logs(node, dest: Path):
    for master in _masters(node):
        for path in master.log_files():
            shutil.copy(path, dest / path.name)


@pytest.fixture
def fleet(request, tmp_path):
    _require_binary()
    fleet = Fleet(tmp_path, flavor=getattr(request, "param", "ffrtmp"))
    request.node._e2e_fleet = fleet
    try:
        yield fleet.start()
    finally:
        e2e_master.kill_leftovers(fleet.masters)
        leftovers = agent_process.kill_leftovers(fleet.agents)
        fleet.broker.kill()
        if _failed(request.node):
            dest = _artifacts(request.node)
            if fleet.broker.log_path.exists():
                shutil.copy(fleet.broker.log_path, dest / "broker.log")
            for agent in fleet.agents:
                for path in agent.folder.glob("*.log"):
                    shutil.copy(path, dest / f"{agent.name}.{path.name}")
            for name, path in fleet.extra_logs:
                if path.exists():
                    shutil.copy(path, dest / f"{name}.{path.name}")
            _save_master_logs(request.node, dest)
            if leftovers:
                (dest / "ffmpeg-leftovers.txt").write_text(
                    "\n".join(f"{p.pid} cwd={p.cwd} argv={' '.join(p.argv)}" for p in leftovers) + "\n")


@pytest.fixture
def up(request, tmp_path):
    """``up(*flags)``: a started `ffrtmp up` (e2e_master.MasterProcess with ``.broker_url``)."""
    _require_binary()
    started: list = []
    request.node._e2e_up = started

    def start(*flags: str):
        process = e2e_master.up_process(tmp_path, *flags, name=f"up{len(started) + 1}")
        started.append(process)
        return process.start()

    try:
        yield start
    finally:
        e2e_master.kill_leftovers(started)
        for process in started:
            agent_process.kill_ffmpeg(process.folder)
        if _failed(request.node):
            _save_master_logs(request.node, _artifacts(request.node))
