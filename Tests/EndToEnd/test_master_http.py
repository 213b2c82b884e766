"""The master's HTTP port under bad input, as an integration smoke over `ffrtmp up` (the HTTP
module's unit tests cover each limit in detail): oversized headers are 431, a head trickling in
(slowloris) is cut off after the header timeout (10 s), a POST is 405, a bad query parameter is
400 naming it; the master answers normally afterwards."""

from __future__ import annotations

import json
import socket
import threading
import time


def exchange(port: int, data: bytes, timeout: float = 5.0) -> bytes:
    """Sends ``data`` on a fresh connection and reads until the server closes it."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(data)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
        return received


def status_of(response: bytes) -> int:
    assert response.startswith(b"HTTP/1.1 "), response[:200]
    return int(response[9:12])


def body_of(response: bytes) -> dict:
    return json.loads(response.split(b"\r\n\r\n", 1)[1])


class Slowloris(threading.Thread):
    """Sends a request head one header line a second and never finishes it; records what the
    server answered and how long the connection lived."""

    def __init__(self, port: int):
        super().__init__(daemon=True)
        self.port = port
        self.answer = b""
        self.lived: float | None = None
        self.error: Exception | None = None

    def run(self):
        began = time.monotonic()
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=20) as connection:
                connection.sendall(b"GET /health HTTP/1.1\r\nHost: master\r\n")
                connection.settimeout(1.0)
                for line in range(25):
                    try:
                        chunk = connection.recv(4096)
                        self.answer += chunk
                        if not chunk:
                            break
                    except socket.timeout:
                        connection.sendall(f"X-Slow-{line}: 1\r\n".encode())
        except OSError as error:  # a reset after the 408 also ends it
            self.error = error
        self.lived = time.monotonic() - began


def test_bad_http_input_is_refused_and_the_master_keeps_answering(up):
    service = up("--no-agent")
    port = service.http_port
    slow = Slowloris(port)
    slow.start()

    huge = exchange(port, b"GET /health HTTP/1.1\r\nHost: master\r\nX-Huge: " + b"a" * 20000 + b"\r\n\r\n")
    assert status_of(huge) == 431, huge[:200]
    many = exchange(port, b"GET /health HTTP/1.1\r\nHost: master\r\n"
                    + b"".join(b"X-H%d: 1\r\n" % i for i in range(200)) + b"\r\n")
    assert status_of(many) == 431, many[:200]

    post = exchange(port, b"POST /api/jobs HTTP/1.1\r\nHost: master\r\nContent-Length: 2\r\n\r\n{}")
    assert status_of(post) == 405 and b"\r\nAllow: GET, HEAD" in post, post[:300]

    for path, parameter in (("/api/jobs?limit=abc", "limit"), ("/api/jobs?limit=5000", "limit"),
                            ("/api/results?since=-5", "since"), ("/api/results?offset=x", "offset")):
        status, headers, body = service.get(path)
        assert status == 400 and parameter in json.loads(body)["error"], (path, status, body)
    assert service.get("/api/nope")[0] == 404
    assert service.get("/api/jobs/..%2F..%2Fetc%2Fpasswd")[0] in (400, 404)

    slow.join(25)
    assert not slow.is_alive(), "a request head trickling in for 25 s was never cut off"
    assert slow.lived is not None and 9 <= slow.lived <= 15, f"cut off after {slow.lived} s (header timeout 10 s)"
    assert slow.answer == b"" or status_of(slow.answer) == 408, (slow.answer[:200], slow.error)

    assert service.alive and service.json("/health")["status"] == "ok"
