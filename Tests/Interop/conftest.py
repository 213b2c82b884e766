"""Fixtures for the interop suites.

* ``broker``         the server under test, default options. FFRTMP_UNDER_TEST=nats-server makes it
                     a real nats-server (options go through a generated config file), which is how
                     the suites themselves are validated.
* ``nats_server``    always the real nats-server 2.15 (the oracle for differential tests).
* ``server_factory`` ``start(kind="broker"|"nats-server", **options)``; the returned server has
                     ``restart()`` (same port), ``stop()``, ``kill()``, ``rss_bytes()``, ``fd_count()``.
                     ``jetstream=True`` (and optionally ``store_dir=PATH``) starts it with JetStream.
* ``js_broker``, ``js_nats_server``  the same two with JetStream on a per-test store directory.
* ``tls_certificates`` a CA, broker and client certificates made once per session by `ffrtmp certs`
                     (see interop_tls); servers get TLS through ``server_factory.start(config=...)``.

Every server is killed by pid in teardown, also when the test failed. Each server's stderr goes
to a file; for a failed test the files are copied to test-artifacts/interop/<test>/ and their
tails are attached to the failure report.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import interop_servers as servers  # noqa: E402
import timeout_fallback  # noqa: E402
import interop_tls  # noqa: E402

ARTIFACTS = Path(os.environ.get("FFRTMP_TEST_ARTIFACTS", servers.REPO_ROOT / "test-artifacts" / "interop"))

def pytest_addoption(parser, pluginmanager):
    timeout_fallback.add_ini(parser, pluginmanager)


def pytest_configure(config):
    timeout_fallback.register_marker(config)


def pytest_report_header(config):
    flavor = servers.under_test()
    target = f"ffrtmp ({servers.ffrtmp_binary()})" if flavor == "ffrtmp" else "nats-server (FFRTMP_UNDER_TEST)"
    return [f"interop: broker under test = {target}",
            f"interop: oracle = {servers.nats_server_binary()} {servers.nats_server_version()}",
            "interop: per-test timeout via "
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
    if report.failed and report.when in ("setup", "call"):
        for server in getattr(item, "_interop_servers", []):
            report.sections.append((f"{server.flavor} {server.name} stderr ({server.log_path})",
                                    server.log_tail(60)))


def pytest_sessionfinish(session, exitstatus):
    servers.kill_leftovers()


class ServerFactory:
    def __init__(self, request, workdir: Path):
        self.request = request
        self.workdir = workdir
        self.started: list[servers.ServerProcess] = []
        request.node._interop_servers = self.started

    @staticmethod
    def flavor(kind: str) -> str:
        """The server a kind starts: "ffrtmp" or "nats-server"."""
        if kind == "broker":
            return servers.under_test()
        if kind in ("nats-server", "nats_server", "oracle"):
            return "nats-server"
        raise ValueError(kind)

    def start(self, kind: str = "broker", config: str | None = None, **options) -> servers.ServerProcess:
        """kind "broker" = the server under test; "nats-server" = the oracle. ``config``: extra
        configuration text (see interop_servers)."""
        flavor = self.flavor(kind)
        name = f"{'broker' if kind == 'broker' else 'nats'}{len(self.started)}"
        server = servers.ServerProcess(flavor, self.workdir, name, options, config=config)
        self.started.append(server)
        try:
            server.start()
        except FileNotFoundError as exc:
            pytest.fail(str(exc), pytrace=False)
        return server

    def teardown(self):
        for server in self.started:
            server.kill()
        node = self.request.node
        failed = any(getattr(getattr(node, f"rep_{w}", None), "failed", False) for w in ("setup", "call"))
        if failed and self.started:
            dest = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", node.nodeid)[-150:]
            dest.mkdir(parents=True, exist_ok=True)
            for server in self.started:
                for path in (server.log_path, server.workdir / f"{server.name}.conf"):
                    if path.exists():
                        shutil.copy(path, dest / path.name)


@pytest.fixture
def server_factory(request, tmp_path):
    factory = ServerFactory(request, tmp_path / "servers")
    yield factory
    factory.teardown()


@pytest.fixture
def broker(server_factory):
    return server_factory.start("broker")


@pytest.fixture
def nats_server(server_factory):
    return server_factory.start("nats-server")


@pytest.fixture
def js_broker(server_factory):
    return server_factory.start("broker", jetstream=True)


@pytest.fixture
def js_nats_server(server_factory):
    return server_factory.start("nats-server", jetstream=True)


@pytest.fixture(scope="session")
def tls_certificates(tmp_path_factory):
    try:
        return interop_tls.make_certificates(tmp_path_factory.mktemp("tls"))
    except (OSError, RuntimeError) as exc:
        pytest.fail(f"could not make certificates with ffrtmp certs: {exc}", pytrace=False)
