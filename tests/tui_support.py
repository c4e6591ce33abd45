"""Helpers for the explorer's Pilot tests: settings, form filling, and tiny loopback servers."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from textual.app import App
from textual.worker import WorkerCancelled

from explorer.tui.app import ExplorerApp
from explorer.tui.settings import Settings

SIZE = (160, 50)
TS = 1700000000
SECRET = "a-test-secret-key-of-32-bytes-ok"


def app_for(base_url: str = "http://127.0.0.1:9", **overrides: Any) -> ExplorerApp:
    """An explorer aimed at `base_url`, with fixed keys, a pinned ts and no sandbox."""
    values: dict[str, Any] = {
        "base_url": base_url,
        "app_id": "ozSQnakAm7apa6ew7crPYd",
        "access_key_id": "testAccessKey",
        "secret_key": SECRET,
        "data_token": "abc123",
        "ts": TS,
        "clock": lambda: TS + 60,
        "preload_client": False,
    }
    values.update(overrides)
    return ExplorerApp(Settings(**values))


def fill(app: ExplorerApp, **fields: str) -> None:
    """Set form fields by id (underscores for dashes); each posts its own Changed."""
    for name, value in fields.items():
        app.form.set_value(name.replace("_", "-"), value)


def stage(app: ExplorerApp, name: str) -> Any:
    return app.query_one(f"#stage-{name}")


def pane_text(app: ExplorerApp, pane: str) -> str:
    return app.query_one(f"#response-{pane}").plain_text(width=200)


async def workers_done(app: App[Any]) -> None:
    """Wait until every worker has finished (a failed one still raises WorkerFailed).

    An exclusive worker (a push-token mint, a send) replaced by a newer one ends cancelled, by
    design; on a loaded machine the first is often still running when the second starts, and
    wait_for_complete then raises WorkerCancelled. Wait for the one that replaced it instead.
    """
    for _ in range(100):
        workers = list(app.workers)
        for worker in workers:
            with contextlib.suppress(WorkerCancelled):
                await worker.wait()
        if not any(not worker.is_finished for worker in app.workers):
            return
    raise AssertionError(f"workers kept starting: {list(app.workers)}")


async def send_and_wait(app: ExplorerApp, pilot: Any) -> None:
    await pilot.press("ctrl+s")
    await pilot.pause()
    await workers_done(app)
    await pilot.pause()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, read, closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def silent_server() -> Iterator[int]:
    """Accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                conn, _ = server.accept()
                held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(2)
        for conn in held:
            conn.close()
        server.close()


@contextlib.contextmanager
def http_server(body: bytes, content_type: str = "application/json", status: int = 200) -> Iterator[int]:
    """A plain-HTTP loopback server answering every request with `body`."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(OSError):
                self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_PATCH = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(2)
