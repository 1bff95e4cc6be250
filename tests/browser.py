"""A tiny Chrome DevTools Protocol driver for the report tests: headless Chromium, one page.

Standard library only: the websocket client below speaks just what CDP needs (client-masked
text frames out; text, continuation, ping and close frames in; 16- and 64-bit lengths, since
a screenshot arrives as one multi-megabyte frame).

    with Browser() as browser:
        page = browser.open("file:///tmp/report.html")
        page.evaluate("document.title")
        page.console_errors, page.requests, page.dialogs
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit

CHROMIUM = Path("/usr/bin/chromium")

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    # belt and braces: even if a page did ask for the network, no host name resolves
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--window-size=1280,900",
]


class CDPError(RuntimeError):
    pass


# --- a minimal websocket client (RFC 6455, client side) ----------------------------------------


class _WebSocket:
    def __init__(self, url: str, timeout: float) -> None:
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port or 80), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {parts.path or '/'} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise CDPError("websocket handshake: connection closed")
            head += chunk
        head, self._buffer = head.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise CDPError(f"websocket handshake refused: {head[:200]!r}")

    def _read(self, n: int) -> bytes:
        while len(self._buffer) < n:
            chunk = self.sock.recv(max(65536, n - len(self._buffer)))
            if not chunk:
                raise CDPError("websocket closed by the browser")
            self._buffer += chunk
        data, self._buffer = self._buffer[:n], self._buffer[n:]
        return data

    def _send_frame(self, opcode: int, payload: bytes) -> None:
        header = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 1 << 16:
            header += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def send(self, text: str) -> None:
        self._send_frame(0x1, text.encode("utf-8"))

    def recv(self) -> str:
        message = b""
        while True:
            b0, b1 = self._read(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else b""
            payload = self._read(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x8:
                raise CDPError("websocket closed by the browser")
            if opcode == 0x9:  # ping
                self._send_frame(0xA, payload)
                continue
            if opcode in (0x1, 0x2, 0x0):
                message += payload
                if b0 & 0x80:
                    return message.decode("utf-8")

    def close(self) -> None:
        try:
            self._send_frame(0x8, b"")
        except OSError:
            pass
        self.sock.close()


# --- the browser and its page ------------------------------------------------------------------


class Page:
    """One tab, attached through a flat session; records what the report tests assert on."""

    def __init__(self, browser: Browser, session_id: str) -> None:
        self.browser = browser
        self.session_id = session_id
        self.console: list[dict] = []  # {"type", "text"} for every console call
        self.exceptions: list[str] = []
        self.log_errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[dict] = []
        self.loaded = False

    @property
    def console_errors(self) -> list[str]:
        return [c["text"] for c in self.console if c["type"] in ("error", "assert")]

    def send(self, method: str, params: dict | None = None, timeout: float = 30) -> dict:
        return self.browser.send(method, params, session_id=self.session_id, timeout=timeout)

    def on_event(self, method: str, params: dict) -> None:
        if method == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            self.console.append({"type": params.get("type", ""), "text": text})
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            self.exceptions.append(details.get("exception", {}).get("description") or details.get("text", ""))
        elif method == "Log.entryAdded":
            entry = params.get("entry", {})
            if entry.get("level") == "error":
                self.log_errors.append(f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}")
        elif method == "Network.requestWillBeSent":
            self.requests.append(params.get("request", {}).get("url", ""))
        elif method == "Page.javascriptDialogOpening":
            self.dialogs.append(params)
            # an unanswered dialog would block the page; dismiss it, after recording it
            self.browser.post("Page.handleJavaScriptDialog", {"accept": False}, session_id=self.session_id)
        elif method == "Page.loadEventFired":
            self.loaded = True

    def navigate(self, url: str, timeout: float = 30) -> None:
        self.loaded = False
        reply = self.send("Page.navigate", {"url": url})
        if reply.get("errorText"):
            raise CDPError(f"navigation to {url} failed: {reply['errorText']}")
        deadline = time.monotonic() + timeout
        while not self.loaded:
            if time.monotonic() > deadline:
                raise CDPError(f"{url} did not finish loading within {timeout}s")
            self.browser.pump(deadline - time.monotonic())
        self.settle()

    def settle(self, seconds: float = 0.3) -> None:
        """Let late events (timers, console messages, dialogs) arrive."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.browser.pump(deadline - time.monotonic())

    def evaluate(self, expression: str):
        reply = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                               "awaitPromise": True})
        if "exceptionDetails" in reply:
            raise CDPError(f"evaluate failed: {reply['exceptionDetails']}")
        return reply.get("result", {}).get("value")

    def screenshot(self, path: Path) -> Path:
        self.send("Page.bringToFront")  # a background tab does not paint, and would never answer
        data = self.send("Page.captureScreenshot", {"format": "png"}, timeout=180)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path


