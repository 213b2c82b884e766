#!/usr/bin/env python3
"""Memory of nats-server and the ffrtmp broker, measured side by side: RSS idle, per connection (1,000
clients that sent CONNECT and got PONG), per subscription (10,000 SUBs on one connection), and the
peak during a 1 M-message 128-byte pub→sub run with nats.go (Tests/Bench/natsgo/corebench), whose
throughput is printed next to it. Each round starts fresh processes of each server (one for the
clients and subscriptions, one for the run), alternating which
goes first; VmRSS is sampled every 10 ms from /proc and VmHWM read at the end. Prints a markdown table
of the medians. Not part of any test suite.

Usage: Tests/Bench/memory.py [--rounds 3] [--messages 1000000] [--connections 1000]
                             [--subscriptions 10000] [--broker .build/release/ffrtmp]
Environment for the broker (e.g. MALLOC_ARENA_MAX=8) can be passed with --broker-env NAME=VALUE.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import time

from bench_servers import (MemorySampler, build_broker, build_corebench, load_average, median, start_server)

GREETING = b'CONNECT {"verbose":false,"pedantic":false}\r\nPING\r\n'
SETTLE_SECONDS = 0.5


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--broker", default=".build/release/ffrtmp")
    parser.add_argument("--broker-env", action="append", default=[], help="NAME=VALUE for the broker")
    parser.add_argument("--nats-server", default="nats-server")
    parser.add_argument("--servers", default="nats ffrtmp")
    return parser.parse_args()


def read_until_pong(connection: socket.socket) -> None:
    data = b""
    while b"PONG\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            raise ConnectionError(f"server closed the connection; got {data[:200]!r}")
        data = data[-8:] + chunk


def open_clients(port: int, count: int) -> list[socket.socket]:
    clients = []
    for _ in range(count):
        client = socket.create_connection(("127.0.0.1", port), timeout=20)
        client.sendall(GREETING)
        clients.append(client)
    for client in clients:
        read_until_pong(client)
    return clients


def subscribe_many(port: int, count: int) -> socket.socket:
    client = open_clients(port, 1)[0]
    lines = b"".join(b"SUB bench.memory.%d %d\r\n" % (number, number) for number in range(count))
    client.sendall(lines + b"PING\r\n")
    read_until_pong(client)
    return client


def settled_rss(server) -> int:
    time.sleep(SETTLE_SECONDS)
    return server.memory()[0]


def measure(name: str, arguments, corebench: str, environment: dict[str, str]) -> dict[str, float]:
    server = start_server(name, arguments.broker, arguments.nats_server, environment)
    try:
        idle = settled_rss(server)
        # Subscriptions first: a garbage-collected server keeps closed clients' memory for a while.
        subscriber = subscribe_many(server.port, arguments.subscriptions)
        with_subscriptions = settled_rss(server)
        clients = open_clients(server.port, arguments.connections)
        with_clients = settled_rss(server)
        for client in clients + [subscriber]:
            client.close()
    finally:
        server.stop()
    # The run gets a fresh process, so its peak holds nothing of the clients above.
    server = start_server(name, arguments.broker, arguments.nats_server, environment)
    try:
        before_run = settled_rss(server)
        with MemorySampler(server.pid) as sampler:
            output = subprocess.run(
                [corebench, "-url", server.url, "-mode", "pubsub", "-msgs", str(arguments.messages),
                 "-size", str(arguments.size)], capture_output=True, text=True, check=False)
        if output.returncode != 0:
            raise RuntimeError(f"{name}: corebench failed: {output.stderr.strip()}")
        rate = float(output.stdout.split()[-2])
        after_run = settled_rss(server)
        return {
            "idle": idle,
            "per_connection": (with_clients - with_subscriptions) / arguments.connections,
            "per_subscription": (with_subscriptions - idle) / arguments.subscriptions,
            "before_run": before_run,
            "peak": max(sampler.peak, server.memory()[1]),
            "after_run": after_run,
            "rate": rate,
        }
    finally:
        server.stop()


def main() -> None:
    arguments = parse_arguments()
    build_broker(arguments.broker)
    corebench = build_corebench()
    environment = dict(item.split("=", 1) for item in arguments.broker_env)
    servers = arguments.servers.split()
    results: dict[str, list[dict[str, float]]] = {name: [] for name in servers}
    load_before = load_average()
    for round_number in range(arguments.rounds):
        order = servers if round_number % 2 == 0 else list(reversed(servers))
        for name in order:
            figures = measure(name, arguments, corebench, environment)
            results[name].append(figures)
            print(f"  round {round_number + 1} {name}: " + ", ".join(
                f"{key}={value / 1e6:.2f}M" if key != "per_connection" and key != "per_subscription"
                else f"{key}={value:.0f}B" for key, value in figures.items()), flush=True)
    load_after = load_average()

    rows = [
        ("RSS idle, MB", "idle", 1e6, "{:.1f}"),
        (f"RSS per connection ({arguments.connections:,} clients), KB", "per_connection", 1e3, "{:.1f}"),
        (f"RSS per subscription ({arguments.subscriptions:,} on one client), bytes", "per_subscription", 1, "{:.0f}"),
        ("RSS before the pub→sub run (a fresh process), MB", "before_run", 1e6, "{:.1f}"),
        (f"RSS peak during {arguments.messages:,} × {arguments.size} B pub→sub (nats.go), MB", "peak", 1e6,
         "{:.1f}"),
        ("RSS after the run, MB", "after_run", 1e6, "{:.1f}"),
        ("pub→sub throughput (nats.go), msgs/s", "rate", 1e3, "{:.0f} k"),
    ]
    print()
    print(f"Median of {arguments.rounds} rounds, fresh server each round ({load_before} load before, "
          f"{load_after} after); environment for the broker: {environment or 'none'}.")
    print()
    print("| figure | " + " | ".join(servers) + " |")
    print("|---|" + "---|" * len(servers))
    for label, key, unit, form in rows:
        cells = [form.format(median([figures[key] for figures in results[name]]) / unit) for name in servers]
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
