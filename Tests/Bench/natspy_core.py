#!/usr/bin/env python3
"""Core NATS throughput as a nats-py application sees it: "pubsub" (one publishing connection, one
subscribing connection) or "fanout" (one publisher, --subscribers subscribing connections, each in a
process of its own so that the client's own speed is not shared among them). The time runs from the
first publish until the last subscriber has received every message.

Prints one line: "<mode> <deliveries> deliveries in <seconds>s = <rate> msgs/s", where the rate
counts messages published per second for pubsub and deliveries per second for fanout, like
Tests/Bench/natsgo/corebench. Not part of any test suite.

Usage: natspy_core.py -s nats://127.0.0.1:4222 [--mode pubsub|fanout] [--messages 200000]
                      [--size 128] [--subscribers 4]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import time

import nats

SUBJECT = "bench.core"


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-s", "--server", default="nats://127.0.0.1:4222")
    parser.add_argument("--mode", choices=["pubsub", "fanout"], default="pubsub")
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--subscribers", type=int, default=4)
    return parser.parse_args()


async def subscribe(server: str, messages: int, ready, finished) -> None:
    connection = await nats.connect(server)
    received = 0
    done = asyncio.get_running_loop().create_future()

    async def count(_message) -> None:
        nonlocal received
        received += 1
        if received == messages and not done.done():
            done.set_result(time.monotonic())

    # No client-side limit: a lagging subscriber must not drop messages in its own client.
    await connection.subscribe(SUBJECT, cb=count, pending_msgs_limit=0, pending_bytes_limit=0)
    await connection.flush()
    ready.set()
    finished.put(await asyncio.wait_for(done, timeout=300))
    await connection.close()


def subscriber_process(server: str, messages: int, ready, finished) -> None:
    asyncio.run(subscribe(server, messages, ready, finished))


async def publish(server: str, messages: int, size: int) -> float:
    connection = await nats.connect(server, pending_size=8 * 1024 * 1024)
    payload = bytes(size)
    start = time.monotonic()
    for number in range(messages):
        await connection.publish(SUBJECT, payload)
        if number % 1000 == 999:
            await asyncio.sleep(0)  # lets the client's flusher run
    await connection.flush(timeout=120)
    await connection.close()
    return start


def main() -> None:
    arguments = parse_arguments()
    count = arguments.subscribers if arguments.mode == "fanout" else 1
    finished = multiprocessing.Queue()
    processes = []
    for _ in range(count):
        ready = multiprocessing.Event()
        process = multiprocessing.Process(
            target=subscriber_process, args=(arguments.server, arguments.messages, ready, finished))
        process.start()
        if not ready.wait(30):
            raise SystemExit("natspy_core: a subscriber did not get ready")
        processes.append(process)
    start = asyncio.run(publish(arguments.server, arguments.messages, arguments.size))
    ends = [finished.get(timeout=300) for _ in processes]
    for process in processes:
        process.join()
    elapsed = max(ends) - start
    deliveries = arguments.messages * count
    print(f"{arguments.mode} {deliveries} deliveries in {elapsed:.3f}s = {deliveries / elapsed:.0f} msgs/s")


if __name__ == "__main__":
    main()
