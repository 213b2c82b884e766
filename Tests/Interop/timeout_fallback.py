"""Per-test timeouts when pytest-timeout is missing (CI installs it; pytest.ini sets timeout = 60):
a SIGALRM fallback that bounds each test the same way, so a hang cannot stall a run. Shared by
the Interop and EndToEnd conftests, which call these from their own hooks."""

from __future__ import annotations

import signal
from contextlib import contextmanager

import pytest


def have_pytest_timeout(pluginmanager) -> bool:
    return pluginmanager.has_plugin("timeout")


def add_ini(parser, pluginmanager) -> None:
    """Declares the `timeout` ini settings pytest-timeout would (for pytest_addoption)."""
    if not have_pytest_timeout(pluginmanager):
        parser.addini("timeout", "per-test timeout in seconds (fallback for pytest-timeout)", default="60")
        parser.addini("timeout_method", "ignored by the fallback", default="signal")


def register_marker(config) -> None:
    """Declares the `timeout(seconds)` marker pytest-timeout would (for pytest_configure)."""
    if not have_pytest_timeout(config.pluginmanager):
        config.addinivalue_line("markers", "timeout(seconds): per-test timeout")


def describe(config) -> str:
    return "pytest-timeout" if have_pytest_timeout(config.pluginmanager) else "SIGALRM fallback"


@contextmanager
def bounded(item):
    """Runs the test under a SIGALRM for its `timeout` marker or ini value, unless pytest-timeout does it."""
    if have_pytest_timeout(item.config.pluginmanager):
        yield
        return
    marker = item.get_closest_marker("timeout")
    seconds = int(float(marker.args[0])) if marker and marker.args else int(float(item.config.getini("timeout")))

    def on_alarm(signum, frame):
        pytest.fail(f"test exceeded {seconds}s (SIGALRM fallback timeout)", pytrace=False)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