class Browser:
    """Headless Chromium on a temporary profile; killed on close, whatever happened."""

    def __init__(self, executable: Path = CHROMIUM, timeout: float = 30) -> None:
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="dpscan-chromium-")
        self.process: subprocess.Popen | None = None
        self.ws: _WebSocket | None = None
        self._next_id = 0
        self._replies: dict[int, dict] = {}
        self.pages: dict[str, Page] = {}
        try:
            self.process = subprocess.Popen(
                [str(executable), *FLAGS, f"--user-data-dir={self.profile}",
                 "--remote-debugging-port=0", "about:blank"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                start_new_session=True,  # its own process group: close() ends every helper process too
            )
            self.ws = _WebSocket(self._devtools_url(), timeout)
        except BaseException:
            self.close()
            raise

    def _devtools_url(self) -> str:
        """Chromium prints 'DevTools listening on ws://...' on stderr once it is ready."""
        assert self.process is not None and self.process.stderr is not None
        fd = self.process.stderr.fileno()
        seen = ""
        deadline = time.monotonic() + self.timeout
        while (left := deadline - time.monotonic()) > 0:
            if not select.select([fd], [], [], left)[0]:
                break
            chunk = os.read(fd, 65536)
            if not chunk:  # Chromium exited
                break
            seen += chunk.decode("utf-8", "replace")
            match = re.search(r"DevTools listening on (ws://\S+)\s", seen)
            if match:
                # stop reading stderr from here on, but keep its pipe drained so Chromium never blocks
                self._drain_stderr()
                return match.group(1)
        raise CDPError("Chromium did not report its DevTools URL:\n" + seen[-4000:])

    def _drain_stderr(self) -> None:
        stream = self.process.stderr if self.process else None

        def drain() -> None:
            try:
                while stream and stream.read(65536):
                    pass
            except (OSError, ValueError):
                pass

        threading.Thread(target=drain, daemon=True).start()

    # -- protocol --

    def post(self, method: str, params: dict | None = None, session_id: str | None = None) -> int:
        assert self.ws is not None
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session_id:
            message["sessionId"] = session_id
        self.ws.send(json.dumps(message))
        return self._next_id

    def send(self, method: str, params: dict | None = None, session_id: str | None = None,
             timeout: float = 30) -> dict:
        call_id = self.post(method, params, session_id)
        deadline = time.monotonic() + timeout
        while call_id not in self._replies:
            if time.monotonic() > deadline:
                raise CDPError(f"{method}: no reply within {timeout}s")
            self.pump(deadline - time.monotonic())
        reply = self._replies.pop(call_id)
        if "error" in reply:
            raise CDPError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def pump(self, timeout: float) -> None:
        """Read one message (or wait up to timeout) and dispatch it."""
        assert self.ws is not None
        self.ws.sock.settimeout(max(0.01, timeout))
        try:
            raw = self.ws.recv()
        except TimeoutError:
            return
        message = json.loads(raw)
        if "id" in message:
            self._replies[message["id"]] = message
        elif (page := self.pages.get(message.get("sessionId", ""))) is not None:
            page.on_event(message.get("method", ""), message.get("params", {}))

    def new_page(self) -> Page:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session)
        self.pages[session] = page
        for domain in ("Page", "Runtime", "Network", "Log"):
            page.send(f"{domain}.enable")
        page.send("Emulation.setDeviceMetricsOverride",
                  {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})
        return page

    def open(self, url: str) -> Page:
        page = self.new_page()
        page.navigate(url)
        return page

    def close(self) -> None:
        if self.ws is not None:
            try:
                self.ws.close()
            except OSError:
                pass
            self.ws = None
        if self.process is not None:
            try:  # the group started with it, by its id: the browser and all its helpers
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            if self.process.poll() is None:
                self.process.kill()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            self.process = None
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:  # the finalizer of last resort
        with contextlib.suppress(OSError, AttributeError, subprocess.SubprocessError):
            self.close()
