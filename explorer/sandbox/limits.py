"""Limits that keep the sandbox alive, and the outermost ASGI layer that enforces them.

Checked before any routing: request-target length (414), header block size (431), a declared
Content-Length over the body cap (413, nothing read). While the body streams in, the byte count is
checked again (413 as soon as the cap is passed, never more read), and the whole body must arrive
within the body timeout of the request's start (408 and the connection closed otherwise: a client
trickling its body holds nothing for long). Anything unexpected below this
layer becomes a 900003 envelope with HTTP 500, and the server keeps serving.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from explorer.plurals import plural
from explorer.sandbox import envelope as env
from explorer.sandbox.envelope import ApiError
from explorer.sandbox.request_log import DISCONNECTED, UNEXPECTED

# The spec: one jpg/png of at most 1 MB, name at most 60 characters.
MAX_FILE_BYTES = 1024 * 1024
MAX_FILENAME_CHARS = 60
# A multipart body carries the file plus boundaries and part headers.
MAX_BODY_BYTES = MAX_FILE_BYTES + 64 * 1024
# Request line target and whole header block, checked by the app (answers an envelope).
MAX_TARGET_BYTES = 8 * 1024
MAX_HEADER_BYTES = 16 * 1024
# Seconds from a request's head to the end of its body (SandboxSettings.body_timeout).
DEFAULT_BODY_TIMEOUT = 30.0
# uvicorn/h11's own hard cap on an incomplete request head; past it uvicorn answers a bare 400.
H11_MAX_INCOMPLETE_EVENT_SIZE = 64 * 1024


class BodyTooLarge(ApiError):
    def __init__(self, size: int | None = None) -> None:
        shown = f"{size} bytes" if size is not None else "more"
        super().__init__(
            env.INVALID_PARAMETER,
            f"invalid parameter: request body is {shown}; the sandbox accepts at most {MAX_BODY_BYTES} bytes "
            f"(a {MAX_FILE_BYTES}-byte file plus multipart overhead)",
            413,
        )


class BodyTimeout(ApiError):
    def __init__(self, seconds: float, received: int) -> None:
        super().__init__(
            env.INVALID_PARAMETER,
            f"invalid parameter: the request body did not arrive within {seconds:g} s "
            f"({plural(received, 'byte')} came)",
            408,
        )


def _check_head(scope: Scope) -> None:
    target = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
    if target > MAX_TARGET_BYTES:
        raise ApiError(
            env.INVALID_PARAMETER,
            f"invalid parameter: request target is {target} bytes; the limit is {MAX_TARGET_BYTES}",
            414,
        )
    head = target + sum(len(name) + len(value) + 4 for name, value in scope.get("headers", ()))
    if head > MAX_HEADER_BYTES:
        raise ApiError(
            env.INVALID_PARAMETER,
            f"invalid parameter: request headers are {head} bytes; the limit is {MAX_HEADER_BYTES}",
            431,
        )
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                declared = int(value)
            except ValueError:
                raise ApiError(env.INVALID_PARAMETER, "invalid parameter: Content-Length is not a number") from None
            if declared > MAX_BODY_BYTES:
                raise BodyTooLarge(declared)


class SafetyMiddleware:
    """Outermost layer: head and body limits, and no exception ever reaches the server."""

    def __init__(self, app: ASGIApp, body_timeout: float = DEFAULT_BODY_TIMEOUT) -> None:
        self.app = app
        self.body_timeout = body_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
            return
        started = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        received = 0
        body_done = False
        deadline = time.monotonic() + self.body_timeout

        async def capped_receive() -> Message:
            nonlocal received, body_done
            if body_done:
                return await receive()  # after the body: waiting for a disconnect has no deadline here
            try:
                message = await asyncio.wait_for(receive(), max(deadline - time.monotonic(), 0.0))
            except TimeoutError:
                raise BodyTimeout(self.body_timeout, received) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > MAX_BODY_BYTES:
                    raise BodyTooLarge()
                body_done = not message.get("more_body", False)
            else:
                body_done = True
            return message

        try:
            _check_head(scope)
            await self.app(scope, capped_receive, guarded_send)
        except ApiError as exc:
            if not started:
                await _send_envelope(guarded_send, exc.status, env.error_body(exc.code, exc.message, exc.sandbox))
        except ClientDisconnect:
            scope[DISCONNECTED] = True  # nobody to answer; the request log says so
        except Exception as exc:  # the server must keep serving whatever a handler did
            # The request log writes the line (with this type), once it knows whether the 500 went out.
            scope[UNEXPECTED] = type(exc).__name__
            if not started:
                await _send_envelope(guarded_send, 500, unexpected_body())


def unexpected_body() -> dict[str, Any]:
    return env.error_body(env.UNEXPECTED, "unexpected error: the sandbox failed on this request (see its log)")


async def _send_envelope(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = env.EnvelopeResponse(body).body
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    if status in (408, 413):
        headers.append((b"connection", b"close"))  # the rest of the body stays unread
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
