"""asyncio helpers for the nats-py suites (plain pytest: each test runs its own event loop), and the few
the nats-py JetStream suites share (`js_connect`, `fetch_or_none`, `enum_value`)."""

from __future__ import annotations

import asyncio
import functools

import nats


def run_async(fn=None, *, timeout: float = 45.0):
    """Decorator: run ``async def test_...(...)`` inside asyncio.run, bounded by ``timeout``."""

    def wrap(f):
        @functools.wraps(f)
        def runner(*args, **kwargs):
            async def bounded():
                return await asyncio.wait_for(f(*args, **kwargs), timeout)
            return asyncio.run(bounded())
        return runner

    return wrap(fn) if fn is not None else wrap


class ErrorLog:
    """Records asynchronous client errors instead of printing them; pass ``.callback`` as error_cb
    (nats-py insists on a coroutine function)."""

    def __init__(self):
        self.errors: list[BaseException] = []

        async def callback(exc):
            self.errors.append(exc)

        self.callback = callback


async def connect(server, **kwargs):
    """nats.connect to a fixture server; no reconnects unless asked, so failures surface fast."""
    errors = kwargs.pop("errors", None) or ErrorLog()
    options = dict(allow_reconnect=False, connect_timeout=3, error_cb=errors.callback)
    options.update(kwargs)
    nc = await nats.connect(server.url, **options)
    nc.test_errors = errors  # type: ignore[attr-defined]
    return nc


async def barrier(*connections):
    """Make sure everything each connection queued (SUB, PUB, UNSUB) has been processed by the
    server. nats-py 2.16's flush() is not enough on its own: _send_ping writes PING straight to the
    transport while SUB/PUB wait in the pending buffer for the flusher task, so the first PONG can
    come back before the server saw a SUB issued just before (seen ~5 % of runs against
    nats-server). After one round trip the flusher has written the pending commands, so a second
    flush is a true barrier."""
    for nc in connections:
        await nc.flush(timeout=5)
        await nc.flush(timeout=5)


async def collect(sub, expected: int | None = None, timeout: float = 5.0, quiet: float = 0.2):
    """Messages from a subscription: until ``expected`` arrived (then wait ``quiet`` more for
    extras) or, with expected None, until nothing arrives for ``quiet`` seconds."""
    out = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        left = deadline - loop.time()
        if left <= 0:
            break
        wait = quiet if expected is None or len(out) >= expected else min(left, 1.0)
        try:
            out.append(await sub.next_msg(timeout=wait))
        except (asyncio.TimeoutError, nats.errors.TimeoutError):
            if expected is None or len(out) >= expected:
                break
    return out


async def js_connect(server):
    """A connection and its ``nc.jetstream()`` context (5 s API timeout)."""
    nc = await connect(server)
    return nc, nc.jetstream(timeout=5)


def enum_value(x):
    """The plain value of a nats-py config field, which is an Enum or already a string."""
    return getattr(x, "value", x)


# What nats-py's fetch raises when nothing arrives in time: its own TimeoutError, or asyncio's plain
# one when its deadline is already spent before it sends the waiting request (a loaded machine).
FETCH_TIMED_OUT = (nats.errors.TimeoutError, asyncio.TimeoutError)


async def fetch_or_none(psub, batch=1, timeout=0.5):
    """A pull subscription's fetch, or ``[]`` when nothing arrived within ``timeout``."""
    try:
        return await psub.fetch(batch, timeout=timeout)
    except FETCH_TIMED_OUT:
        return []
