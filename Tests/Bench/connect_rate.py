#!/usr/bin/env python3
"""Connections per second a NATS server accepts: each one is TCP connect, INFO, the TLS handshake
(when --tlsca is given; with --tlscert/--tlskey a client certificate too), CONNECT + PING, the
server's PONG (so the server has verified and accepted the client), and close.

With --resume each client process keeps the TLS session of its previous connection and offers it
on the next (Python's ssl `session=`), as a reconnecting client does: a server that issues TLS 1.3
session tickets resumes it without the certificate exchange; `resumed` counts the connections it did.

Prints one JSON line: connections, seconds, handshakes_per_sec, p50_us, p99_us, resumed (with
--resume) and, with --server-pid, server_cpu_us (the server's user + system CPU time per connection,
from /proc: what a connection costs the server, whatever the client's own speed).

Usage: connect_rate.py -s nats://127.0.0.1:4222 [--tlsca CA --tlscert CERT --tlskey KEY] [--resume]
                       [--count 4000] [--workers 2] [--server-pid PID]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import socket
import ssl
import time
from urllib.parse import urlparse

from bench_servers import cpu_seconds

GREETING = b'CONNECT {"verbose":false,"pedantic":false}\r\nPING\r\n'


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-s", "--server", default="nats://127.0.0.1:4222")
    parser.add_argument("--tlsca")
    parser.add_argument("--tlscert")
    parser.add_argument("--tlskey")
    parser.add_argument("--count", type=int, default=4000, help="connections in all")
    parser.add_argument("--workers", type=int, default=2, help="client processes connecting at once")
    parser.add_argument("--server-pid", type=int, help="report the server's CPU time per connection")
    parser.add_argument("--resume", action="store_true", help="offer the previous connection's TLS session")
    return parser.parse_args()


def tls_context(arguments) -> ssl.SSLContext | None:
    if not arguments.tlsca:
        return None
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=arguments.tlsca)
    if arguments.tlscert:
        context.load_cert_chain(arguments.tlscert, arguments.tlskey)
    return context


def read_until(sock, marker: bytes) -> None:
    data = b""
    while marker not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError(f"server closed the connection before {marker!r}; got {data[:200]!r}")
        data += chunk


def connect_once(host: str, port: int, context: ssl.SSLContext | None, session=None):
    """One connection; returns its TLS session (to offer next time) and whether it resumed one."""
    with socket.create_connection((host, port), timeout=10) as plain:
        plain.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        read_until(plain, b"\r\n")
        if context is None:
            plain.sendall(GREETING)
            read_until(plain, b"PONG\r\n")
            return None, False
        with context.wrap_socket(plain, server_hostname=host, session=session) as secure:
            secure.sendall(GREETING)
            read_until(secure, b"PONG\r\n")  # A TLS 1.3 ticket arrives before it.
            return secure.session, secure.session_reused


def worker(job) -> tuple[list[int], int]:
    """Connects ``count`` times one after another; the latency of each in nanoseconds, and how many
    resumed a session. With --resume the first, untimed connection gets the first session."""
    host, port, count, arguments = job
    context = tls_context(arguments)
    session = connect_once(host, port, context)[0] if arguments.resume and context else None
    latencies, resumed = [], 0
    for _ in range(count):
        started = time.perf_counter_ns()
        latest, reused = connect_once(host, port, context, session)
        latencies.append(time.perf_counter_ns() - started)
        resumed += reused
        if arguments.resume and latest is not None:
            session = latest
    return latencies, resumed


def main() -> None:
    arguments = parse_arguments()
    url = urlparse(arguments.server if "://" in arguments.server else f"nats://{arguments.server}")
    host, port = url.hostname or "127.0.0.1", url.port or 4222
    workers = max(1, arguments.workers)
    share = max(1, arguments.count // workers)
    connect_once(host, port, tls_context(arguments))  # fail fast, before timing
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pool.map(worker, [(host, port, 20, arguments)] * workers)  # warm-up
        cpu_before = cpu_seconds(arguments.server_pid) if arguments.server_pid else 0.0
        started = time.perf_counter()
        results = pool.map(worker, [(host, port, share, arguments)] * workers)
        seconds = time.perf_counter() - started
        cpu_after = cpu_seconds(arguments.server_pid) if arguments.server_pid else 0.0
    latencies = sorted(value for result, _ in results for value in result)
    total = len(latencies)
    report = {
        "mode": "resume" if arguments.resume else "handshake", "server": arguments.server,
        "tls": arguments.tlsca is not None, "resumed": sum(resumed for _, resumed in results),
        "workers": workers, "connections": total, "seconds": round(seconds, 4),
        "handshakes_per_sec": round(total / seconds, 1),
        "p50_us": round(latencies[total // 2] / 1000, 1),
        "p99_us": round(latencies[min(total - 1, total * 99 // 100)] / 1000, 1),
    }
    if arguments.server_pid:
        report["server_cpu_us"] = round((cpu_after - cpu_before) / total * 1e6, 1)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
