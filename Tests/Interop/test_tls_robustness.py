"""A TLS port under abuse: thousands of connections that break the handshake in every way a
scanner, a confused client or a dying peer does, and the broker keeps serving, returns every
descriptor and does not grow.

The server is the one under test (FFRTMP_UNDER_TEST=nats-server checks the test itself) with the
mTLS setup of interop_tls. Each wave holds ``WAVE`` connections open at once, each doing one of
``ABUSES``; a round is ``ROUND`` connections. After a warm-up round (allocator pools, session
caches and thread stacks reach their working size) the RSS is the baseline; after the remaining
rounds it may have grown by at most ``RSS_GROWTH_LIMIT``.
"""

from __future__ import annotations

import random
import socket
import ssl
import struct
import time

import pytest

from interop_tls import client_context, raw_tls_exchange, read_line, start_mtls

WAVE = 50
ROUND = 1000
ROUNDS = 5  # the first is the warm-up: 5000 connections in all
RSS_GROWTH_LIMIT = 8 * 1024 * 1024
ABUSES = ("close-before-info", "random-bytes", "random-handshake-record", "truncated-hello",
          "plaintext-connect", "abort-mid-handshake", "no-certificate", "other-ca")


@pytest.fixture
def tls_broker(server_factory, tls_certificates):
    server = start_mtls(server_factory, "broker", tls_certificates)
    time.sleep(0.2)  # let the startup probe connection go away
    return server


def client_hellos(context: ssl.SSLContext, count: int) -> list[bytes]:
    """Real ClientHello records (each with its own random and key share), taken from memory BIOs."""
    hellos = []
    for _ in range(count):
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        session = context.wrap_bio(incoming, outgoing, server_hostname="127.0.0.1")
        with pytest.raises(ssl.SSLWantReadError):
            session.do_handshake()
        hellos.append(outgoing.read())
    return hellos


class Abuser:
    """Opens connections to one port and misbehaves on each in the way asked."""

    def __init__(self, port: int, certificates, seed: int):
        self.port = port
        self.rng = random.Random(seed)
        self.contexts = {
            "no-certificate": client_context(certificates),
            "other-ca": client_context(certificates, "alice", foreign=True),
        }
        self.hellos = client_hellos(client_context(certificates, "alice"), 8)

    def open(self, abuse: str) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        if abuse != "close-before-info":
            read_line(sock)
        return sock

    def misbehave(self, sock: socket.socket, abuse: str) -> None:
        """Does ``abuse`` on an open connection, then closes it (with a reset, sometimes)."""
        rng = self.rng
        try:
            if abuse == "random-bytes":
                sock.sendall(rng.randbytes(rng.randrange(1, 4096)))
            elif abuse == "random-handshake-record":
                body = rng.randbytes(rng.randrange(0, 600))
                sock.sendall(b"\x16\x03\x01" + struct.pack(">H", len(body) + rng.randrange(0, 40)) + body)
            elif abuse == "truncated-hello":
                hello = rng.choice(self.hellos)
                sock.sendall(hello[:rng.randrange(1, len(hello))])
            elif abuse == "plaintext-connect":
                sock.sendall(b'CONNECT {"verbose":false}\r\nPING\r\nSUB x 1\r\n')
            elif abuse == "abort-mid-handshake":
                sock.sendall(rng.choice(self.hellos))
                sock.recv(rng.randrange(1, 2048))  # part of the server's flight, then gone
            elif abuse in self.contexts:
                with pytest.raises((ssl.SSLError, ConnectionError)):
                    secure = self.contexts[abuse].wrap_socket(sock, server_hostname="127.0.0.1")
                    secure.recv(64)
                return
        except (ConnectionError, TimeoutError):
            pass
        close(sock, reset=rng.random() < 0.5)

    def round(self, count: int) -> None:
        for _ in range(count // WAVE):
            wave = [(abuse, self.open(abuse)) for abuse in (self.rng.choice(ABUSES) for _ in range(WAVE))]
            for abuse, sock in wave:
                self.misbehave(sock, abuse)


def close(sock: socket.socket, reset: bool) -> None:
    try:
        if reset:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    except OSError:
        pass


def wait_for_fds(server, most: int, timeout: float = 10.0) -> int:
    deadline = time.monotonic() + timeout
    while server.fd_count() > most and time.monotonic() < deadline:
        time.sleep(0.05)
    return server.fd_count()


@pytest.mark.timeout(90)
def test_broken_handshakes_leave_the_broker_serving_without_growth(tls_broker, tls_certificates):
    baseline_fds = tls_broker.fd_count()
    abuser = Abuser(tls_broker.port, tls_certificates, seed=20240611)
    started = time.monotonic()
    abuser.round(ROUND)
    assert wait_for_fds(tls_broker, baseline_fds) <= baseline_fds, (
        f"descriptors after the warm-up: {tls_broker.fd_kinds()} (baseline {baseline_fds})")
    warm_rss = tls_broker.rss_bytes()
    samples = []
    for _ in range(ROUNDS - 1):
        abuser.round(ROUND)
        samples.append(tls_broker.rss_bytes())
    elapsed = time.monotonic() - started
    assert tls_broker.alive, f"the broker died; log tail:\n{tls_broker.log_tail()}"
    fds = wait_for_fds(tls_broker, baseline_fds)
    assert fds <= baseline_fds, (
        f"{fds - baseline_fds} descriptors still open after {ROUND * ROUNDS} broken connections: "
        f"{tls_broker.fd_kinds()}")
    growth = tls_broker.rss_bytes() - warm_rss
    trace = ", ".join(f"{rss / 2**20:.1f}" for rss in [warm_rss, *samples])
    assert growth < RSS_GROWTH_LIMIT, (
        f"RSS grew by {growth / 2**20:.1f} MiB over {ROUND * (ROUNDS - 1)} broken TLS connections after "
        f"the warm-up (limit {RSS_GROWTH_LIMIT / 2**20:.0f} MiB); MiB after each round: {trace}")
    assert raw_tls_exchange(tls_broker.port, client_context(tls_certificates, "alice")) == ("ok", b"PONG\r\n")
    print(f"{ROUND * ROUNDS} broken TLS connections in {elapsed:.1f} s; RSS MiB per round: {trace}")


@pytest.mark.parametrize("abuse", ["silent-after-info", "half-hello"])
def test_stalled_handshake_is_cut_off_after_the_tls_timeout(tls_broker, tls_certificates, abuse):
    """A client that stops mid-handshake is closed once the 2 s `tls { timeout }` passes."""
    abuser = Abuser(tls_broker.port, tls_certificates, seed=7)
    stalled = [abuser.open("silent") for _ in range(20)]
    if abuse == "half-hello":
        for sock in stalled:
            sock.sendall(abuser.hellos[0][:40])
    started = time.monotonic()
    for sock in stalled:
        sock.settimeout(max(0.1, started + 6 - time.monotonic()))
        try:
            assert sock.recv(4096) == b"", "nothing but a close is expected"
        except ConnectionResetError:
            pass
        except TimeoutError:
            pytest.fail(f"a stalled handshake ({abuse}) was still open after 6 s")
        sock.close()
    assert 1.5 < time.monotonic() - started < 6
    assert raw_tls_exchange(tls_broker.port, client_context(tls_certificates, "alice")) == ("ok", b"PONG\r\n")
