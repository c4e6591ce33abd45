"""Shared helpers for the sandbox tests: one real sandbox on loopback, and signed requests to it.

The sandbox is started once per test session (a module-level singleton, so every test module's
`sandbox` fixture gets the same server) with its demo app kept in a temporary data directory.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from explorer import client
from explorer.request import RequestSpec, WireRequest, wire_request
from explorer.sandbox.runner import SandboxHandle, start_background

_lock = threading.Lock()
_shared: SandboxHandle | None = None
_home: Path | None = None

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)
JPEG_BYTES = b"\xff\xd8\xff\xe0" + bytes(64) + b"\xff\xd9"


def shared_home() -> Path:
    """A temporary MP_EXPLORER_HOME for this test session (removed at exit)."""
    global _home
    with _lock:
        if _home is None:
            _home = Path(tempfile.mkdtemp(prefix="mp-explorer-test-"))
            atexit.register(shutil.rmtree, _home, ignore_errors=True)
        return _home


def shared_sandbox() -> SandboxHandle:
    """The session's sandbox (demo app from shared_home(), file check delay 60 s: tests move time)."""
    global _shared
    home = shared_home()
    with _lock:
        if _shared is None or not _shared.running:
            _shared = start_background(data_dir=home, file_check_delay=60.0)
            atexit.register(_shared.stop)
        return _shared


def path(handle: SandboxHandle, rest: str, app_id: str | None = None) -> str:
    return f"/mp-api/v1/apps/{app_id or handle.app_id}{rest}"


def spec(
    handle: SandboxHandle,
    method: str,
    rest: str,
    query: tuple[tuple[str, str], ...] = (),
    body: bytes | str | dict[str, Any] | list[Any] = b"",
    *,
    content_type: str | None = None,
    ts: int | None = None,
    app_id: str | None = None,
) -> RequestSpec:
    import json

    if isinstance(body, dict | list):
        body = json.dumps(body).encode("utf-8")
        content_type = content_type or "application/json"
    elif isinstance(body, str):
        body = body.encode("utf-8")
    return RequestSpec(
        method=method,
        path=path(handle, rest, app_id),
        query=query,
        body=body,
        access_key_id=handle.access_key_id,
        secret_key=handle.secret_key,
        ts=ts,
        content_type=content_type,
    )


def wire(handle: SandboxHandle, request: RequestSpec) -> WireRequest:
    """Signed with the spec's rules (RequestSpec.sign), built with explorer.request.wire_request."""
    return wire_request(request, request.sign(), handle.base_url)


def call(handle: SandboxHandle, method: str, rest: str, query=(), body=b"", **options: Any) -> client.Exchange:
    """Sign, send with explorer.client.send, return the Exchange."""
    return client.send(wire(handle, spec(handle, method, rest, query, body, **options)))


def multipart(filename: str, content: bytes, *, field: str = "file", boundary: str = "mpxboundary7MA4YWxk") -> bytes:
    """A one-file multipart/form-data body, byte-exact (these bytes are signed and sent)."""
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode()


def multipart_type(boundary: str = "mpxboundary7MA4YWxk") -> str:
    return f"multipart/form-data; boundary={boundary}"
