"""A real loopback HTTP server that misbehaves on purpose, one behaviour per port.

Every behaviour listens on its own 127.0.0.1 port (so a base URL names it, whatever path the
explorer signs), served by raw asyncio streams on a thread of its own:

    ok               200 with a success envelope (the healthy control)
    reset            headers with a Content-Length, part of the body, then a TCP RST (SO_LINGER 0)
    error_envelope   503 with a JSON Open API envelope (code 900003)
    error_html       502 with an HTML page, as a proxy in front of a dead service answers
    html             200 with an HTML page
    huge             200 with a 10 MiB body (a JSON array), sent as fast as the client reads
    big_envelope     200 with a success envelope just under the client's 4 MiB cap
    trickle          200 with headers at once, then a body byte every TRICKLE_EVERY s, forever
    trickle_headers  the status line and headers themselves a byte every TRICKLE_EVERY s, forever
    silent           accepts, reads the request, never answers

Beside those: `connect_timeout_url` is a listening socket whose accept queue is full and never
drained (Linux then drops further SYNs, so a connect times out), `refused_url` a loopback port
nothing listens on, and `DNS_FAILURE_URL` a name under `.invalid` (RFC 6761: never resolves).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator

HUGE_BYTES = 10 * 1024 * 1024
TRICKLE_EVERY = 0.2
RESET_AFTER = 0.5  # seconds between the partial body and the RST: the client reads the headers first
RESET_ANNOUNCED = 1000
RESET_SENT = 100
DNS_FAILURE_URL = "http://mp-explorer-fault.invalid"
OK_ENVELOPE = {"code": "000000", "message": "success", "data": {"ok": True}, "success": True}
ERROR_ENVELOPE = {"code": "900003", "message": "unexpected error: upstream unavailable", "data": None, "success": False}

Behaviour = Callable[[asyncio.StreamWriter], Awaitable[None]]


def _head(status: str, content_type: str, length: int | None) -> bytes:
    lines = [f"HTTP/1.1 {status}", f"Content-Type: {content_type}", "Connection: close"]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _whole(status: str, content_type: str, body: bytes) -> Behaviour:
    async def answer(writer: asyncio.StreamWriter) -> None:
        writer.write(_head(status, content_type, len(body)) + body)
        await writer.drain()

    return answer


async def _reset(writer: asyncio.StreamWriter) -> None:
    writer.write(_head("200 OK", "application/json", RESET_ANNOUNCED) + b"[" + b"0," * ((RESET_SENT - 1) // 2))
    await writer.drain()
    await asyncio.sleep(RESET_AFTER)
    sock = writer.get_extra_info("socket")
    # Linger on, timeout 0: close() sends a RST instead of a FIN.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def _huge(writer: asyncio.StreamWriter) -> None:
    # "[", spaces, "]": valid JSON, made 64 KiB at a time so the server never holds it whole.
    writer.write(_head("200 OK", "application/json", HUGE_BYTES))
    piece = 64 * 1024
    for offset in range(0, HUGE_BYTES, piece):
        size = min(piece, HUGE_BYTES - offset)
        chunk = bytearray(b" " * size)
        if offset == 0:
            chunk[0:1] = b"["
        if offset + size == HUGE_BYTES:
            chunk[-1:] = b"]"
        writer.write(bytes(chunk))
        await writer.drain()


BIG_ENVELOPE_BYTES = 4 * 1024 * 1024 - 1024


async def _big_envelope(writer: asyncio.StreamWriter) -> None:
    head = json.dumps({"code": "000000", "message": "success", "success": True, "data": {"blob": ""}})
    blob = "x" * (BIG_ENVELOPE_BYTES - len(head))
    body = head.replace('"blob": ""', f'"blob": "{blob}"').encode()
    writer.write(_head("200 OK", "application/json", len(body)) + body)
    await writer.drain()


async def _trickle(writer: asyncio.StreamWriter) -> None:
    writer.write(_head("200 OK", "application/json", 1_000_000))
    while True:
        writer.write(b" ")
        await writer.drain()
        await asyncio.sleep(TRICKLE_EVERY)


async def _trickle_headers(writer: asyncio.StreamWriter) -> None:
    for index, byte in enumerate(_head("200 OK", "application/json", 2) * 1000):
        if index > 40_000:
            break
        writer.write(bytes([byte]))
        await writer.drain()
        await asyncio.sleep(TRICKLE_EVERY)
    await asyncio.Event().wait()


async def _silent(writer: asyncio.StreamWriter) -> None:
    await asyncio.Event().wait()


BEHAVIOURS: dict[str, Behaviour] = {
    "ok": _whole("200 OK", "application/json", json.dumps(OK_ENVELOPE).encode()),
    "reset": _reset,
    "error_envelope": _whole("503 Service Unavailable", "application/json", json.dumps(ERROR_ENVELOPE).encode()),
    "error_html": _whole(
        "502 Bad Gateway", "text/html", b"<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>"
    ),
    "html": _whole("200 OK", "text/html; charset=utf-8", b"<!doctype html><html><body>Sign in</body></html>"),
    "huge": _huge,
    "big_envelope": _big_envelope,
    "trickle": _trickle,
    "trickle_headers": _trickle_headers,
    "silent": _silent,
}


async def _read_request(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip() or 0)
    if length:
        await reader.readexactly(length)
    return head


class FaultServer:
    """Every behaviour on its own loopback port, served from one event loop on a daemon thread."""

    def __init__(self) -> None:
        self.ports: dict[str, int] = {}
        self.requests: Counter[str] = Counter()  # complete requests read, per behaviour
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fault-server", daemon=True)
        self._servers: list[asyncio.Server] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._backlog: socket.socket | None = None
        self._fillers: list[socket.socket] = []
        self.refused_port = 0

    def url(self, behaviour: str) -> str:
        return f"http://127.0.0.1:{self.ports[behaviour]}"

    @property
    def refused_url(self) -> str:
        return f"http://127.0.0.1:{self.refused_port}"

    @property
    def connect_timeout_url(self) -> str:
        assert self._backlog is not None
        return f"http://127.0.0.1:{self._backlog.getsockname()[1]}"

    # --- start and stop ----------------------------------------------------------------------

    def start(self) -> FaultServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(5)
        self.refused_port = _closed_port()
        self._backlog, self._fillers = _full_backlog()
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._close(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()
        for sock in [*self._fillers, *([self._backlog] if self._backlog else [])]:
            sock.close()

    async def _listen(self) -> None:
        for name, behaviour in BEHAVIOURS.items():
            server = await asyncio.start_server(self._handler(name, behaviour), "127.0.0.1", 0)
            self._servers.append(server)
            self.ports[name] = server.sockets[0].getsockname()[1]

    async def _close(self) -> None:
        for server in self._servers:
            server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _handler(
        self, name: str, behaviour: Behaviour
    ) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            assert task is not None
            self._tasks.add(task)
            try:
                await _read_request(reader)
                self.requests[name] += 1
                await behaviour(writer)
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                pass  # the client went away: that is its right
            except asyncio.CancelledError:
                pass  # stop(): the behaviours that run forever end here
            finally:
                self._tasks.discard(task)
                writer.transport.abort()

        return handle


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, read, closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _full_backlog(probe_timeout: float = 0.3) -> tuple[socket.socket, list[socket.socket]]:
    """A listening socket that never accepts, with its accept queue filled until a connect stalls.

    Linux answers SYNs for a listener whose accept queue is full by dropping them, so a client's
    connect waits for its own timeout. The queue is filled by connecting until a probe connect
    does not complete within `probe_timeout`: proof that SYNs go unanswered here."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    address = server.getsockname()
    fillers: list[socket.socket] = []
    for _ in range(64):
        sock = socket.socket()
        sock.settimeout(probe_timeout)
        fillers.append(sock)
        try:
            sock.connect(address)
        except TimeoutError:
            return server, fillers
    for sock in fillers:
        sock.close()
    server.close()
    raise RuntimeError("connects to a full accept queue still complete here: no connect timeout to test")


@contextlib.contextmanager
def running() -> Iterator[FaultServer]:
    server = FaultServer().start()
    try:
        yield server
    finally:
        server.stop()


def wait_for(predicate: Callable[[], bool], limit: float = 5.0) -> bool:
    """Poll `predicate` until true or `limit` seconds pass (a server thread's counters)."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()
