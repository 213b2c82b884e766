"""A headless Chromium driven over the Chrome DevTools Protocol (its websocket, through the PyPI
`websocket-client` package), for the dashboard test.

``Browser(folder).start()`` launches `chromium --headless=new --remote-debugging-port=0` with its
own profile in ``folder``, reads the port from the profile's DevToolsActivePort file and attaches
to the first page. Every page error is kept (``errors``): console.error and console.assert
calls, uncaught exceptions, and error-level log entries (failed loads, CSP violations).
Chromium runs in a process group of its own, killed by its id on ``close()``.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path


def chromium_binary() -> str | None:
    """FFRTMP_CHROMIUM, else chromium (Debian's package) or google-chrome on PATH."""
    env = os.environ.get("FFRTMP_CHROMIUM")
    if env:
        return env
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class Browser:
    """One headless Chromium with one page attached over the DevTools protocol."""

    def __init__(self, folder: Path, width: int = 1280, height: int = 1000):
        self.folder = Path(folder)
        self.profile = self.folder / "profile"
        self.profile.mkdir(parents=True, exist_ok=True)
        self.log_path = self.folder / "chromium.log"
        self.size = (width, height)
        self.proc: subprocess.Popen | None = None
        self.socket = None
        self.errors: list[str] = []
        self._next_id = 0

    def start(self, timeout: float = 30.0) -> "Browser":
        import websocket

        binary = chromium_binary()
        assert binary, "no chromium on PATH"
        command = [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   "--disable-extensions", "--disable-background-networking", "--mute-audio",
                   f"--window-size={self.size[0]},{self.size[1]}", "--remote-debugging-port=0",
                   f"--user-data-dir={self.profile}", "about:blank"]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                         start_new_session=True, close_fds=True)
        port_file = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while not (port_file.exists() and len(port_file.read_text().splitlines()) >= 2):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"chromium did not open its DevTools port; log:\n{self.log_tail()}")
            time.sleep(0.05)
        port = int(port_file.read_text().splitlines()[0])
        while True:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as answer:
                pages = [t for t in json.load(answer) if t.get("type") == "page"]
            if pages or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert pages, "chromium opened no page"
        self.socket = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=10,
                                                  suppress_origin=True)
        for domain in ("Runtime", "Log", "Page"):
            self.call(f"{domain}.enable")
        return self

    # -- protocol ------------------------------------------------------------------------
    def call(self, method: str, **params) -> dict:
        """Sends one command and returns its result; events read meanwhile are taken in."""
        self._next_id += 1
        number = self._next_id
        self.socket.send(json.dumps({"id": number, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == number:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message.get("result", {})
            self._take(message)

    def _take(self, message: dict):
        method, params = message.get("method"), message.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            text = " ".join(str(arg.get("value", arg.get("description", ""))) for arg in params.get("args", []))
            self.errors.append(f"console.{params['type']}: {text}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            description = details.get("exception", {}).get("description") or details.get("text")
            self.errors.append(f"uncaught exception: {description} at line {details.get('lineNumber')}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            self.errors.append(f"log ({entry.get('source')}): {entry.get('text')} {entry.get('url', '')}".strip())

    def evaluate(self, expression: str):
        """The expression's value (promises awaited); a thrown error fails."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression!r} threw: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float, describe: str):
        """Polls ``expression`` until it is truthy; returns its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for {describe} ({expression})")
            time.sleep(0.2)

    def open(self, url: str, timeout: float = 15.0):
        self.call("Page.navigate", url=url)
        self.wait_for("document.readyState === 'complete'", timeout, f"{url} to load")

    def screenshot(self, path: Path):
        """A PNG of the whole page, also what lies below the window."""
        metrics = self.call("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        shot = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                         clip={"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1})
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_bytes(base64.b64decode(shot["data"]))

    # -- lifecycle -----------------------------------------------------------------------
    def close(self):
        if self.socket is not None:
            try:
                self.socket.close()
            except OSError:
                pass
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)  # the group started for it: its renderers too
            except ProcessLookupError:
                pass
            self.proc.wait(5)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"
