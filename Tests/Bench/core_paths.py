#!/usr/bin/env python3
"""Core NATS paths, pub→sub and fan-out, measured with two real clients against nats-server and the
ffrtmp broker in one run: nats.go (Tests/Bench/natsgo/corebench) and nats-py
(Tests/Bench/natspy_core.py). Each round runs every client and mode against both servers, alternating
which goes first; one fresh process of each server serves the whole run. Prints a markdown table of
the medians, the ratio ffrtmp ÷ nats-server and each server's CPU time per delivery, plus the load
average before and after (the machine may be shared). For nats-py it also runs the subscribers against
a stand-in server that only writes prepared frames (Tests/Bench/natspy_ceiling.py): the most any
server could show with that client here. Not part of any test suite.

Usage: Tests/Bench/core_paths.py [--rounds 3] [--clients "natsgo natspy"] [--modes "pubsub fanout"]
         [--natsgo-messages 1000000] [--natspy-messages 200000] [--subscribers 4]
         [--broker .build/release/ffrtmp] [--nats-server nats-server]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from bench_servers import build_broker, build_corebench, cpu_seconds, load_average, median, start_server

HERE = Path(__file__).resolve().parent


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", default="natsgo natspy")
    parser.add_argument("--modes", default="pubsub fanout")
    parser.add_argument("--natsgo-messages", type=int, default=1_000_000)
    parser.add_argument("--natspy-messages", type=int, default=200_000)
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--subscribers", type=int, default=4)
    parser.add_argument("--broker", default=".build/release/ffrtmp")
    parser.add_argument("--nats-server", default="nats-server")
    return parser.parse_args()


def command(client: str, mode: str, url: str, arguments, corebench: str) -> list[str]:
    if client == "natsgo":
        return [corebench, "-url", url, "-mode", mode, "-msgs", str(arguments.natsgo_messages),
                "-size", str(arguments.size), "-subs", str(arguments.subscribers)]
    return [sys.executable, str(HERE / "natspy_core.py"), "-s", url, "--mode", mode,
            "--messages", str(arguments.natspy_messages), "--size", str(arguments.size),
            "--subscribers", str(arguments.subscribers)]


def ceiling_command(mode: str, arguments) -> list[str]:
    """nats-py's subscribers against a stand-in server that only writes prepared frames: the most any
    server could show with this client on this machine (Tests/Bench/natspy_ceiling.py)."""
    return [sys.executable, str(HERE / "natspy_ceiling.py"), "--mode", mode,
            "--messages", str(arguments.natspy_messages), "--size", str(arguments.size),
            "--subscribers", str(arguments.subscribers)]


def main() -> None:
    arguments = parse_arguments()
    build_broker(arguments.broker)
    corebench = build_corebench()
    clients = arguments.clients.split()
    modes = arguments.modes.split()
    servers = {name: start_server(name, arguments.broker, arguments.nats_server) for name in ("nats", "ffrtmp")}
    rates: dict[tuple[str, str, str], list[float]] = {}
    cpu_per_delivery: dict[tuple[str, str, str], list[float]] = {}
    load_before = load_average()
    try:
        for round_number in range(arguments.rounds):
            order = ["nats", "ffrtmp"] if round_number % 2 == 0 else ["ffrtmp", "nats"]
            for client in clients:
                for mode in modes:
                    for name in order:
                        cpu_before = cpu_seconds(servers[name].pid)
                        output = subprocess.run(command(client, mode, servers[name].url, arguments, corebench),
                                                capture_output=True, text=True, timeout=600, check=False)
                        server_cpu = cpu_seconds(servers[name].pid) - cpu_before
                        line = output.stdout.strip() or output.stderr.strip()
                        print(f"  round {round_number + 1} {client} {mode} {name}: {line} "
                              f"(server CPU {server_cpu:.2f} s)", flush=True)
                        if output.returncode == 0:
                            rates.setdefault((client, mode, name), []).append(float(line.split()[-2]))
                            deliveries = float(line.split()[1])
                            cpu_per_delivery.setdefault((client, mode, name), []).append(
                                server_cpu / deliveries * 1e6 if deliveries > 0 else 0.0)
                    if client == "natspy":
                        ceiling = subprocess.run(ceiling_command(mode, arguments), capture_output=True, text=True,
                                                 timeout=600, check=False)
                        line = ceiling.stdout.strip() or ceiling.stderr.strip()
                        print(f"  round {round_number + 1} {client} {mode} stand-in ceiling: {line}", flush=True)
                        if ceiling.returncode == 0:
                            rates.setdefault((client, mode, "ceiling"), []).append(float(line.split()[-2]))
    finally:
        for server in servers.values():
            server.stop()
    load_after = load_average()

    labels = {"pubsub": "pub → sub, msgs/s", "fanout": f"fan-out to {arguments.subscribers}, deliveries/s"}
    print()
    print(f"Median of {arguments.rounds} rounds, {arguments.size} B payloads (load average {load_before} before, "
          f"{load_after} after); nats.go {arguments.natsgo_messages:,} and nats-py {arguments.natspy_messages:,} "
          "messages per run.")
    print()
    print("| client | figure | nats-server | ffrtmp | ratio | server CPU per delivery, µs: nats-server | ffrtmp |")
    print("|---|---|---|---|---|---|---|")
    for client in clients:
        for mode in modes:
            nats = median(rates.get((client, mode, "nats"), []))
            ffrtmp = median(rates.get((client, mode, "ffrtmp"), []))
            ratio = f"{ffrtmp / nats:.2f}×" if nats > 0 and ffrtmp > 0 else "-"
            nats_cpu = median(cpu_per_delivery.get((client, mode, "nats"), []))
            ffrtmp_cpu = median(cpu_per_delivery.get((client, mode, "ffrtmp"), []))
            print(f"| {client} | {labels[mode]} | {nats / 1e3:.0f} k | {ffrtmp / 1e3:.0f} k | {ratio} "
                  f"| {nats_cpu:.2f} | {ffrtmp_cpu:.2f} |")
    if "natspy" in clients:
        print()
        print("nats-py against a stand-in server that only writes prepared frames (no publisher, no routing): "
              "the most any server could show with this client here.")
        print()
        print("| figure | stand-in ceiling | ÷ nats-server | ffrtmp ÷ ceiling |")
        print("|---|---|---|---|")
        for mode in modes:
            ceiling = median(rates.get(("natspy", mode, "ceiling"), []))
            nats = median(rates.get(("natspy", mode, "nats"), []))
            ffrtmp = median(rates.get(("natspy", mode, "ffrtmp"), []))
            over_nats = f"{ceiling / nats:.2f}×" if nats > 0 and ceiling > 0 else "-"
            share = f"{ffrtmp / ceiling:.2f}" if ceiling > 0 and ffrtmp > 0 else "-"
            print(f"| nats-py {labels[mode]} | {ceiling / 1e3:.0f} k | {over_nats} | {share} |")


if __name__ == "__main__":
    main()
