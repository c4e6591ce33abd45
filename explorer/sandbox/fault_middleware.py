"""The ASGI layer that applies the fault table (explorer/sandbox/faults.py) to /mp-api/ calls."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from explorer.sandbox import envelope as env
from explorer.sandbox.faults import Faults

logger = logging.getLogger("explorer.sandbox.requests")

_HTML = "<html><head><title>{0}</title></head><body><h1>{0}</h1><p>sandbox http fault</p></body></html>\n"
_REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


class FaultMiddleware:
    """Applies the table to /mp-api/ calls; everything else (and every call when empty) passes through."""

    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.faults or not scope["path"].startswith("/mp-api/"):
            await self.app(scope, receive, send)
            return
        fault = self.faults.draw(scope["method"], scope["path"])
        if fault is None:
            await self.app(scope, receive, send)
            return
        logger.info("%s %s -> fault #%d %s", scope["method"], scope["path"][:200], fault.id, fault.kind)
        if fault.kind == "delay":
            await asyncio.sleep(fault.seconds)
            await self.app(scope, receive, send)
            return
        await _drain(receive)
        if fault.kind == "close":
            await self._close(scope, receive, send)
        elif fault.kind == "http":
            reason = _REASONS.get(fault.http_status, "Server Error")
            body = _HTML.format(f"{fault.http_status} {reason}").encode("ascii")
            await _answer(send, fault.http_status, body, b"text/html; charset=utf-8")
        else:
            payload = bytes(
                env.EnvelopeResponse(env.error_body(fault.code or env.UNEXPECTED, fault.message or "")).body
            )
            await _answer(send, fault.http_status, payload, b"application/json")

    async def _close(self, scope: Scope, receive: Receive, send: Send) -> None:
        closer = self.faults.close_connection
        if closer is not None and closer(scope.get("client")):
            # Wait for the server to see the connection go; an answer after that is dropped silently.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(_until_disconnect(receive), 5.0)
            return
        # Served without a way to reach the socket (in-process tests): the nearest thing is a broken answer.
        raise ConnectionAbortedError("close fault: the connection is not reachable from this server")


async def _drain(receive: Receive) -> None:
    message: Message = {"more_body": True}
    while message.get("more_body", False):
        message = await receive()
        if message["type"] != "http.request":
            return


async def _until_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _answer(send: Send, status: int, body: bytes | memoryview, content_type: bytes) -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
