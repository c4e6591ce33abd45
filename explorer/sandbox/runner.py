"""Run the sandbox: bind a socket, serve it with uvicorn in a daemon thread, hand back a handle.

with start_background() as sandbox:        # the demo app, any free port on 127.0.0.1
    minted = sandbox.mint_data_token()
    ... sign requests with sandbox.access_key_id / sandbox.secret_key against sandbox.base_url
"""

from __future__ import annotations

import errno
import logging
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import uvicorn
from starlette.types import ASGIApp

from explorer.sandbox.app import build_app
from explorer.sandbox.config import SandboxAppConfig, SandboxSettings
from explorer.sandbox.demo import DemoAppError, load_or_create_demo_app
from explorer.sandbox.faults import Faults
from explorer.sandbox.limits import DEFAULT_BODY_TIMEOUT, H11_MAX_INCOMPLETE_EVENT_SIZE
from explorer.sandbox.protocol import DEFAULT_HEAD_TIMEOUT, DEFAULT_KEEP_ALIVE, protocol_class
from explorer.sandbox.state import SandboxState

START_TIMEOUT = 10.0
STOP_TIMEOUT = 5.0
LOOPBACK = ("127.0.0.1", "::1", "localhost")


class SandboxError(RuntimeError):
    """The sandbox could not start (port in use, bad address ...); the message says which."""


def is_loopback(host: str) -> bool:
    return host in LOOPBACK or host.startswith("127.")


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening-ready TCP socket bound to host:port (port 0: any free port)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise SandboxError(f"cannot resolve host {host!r}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise SandboxError(f"port {port} on {host} is already in use; pick another with --port (0 = any)") from None
        raise SandboxError(f"cannot bind {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def _url_host(address: str, family: int) -> str:
    """The host part of a URL that reaches a bound address (wildcards become loopback)."""
    if address in ("0.0.0.0", ""):
        return "127.0.0.1"
    if address == "::":
        return "[::1]"
    return f"[{address}]" if family == socket.AF_INET6 else address


class SandboxHandle:
    """A running sandbox: where it listens, the app it serves (secret included), its state."""

    def __init__(
        self,
        server: uvicorn.Server,
        thread: threading.Thread,
        sock: socket.socket,
        app: SandboxAppConfig,
        state: SandboxState,
        faults: Faults | None = None,
    ) -> None:
        self._server = server
        self._thread = thread
        self._socket = sock
        self.app = app
        self.state = state
        # Faults on demand for /mp-api/ calls: handle.faults.fail_with_code("900231") and the like.
        self.faults = faults if faults is not None else Faults()
        host, port = sock.getsockname()[:2]
        self.host: str = host
        self.port: int = port
        self.base_url = f"http://{_url_host(host, sock.family)}:{port}"
        self.app_id = app.app_id
        self.access_key_id = app.access_key_id
        self.secret_key = app.secret_key
        self.private_key_path: Path | None = app.private_key_path
        self.public_key_path: Path | None = app.public_key_path
        self.private_key_pem: bytes | None = app.private_key_pem

    def __repr__(self) -> str:
        return f"SandboxHandle({self.base_url}, app_id={self.app_id!r})"

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def mint_data_token(
        self, scope: str = "openid", open_id: str | None = None, *, ttl: float | None = None
    ) -> dict[str, Any]:
        """Same as POST /sandbox/v1/apps/{appId}/data-tokens: {"dataToken", "openId", "scope", "expiresAt"}."""
        return self.state.mint_data_token(self.app_id, scope, open_id, ttl=ttl)

    def mint_push_token(self, open_id: str | None = None, *, ttl: float | None = None) -> dict[str, Any]:
        """Same as POST /sandbox/v1/apps/{appId}/push-tokens: {"pushToken", "openId", "expiresAt"}."""
        return self.state.mint_push_token(self.app_id, open_id, ttl=ttl)

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Ask uvicorn to exit and wait for its thread (idempotent)."""
        self._server.should_exit = True
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        self._socket.close()

    def __enter__(self) -> SandboxHandle:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _quiet_by_default() -> None:
    # Embedded in the explorer, a stray stderr line would land on the screen. Without a handler of
    # its own, Python's last-resort handler would print uvicorn's warnings; the CLI adds a real one.
    for name in ("uvicorn", "explorer.sandbox"):
        logger = logging.getLogger(name)
        if not logger.handlers:
            logger.addHandler(logging.NullHandler())


def server_config(
    app: ASGIApp, *, head_timeout: float = DEFAULT_HEAD_TIMEOUT, keep_alive: int = DEFAULT_KEEP_ALIVE
) -> uvicorn.Config:
    """The uvicorn settings every sandbox runs with (the throughput benchmark serves its bare route so too).

    `head_timeout`: seconds a connection has to deliver a complete request head, from when it opens
    and again after each answer (slow or silent clients are closed; see protocol.py).
    `keep_alive`: seconds an idle keep-alive connection is kept after an answer.
    """
    return uvicorn.Config(
        app,
        lifespan="off",
        log_level="warning",
        # Leave the process's logging alone (the explorer draws the terminal); see _quiet_by_default.
        log_config=None,
        access_log=False,
        http=protocol_class(head_timeout),
        timeout_keep_alive=keep_alive,
        loop="asyncio",
        ws="none",
        h11_max_incomplete_event_size=H11_MAX_INCOMPLETE_EVENT_SIZE,
        server_header=False,
        # stop() must return promptly even with a client still connected.
        timeout_graceful_shutdown=2,
    )


def _connection_closer(server: uvicorn.Server) -> Callable[[Any], bool]:
    """Close the server's connection from a client address (the `close` fault); False when none matches."""

    def close(client: Any) -> bool:
        if client is None:
            return False
        for connection in list(server.server_state.connections):
            transport = getattr(connection, "transport", None)
            if transport is not None and tuple(getattr(connection, "client", None) or ()) == tuple(client):
                transport.close()
                return True
        return False

    return close


def start_background(
    *,
    app: SandboxAppConfig | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    ts_window: int = 300,
    data_token_ttl: float = 120,
    file_check_delay: float = 5.0,
    data_dir: Path | None = None,
    head_timeout: float = DEFAULT_HEAD_TIMEOUT,
    keep_alive: int = DEFAULT_KEEP_ALIVE,
    body_timeout: float = DEFAULT_BODY_TIMEOUT,
) -> SandboxHandle:
    """Start a sandbox in a daemon thread and return once it accepts connections.

    `app=None` serves the demo app from `data_dir` (default: MP_EXPLORER_HOME or the user data
    dir), creating its keys on first use. Raises SandboxError when the address cannot be bound or
    the demo app cannot be loaded (unusable data directory, damaged or mismatched keys).
    """
    _quiet_by_default()
    if app is None:
        try:
            app = load_or_create_demo_app(data_dir).config()
        except DemoAppError as exc:
            raise SandboxError(str(exc)) from None
    settings = SandboxSettings(
        ts_window=ts_window,
        data_token_ttl=data_token_ttl,
        file_check_delay=file_check_delay,
        body_timeout=body_timeout,
    )
    state = SandboxState(settings)
    state.add_app(app)
    sock = bind_socket(host, port)
    faults = Faults()
    server = uvicorn.Server(server_config(build_app(state, faults), head_timeout=head_timeout, keep_alive=keep_alive))
    faults.close_connection = _connection_closer(server)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="mp-explorer-sandbox", daemon=True)
    thread.start()
    handle = SandboxHandle(server, thread, sock, app, state, faults)
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.002)
    if not server.started:
        handle.stop()
        raise SandboxError(f"the sandbox did not start on {host}:{handle.port}")
    return handle
