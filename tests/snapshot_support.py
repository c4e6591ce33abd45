"""Fixed inputs for the explorer's snapshots: keys, a pinned ts, and a loopback stand-in for the sandbox.

Snapshots must be byte-identical run after run, and the embedded sandbox is not: it listens on any
free port, its uvicorn adds a `date` header, its timestamps follow the clock, and its userData is RSA
PKCS#1 v1.5, whose padding is random. So the screens that need a response talk to `ReplaySandbox`:

* it listens on a fixed loopback port (SO_REUSEPORT, so two test runs at once share it harmlessly:
  both answer identically);
* every request goes through the sandbox's own verifier (`explorer.sandbox.auth.authenticate`, with
  `now` pinned to TS + 60) and its own envelopes (`explorer.sandbox.envelope`): a bad signature gets
  the real 900002 verdict with the canonical request the sandbox computed;
* a good one gets userData = RSA PKCS#1 v1.5 of OPENID with a committed test key, the padding bytes
  derived from a hash instead of drawn at random (the block is still a valid v1.5 block: the app's
  real decryption path reads it);
* response headers are fixed (`date` is TS + 60).

The send's elapsed time is the one other moving part: `frozen_client_clock` makes it 42 ms.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import itertools
import socket
import threading
import types
from collections.abc import Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from explorer.tui.app import ExplorerApp
from explorer.tui.settings import Settings

SIZE = (160, 50)
PORT = 47917
TS = 1700000000
NOW = TS + 60
APP_ID = "ozSQnakAm7apa6ew7crPYd"
ACCESS_KEY_ID = "testAccessKey"
SECRET_KEY = "snapshot-secret-key-of-32-bytes!"
DATA_TOKEN = "dt_snapshotTokenAbc123"
OPENID = "5f1c9e0a7b3d4c2e8a6f0b1d9c7e3a51"
PRIVATE_KEY = Path(__file__).parent / "data" / "snapshot-private-key.pem"
BASE_URL = f"http://127.0.0.1:{PORT}"


def explorer(**overrides: Any) -> ExplorerApp:
    """The explorer aimed at the replay sandbox, every input fixed, ts pinned, secrets masked."""
    values: dict[str, Any] = {
        "base_url": BASE_URL,
        "app_id": APP_ID,
        "access_key_id": ACCESS_KEY_ID,
        "secret_key": SECRET_KEY,
        "data_token": DATA_TOKEN,
        "private_key": str(PRIVATE_KEY),
        "ts": TS,
        "clock": lambda: NOW,
        "preload_client": False,
    }
    values.update(overrides)
    return ExplorerApp(Settings(**values))


def deterministic_user_data(plaintext: str, private_key_pem: bytes) -> str:
    """RSA PKCS#1 v1.5 encryption (RFC 8017 7.2.1) with hash-derived, non-zero padding; URL-safe base64."""
    from explorer import crypto

    numbers = crypto.load_private_key(private_key_pem).public_key().public_numbers()
    size = (numbers.n.bit_length() + 7) // 8
    message = plaintext.encode("utf-8")
    pad_len = size - 3 - len(message)
    padding = bytearray()
    for counter in itertools.count():
        block = hashlib.sha256(f"mp-explorer snapshot padding {counter}".encode()).digest()
        padding.extend(byte for byte in block if byte)
        if len(padding) >= pad_len:
            break
    encoded = b"\x00\x02" + bytes(padding[:pad_len]) + b"\x00" + message
    cipher = pow(int.from_bytes(encoded, "big"), numbers.e, numbers.n).to_bytes(size, "big")
    return base64.urlsafe_b64encode(cipher).decode("ascii")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def _answer(self) -> None:
        from explorer import signing
        from explorer.sandbox import envelope as env
        from explorer.sandbox.auth import authenticate
        from explorer.sandbox.envelope import ApiError

        raw_path, _, raw_query = self.path.partition("?")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            authenticate(
                token=self.headers.get(signing.HEADER_NAME),
                access_key_id=ACCESS_KEY_ID,
                secret_key=SECRET_KEY,
                method=self.command,
                raw_path=raw_path.encode("latin-1"),
                raw_query=raw_query.encode("latin-1"),
                body=body,
                ts_window=300,
                now=NOW,
            )
            response = env.ok({"userData": self.server.user_data})
        except ApiError as exc:
            response = env.error(exc)
        self.send_response_only(response.status_code)
        self.send_header("date", formatdate(NOW, usegmt=True))
        self.send_header("content-length", str(len(response.body)))
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    user_data = ""

    def server_bind(self) -> None:
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        super().server_bind()


@contextlib.contextmanager
def replay_sandbox() -> Iterator[str]:
    """Serve the replay sandbox on 127.0.0.1:PORT; yields its base URL."""
    try:
        server = _Server(("127.0.0.1", PORT), _Handler)
    except OSError as exc:
        raise RuntimeError(f"snapshot server: cannot listen on 127.0.0.1:{PORT} ({exc}); the port is fixed") from None
    # The sandbox encrypts the bare openid for the openid scope.
    server.user_data = deterministic_user_data(OPENID, PRIVATE_KEY.read_bytes())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield BASE_URL
    finally:
        server.shutdown()
        server.server_close()
        thread.join(2)


def frozen_client_clock() -> types.SimpleNamespace:
    """A stand-in for `explorer.client.time`: each send measures exactly 42 ms."""
    ticks = itertools.count()
    return types.SimpleNamespace(perf_counter=lambda: next(ticks) * 0.042)
