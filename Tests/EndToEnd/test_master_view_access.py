"""The master's web view protected as docs/operations.md says: with `--http-token-file` every path
but /health wants the bearer token (header, or `?token=` once, which sets the cookie the dashboard's
event stream then carries); and the nginx example from that page, run as written on loopback
(certificate paths and ports swapped in), puts HTTPS and a basic-auth login in front of a view that
stays on 127.0.0.1."""

from __future__ import annotations

import base64
import http.client
import os
import re
import shutil
import ssl
import subprocess
import time
from pathlib import Path

import pytest

import interop_servers as servers

TOKEN = "e2e-view-token-0123456789"
REPO = Path(__file__).resolve().parents[2]


def _get(port: int, path: str, headers: dict | None = None, context: ssl.SSLContext | None = None,
         read: int | None = None) -> tuple[int, dict, bytes]:
    if context is None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    else:
        connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=5, context=context)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read(read) if read else response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


def test_a_token_protects_every_path_but_health_and_its_cookie_opens_the_event_stream(up, tmp_path):
    token_file = tmp_path / "http.token"
    token_file.write_text(TOKEN + "\n")
    token_file.chmod(0o600)
    service = up("--no-agent", "--http-token-file", str(token_file))
    port = service.http_port

    for path in ("/", "/api/nodes", "/metrics", "/events"):
        status, headers, _ = _get(port, path)
        assert status == 401 and headers["www-authenticate"].startswith("Bearer"), (path, status, headers)
    status, _, _ = _get(port, "/api/nodes", {"Authorization": "Bearer wrong-token-0123456789"})
    assert status == 401
    assert _get(port, "/health")[0] == 200
    status, _, body = _get(port, "/api/nodes", {"Authorization": f"Bearer {TOKEN}"})
    assert status == 200 and b'"nodes"' in body, (status, body)

    status, headers, body = _get(port, f"/?token={TOKEN}")
    assert status == 200 and b"EventSource" in body, status
    cookie = headers["set-cookie"].split(";")[0]
    assert cookie == f"ffrtmp_token={TOKEN}" and "HttpOnly" in headers["set-cookie"], headers["set-cookie"]
    status, headers, first = _get(port, "/events", {"Cookie": cookie}, read=64)
    assert status == 200 and headers["content-type"] == "text/event-stream", (status, headers)
    assert first.startswith(b"event: "), first

    listed = subprocess.run([str(servers.ffrtmp_binary()), "nodes", "--master", service.base_url,
                             "--master-token-file", str(token_file), "--json"],
                            capture_output=True, text=True, timeout=30)
    assert listed.returncode == 0 and '"nodes"' in listed.stdout, listed


def _nginx_example(tmp_path: Path, listen: int, upstream: int, certificate: Path, key: Path,
                   passwords: Path) -> Path:
    """docs/operations.md's nginx block, with this test's paths and ports, in a whole nginx.conf."""
    text = (REPO / "docs" / "operations.md").read_text()
    block = re.search(r"```nginx\n(.*?)```", text, re.S).group(1)
    block = (block.replace("listen 443 ssl", f"listen 127.0.0.1:{listen} ssl")
             .replace("127.0.0.1:8080", f"127.0.0.1:{upstream}")
             .replace("/etc/ffrtmp/master-web.pem", str(certificate))
             .replace("/etc/ffrtmp/master-web-key.pem", str(key))
             .replace("/etc/nginx/ffrtmp.htpasswd", str(passwords)))
    prefix = tmp_path / "nginx"
    (prefix / "logs").mkdir(parents=True, exist_ok=True)
    configuration = prefix / "nginx.conf"
    # Workers read the password file at request time; as root they would drop to a user that cannot
    # read this test's private folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    configuration.write_text(
        f"{user}daemon off;\npid {prefix}/nginx.pid;\nerror_log {prefix}/logs/error.log;\nevents {{}}\n"
        f"http {{\n access_log off;\n client_body_temp_path {prefix}/body;\n proxy_temp_path {prefix}/proxy;\n"
        f"{block}}}\n")
    return configuration


def test_the_documented_nginx_proxy_adds_https_and_a_login_in_front_of_the_view(up, tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.skip("nginx is not installed")
    ffrtmp = str(servers.ffrtmp_binary())
    certs = tmp_path / "certs"
    subprocess.run([ffrtmp, "certs", "init", "--dir", str(certs), "--name", "e2e CA", "--days", "2"],
                   check=True, capture_output=True, timeout=30)
    subprocess.run([ffrtmp, "certs", "issue", "--dir", str(certs), "--role", "broker", "--name", "master-web",
                    "--ip", "127.0.0.1", "--days", "2"], check=True, capture_output=True, timeout=30)
    passwords = tmp_path / "htpasswd"
    hashed = subprocess.run(["openssl", "passwd", "-apr1", "secret"], check=True, capture_output=True,
                            text=True).stdout.strip()
    passwords.write_text(f"alice:{hashed}\n")

    service = up("--no-agent")
    listen = servers.free_port()
    configuration = _nginx_example(tmp_path, listen, service.http_port, certs / "master-web.pem",
                                   certs / "master-web-key.pem", passwords)
    proxy = subprocess.Popen([nginx, "-p", str(configuration.parent), "-c", str(configuration)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        context = ssl.create_default_context(cafile=str(certs / "ca.pem"))
        deadline = time.monotonic() + 10
        while True:
            try:
                health = _get(listen, "/health", context=context)
                break
            except OSError:
                if proxy.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"nginx did not start: {proxy.stderr.read().decode()}")
                time.sleep(0.1)
        assert health[0] == 200, health
        assert _get(listen, "/api/nodes", context=context)[0] == 401
        login = {"Authorization": "Basic " + base64.b64encode(b"alice:secret").decode()}
        status, _, body = _get(listen, "/api/nodes", login, context=context)
        assert status == 200 and b'"nodes"' in body, (status, body)
        status, headers, first = _get(listen, "/events", login, context=context, read=64)
        assert status == 200 and headers["content-type"] == "text/event-stream", (status, headers)
        assert first.startswith(b"event: "), first
    finally:
        proxy.terminate()
        proxy.wait(10)


def test_a_browser_that_opens_the_page_with_the_token_once_gets_the_live_dashboard(up, tmp_path):
    from cdp_browser import Browser, chromium_binary

    if chromium_binary() is None:
        pytest.skip("no chromium: `apt-get install chromium` or set FFRTMP_CHROMIUM")
    token_file = tmp_path / "http.token"
    token_file.write_text(TOKEN + "\n")
    service = up("--no-agent", "--http-token-file", str(token_file))
    browser = Browser(tmp_path / "browser")
    try:
        browser.start()
        browser.open(f"{service.base_url}/?token={TOKEN}")
        # The event stream and the API calls carry the cookie the first answer set.
        browser.wait_for("(document.querySelector('#conn')?.textContent ?? '') === 'live'", 10,
                         "the event stream to be live")
        browser.wait_for("document.cookie === ''", 5, "the token cookie to be HttpOnly (invisible to scripts)")
        time.sleep(0.5)
        browser.evaluate("1")  # takes in what the page logged meanwhile
        assert not browser.errors, "the page logged errors:\n" + "\n".join(browser.errors)
    finally:
        browser.close()
