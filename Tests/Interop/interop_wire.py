"""Raw NATS wire helpers for the interop suites: a blocking socket client that records
everything the server sends, and a parser that cuts the server's byte stream into frames.

Frames are plain tuples so transcripts compare with ``==``:
  ("INFO", dict)                                  the server's INFO (JSON decoded)
  ("MSG", subject, sid, reply, payload)           reply is b"" when absent
  ("HMSG", subject, sid, reply, headers, payload)
  ("LINE", text)                                  +OK, PING, PONG, -ERR '...', anything else
All fields are bytes except the INFO dict.
"""

from __future__ import annotations

import json
import socket
import time

CRLF = b"\r\n"

# Keys every INFO must carry (nats-py and nats.go read them); their values differ per server.
INFO_REQUIRED_KEYS = (
    "server_id", "server_name", "version", "proto", "host", "port", "headers",
    "max_payload", "client_id", "client_ip",
)
# Keys whose values must be equal between nats-server and the broker for the same options.
INFO_STABLE_KEYS = ("proto", "headers", "max_payload", "host")


class FrameError(Exception):
    """The server sent something that is not a well-formed NATS frame."""


def parse_frames(data: bytes):
    """Cut ``data`` into complete frames. Returns (frames, rest) where rest is the incomplete tail."""
    frames = []
    pos = 0
    n = len(data)
    while pos < n:
        eol = data.find(CRLF, pos)
        if eol < 0:
            break
        line = data[pos:eol]
        head = line[:5].upper()
        if head.startswith(b"MSG ") or head.startswith(b"HMSG "):
            is_h = head.startswith(b"HMSG ")
            args = line.split()[1:]
            try:
                if is_h:
                    if len(args) == 4:
                        subject, sid, hlen, tlen = args
                        reply = b""
                    elif len(args) == 5:
                        subject, sid, reply, hlen, tlen = args
                    else:
                        raise ValueError
                    hlen, tlen = int(hlen), int(tlen)
                else:
                    if len(args) == 3:
                        subject, sid, tlen = args
                        reply = b""
                    elif len(args) == 4:
                        subject, sid, reply, tlen = args
                    else:
                        raise ValueError
                    hlen, tlen = 0, int(tlen)
            except ValueError:
                raise FrameError(f"malformed delivery line {line!r}") from None
            body_start = eol + 2
            body_end = body_start + tlen
            if body_end + 2 > n:
                break  # payload not complete yet
            if data[body_end:body_end + 2] != CRLF:
                raise FrameError(f"payload of {line!r} not followed by CRLF: {data[body_end:body_end + 2]!r}")
            body = data[body_start:body_end]
            if is_h:
                frames.append(("HMSG", subject, sid, reply, body[:hlen], body[hlen:]))
            else:
                frames.append(("MSG", subject, sid, reply, body))
            pos = body_end + 2
            continue
        if head.startswith(b"INFO"):
            text = line[4:].strip()
            try:
                info = json.loads(text)
            except ValueError:
                raise FrameError(f"INFO is not JSON: {line!r}") from None
            frames.append(("INFO", info))
        else:
            frames.append(("LINE", line))
        pos = eol + 2
    return frames, data[pos:]


def _short(b: bytes, n: int = 60) -> str:
    return repr(b) if len(b) <= n else repr(b[:n]) + f"...({len(b)} bytes)"


def render(frames) -> str:
    """Human-readable rendering of frames for assertion messages (long fields cut short)."""
    out = []
    for f in frames:
        if f[0] == "INFO":
            out.append("INFO " + json.dumps(f[1], sort_keys=True))
        elif f[0] == "MSG":
            out.append(f"MSG {_short(f[1])} sid={_short(f[2])} reply={_short(f[3])} payload={_short(f[4])}")
        elif f[0] == "HMSG":
            out.append(f"HMSG {_short(f[1])} sid={_short(f[2])} reply={_short(f[3])} "
                       f"headers={_short(f[4], 200)} payload={_short(f[5])}")
        else:
            out.append(_short(f[1], 200) if f[0] == "LINE" else repr(f))
    return "\n".join(out)


def err_line(text: str) -> tuple:
    return ("LINE", f"-ERR '{text}'".encode())


OK = ("LINE", b"+OK")
PING = ("LINE", b"PING")
PONG = ("LINE", b"PONG")


class ClientPingCounter:
    """Counts the PINGs in what a client sent (skipping PUB/HPUB payloads), so a sync can wait for
    the PONG that answers *its own* PING rather than an earlier one still in flight."""

    def __init__(self):
        self.buf = b""
        self.skip = 0
        self.pings = 0

    def feed(self, data: bytes):
        self.buf += data
        while True:
            if self.skip:
                if len(self.buf) < self.skip:
                    return
                self.buf = self.buf[self.skip:]
                self.skip = 0
            eol = self.buf.find(b"\n")
            if eol < 0:
                return
            line = self.buf[:eol].rstrip(b"\r")
            self.buf = self.buf[eol + 1:]
            parts = line.split()
            if not parts:
                continue
            op = parts[0].upper()
            if op == b"PING":
                self.pings += 1
            elif op in (b"PUB", b"HPUB") and len(parts) >= 3:
                try:
                    self.skip = int(parts[-1]) + 2
                except ValueError:
                    pass


