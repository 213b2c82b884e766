#!/usr/bin/env python3
"""The most any server could deliver to nats-py subscribers on this machine: the subscribers of
Tests/Bench/natspy_core.py, each connected to a stand-in server that answers the handshake and then
writes prepared MSG frames as fast as the socket takes them. The stand-in parses nothing per message
and runs no publisher, so it costs the machine less than a real server plus a real publisher: the rate
the subscribers reach against it is an upper bound on what any NATS server can show with nats-py as
the client.

Prints one line in natspy_core.py's format: "<mode> <deliveries> deliveries in <seconds>s = <rate>
msgs/s" ("pubsub" is one subscriber, "fanout" --subscribers of them, each in a process of its own).
Not part of any test suite.

Usage: natspy_ceiling.py [--mode pubsub|fanout] [--messages 200000] [--size 128] [--subscribers 4]
"""

from __future__ import annotations

import argparse
import multiprocessing
import socket
import threading
import time

from natspy_core import SUBJECT, subscriber_process

INFO = (b'INFO {"server_id":"ceiling","server_name":"ceiling","version":"2.15.1","proto":1,'
        b'"headers":true,"max_payload":1048576,"host":"127.0.0.1","port":0}\r\n')
CHUNK_BYTES = 256 * 1024


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=["pubsub", "fanout"], default="pubsub")
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--subscribers", type=int, default=4)
    return parser.parse_args()


class StandInConnection:
    """One subscriber's connection: PONG for every PING; once its SUB arrived, `messages` MSG frames
    for its sid, written in whole-frame chunks (the caller starts them once the subscriber has flushed)."""

    def __init__(self, connection: socket.socket, messages: int, size: int):
        self.connection = connection
        self.messages = messages
        self.size = size
        self.send_lock = threading.Lock()
        self.subscribed = threading.Event()
        self.sid = b""
        self.started = 0.0

    def serve_input(self) -> None:
        self.connection.sendall(INFO)
        pending = b""
        while True:
            data = self.connection.recv(65536)
            if not data:
                return
            pending += data
            while b"\r\n" in pending:
                line, pending = pending.split(b"\r\n", 1)
                self.handle(line)

    def handle(self, line: bytes) -> None:
        fields = line.split()
        if len(fields) >= 3 and fields[0] == b"SUB" and fields[1] == SUBJECT.encode():
            self.sid = fields[-1]
            self.subscribed.set()
        elif line == b"PING":
            with self.send_lock:
                self.connection.sendall(b"PONG\r\n")

    def deliver(self) -> None:
        self.subscribed.wait(30)
        frame = b"MSG %s %s %d\r\n%s\r\n" % (SUBJECT.encode(), self.sid, self.size, bytes(self.size))
        per_chunk = max(1, CHUNK_BYTES // len(frame))
        chunk = frame * per_chunk
        self.started = time.monotonic()
        left = self.messages
        while left > 0:
            count = min(per_chunk, left)
            with self.send_lock:
                self.connection.sendall(chunk if count == per_chunk else frame * count)
            left -= count


def main() -> None:
    arguments = parse_arguments()
    count = arguments.subscribers if arguments.mode == "fanout" else 1
    listener = socket.create_server(("127.0.0.1", 0))
    url = f"nats://127.0.0.1:{listener.getsockname()[1]}"
    finished = multiprocessing.Queue()
    processes, connections = [], []
    for _ in range(count):
        ready = multiprocessing.Event()
        process = multiprocessing.Process(target=subscriber_process, args=(url, arguments.messages, ready, finished))
        process.start()
        accepted, _ = listener.accept()
        accepted.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        connection = StandInConnection(accepted, arguments.messages, arguments.size)
        threading.Thread(target=connection.serve_input, daemon=True).start()
        if not ready.wait(30):
            raise SystemExit("natspy_ceiling: a subscriber did not get ready")
        processes.append(process)
        connections.append(connection)
    senders = [threading.Thread(target=connection.deliver) for connection in connections]
    for sender in senders:
        sender.start()
    ends = [finished.get(timeout=300) for _ in processes]
    for sender in senders:
        sender.join()
    for process in processes:
        process.join()
    elapsed = max(ends) - min(connection.started for connection in connections)
    deliveries = arguments.messages * count
    print(f"{arguments.mode} {deliveries} deliveries in {elapsed:.3f}s = {deliveries / elapsed:.0f} msgs/s")


if __name__ == "__main__":
    main()