class RawConn:
    """A blocking TCP connection that records the server's frames.

    ``closed`` becomes True once the server closed the connection (EOF or reset)."""

    def __init__(self, port: int, host: str = "127.0.0.1", *, read_info: bool = True,
                 rcvbuf: int | None = None, timeout: float = 5.0):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf is not None:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.settimeout(timeout)
        self.sock.connect((host, port))
        self.buf = b""
        self.frames: list = []
        self.closed = False
        self.reset = False
        self.send_failed = False
        self.bytes_in = 0
        self.pings = ClientPingCounter()
        if read_info:
            self.wait_for(lambda: len(self.frames) >= 1, timeout)
            if not self.frames or self.frames[0][0] != "INFO":
                raise AssertionError(f"server did not greet with INFO: {render(self.frames)} rest={self.buf[:200]!r}")

    # -- receiving ---------------------------------------------------------------------
    def _recv_once(self, timeout: float) -> bool:
        """Read what is there (waiting up to timeout). False on timeout or when closed."""
        if self.closed:
            return False
        self.sock.settimeout(max(timeout, 0.001))
        try:
            chunk = self.sock.recv(1 << 20)
        except socket.timeout:
            return False
        except (ConnectionResetError, ConnectionAbortedError):
            self.closed = True
            self.reset = True
            return False
        if not chunk:
            self.closed = True
            return False
        self.bytes_in += len(chunk)
        self.buf += chunk
        frames, self.buf = parse_frames(self.buf)
        self.frames.extend(frames)
        return True

    def wait_for(self, predicate, timeout: float = 5.0) -> bool:
        """Read until predicate() holds, the server closes, or timeout passes."""
        deadline = time.monotonic() + timeout
        while not predicate():
            left = deadline - time.monotonic()
            if left <= 0 or self.closed:
                return predicate()
            self._recv_once(min(left, 0.5))
        return True

    def settle(self, quiet: float = 0.3, timeout: float = 5.0):
        """Read until the server closes or sends nothing for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        while not self.closed and time.monotonic() < deadline:
            if not self._recv_once(quiet):
                if not self.closed:
                    return

    def wait_closed(self, timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        while not self.closed and time.monotonic() < deadline:
            self._recv_once(min(0.5, deadline - time.monotonic()))
        return self.closed

    def count(self, frame) -> int:
        return sum(1 for f in self.frames if f == frame)

    # -- sending -----------------------------------------------------------------------
    def send(self, data: bytes, chunk: int | None = None, delay: float = 0.0) -> bool:
        """Send data whole, or in ``chunk``-byte writes with ``delay`` seconds between them.
        Returns False (and marks the connection closed) if the server already closed it."""
        self.pings.feed(data)
        try:
            if not chunk:
                self.sock.sendall(data)
            else:
                for i in range(0, len(data), chunk):
                    self.sock.sendall(data[i:i + chunk])
                    if delay:
                        time.sleep(delay)
            return True
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.send_failed = True
            # Whatever the server wrote before closing is still readable.
            self.wait_closed(2.0)
            self.closed = True
            return False

    def sync(self, timeout: float = 5.0) -> bool:
        """PING and wait for the matching PONG: everything sent before has been processed.
        Returns False if the server closed the connection instead."""
        self.sync_pings = getattr(self, "sync_pings", 0) + 1
        try:
            self.sock.sendall(b"PING\r\n")  # not fed to the PING counter: counted here
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.send_failed = True
            self.wait_closed(2.0)
            self.closed = True
            return False
        target = self.pings.pings + self.sync_pings  # each PING sent so far gets one PONG
        ok = self.wait_for(lambda: self.count(PONG) >= target, timeout)
        if not ok and not self.closed:
            raise AssertionError(f"no PONG within {timeout}s; got {render(self.frames[-5:])}")
        return ok

    def connect(self, **options) -> None:
        """Send CONNECT with verbose off (unless given) and wait for the PONG."""
        opts = {"verbose": False, "pedantic": False}
        opts.update(options)
        self.send(b"CONNECT " + json.dumps(opts).encode() + b"\r\n")
        assert self.sync(), "server closed the connection after CONNECT"

    def deliveries(self):
        return [f for f in self.frames if f[0] in ("MSG", "HMSG")]

    def errors(self):
        return [f[1] for f in self.frames if f[0] == "LINE" and f[1].startswith(b"-ERR")]

    def close(self, rst: bool = False):
        try:
            if rst:
                import struct
                self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.sock.close()
        except OSError:
            pass


def pub(subject: str, payload: bytes, reply: str | None = None) -> bytes:
    head = f"PUB {subject} {reply + ' ' if reply else ''}{len(payload)}\r\n".encode()
    return head + payload + CRLF


def header_block(pairs, status: str | None = None) -> bytes:
    first = b"NATS/1.0" + (b" " + status.encode() if status else b"")
    lines = [first] + [f"{k}: {v}".encode() for k, v in pairs]
    return CRLF.join(lines) + CRLF + CRLF


def hpub(subject: str, headers: bytes, payload: bytes, reply: str | None = None) -> bytes:
    total = len(headers) + len(payload)
    head = f"HPUB {subject} {reply + ' ' if reply else ''}{len(headers)} {total}\r\n".encode()
    return head + headers + payload + CRLF
