"""The HTTP protocol the sandbox serves with: uvicorn's h11 protocol with a deadline on request heads.

uvicorn closes a keep-alive connection `timeout_keep_alive` seconds after an answer, but only when
no byte arrives: a client that opens a connection and sends nothing, or sends its request head one
byte at a time (slowloris), holds the connection for ever. uvicorn has no header-read timeout, so
this subclass adds one: from the moment a connection opens, and again from the end of each answer,
the request head must be complete within `head_timeout` seconds or the connection is closed.

It also tells the request log what the app cannot see for itself (scope keys below): that the HTTP
layer answered a bare 400 in the middle of a request (a malformed body framing), or that the client
went away before the answer was sent.
"""

from __future__ import annotations

import asyncio
import logging

from uvicorn.protocols.http.h11_impl import H11Protocol

from explorer.sandbox.request_log import DISCONNECTED, HTTP_LAYER_400

# Seconds a connection may take to deliver a complete request head.
DEFAULT_HEAD_TIMEOUT = 10.0
# Seconds an idle keep-alive connection is kept after an answer (uvicorn's timeout_keep_alive).
DEFAULT_KEEP_ALIVE = 5

logger = logging.getLogger("explorer.sandbox.requests")


class GuardedH11Protocol(H11Protocol):
    """H11Protocol plus the request-head deadline and the scope notes described above."""

    head_timeout: float = DEFAULT_HEAD_TIMEOUT
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.scope[DISCONNECTED] = True  # type: ignore[literal-required]
        super().connection_lost(exc)

    def handle_events(self) -> None:
        before = self.cycle
        super().handle_events()
        if self.cycle is not before:  # a request head arrived: its app runs with no deadline here
            self._cancel_head_timer()

    def on_response_complete(self) -> None:
        # Armed first: a pipelined request already buffered starts inside super() and disarms it.
        self._arm_head_timer()
        super().on_response_complete()

    def send_400_response(self, msg: str) -> None:
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.scope[HTTP_LAYER_400] = msg  # type: ignore[literal-required]
        else:
            logger.warning("%s -> HTTP 400 from the HTTP layer: %s (no request reached the sandbox)", self._peer(), msg)
        super().send_400_response(msg)

    def _peer(self) -> str:
        return f"{self.client[0]}:{self.client[1]}" if self.client else "a client"

    def _arm_head_timer(self) -> None:
        self._cancel_head_timer()
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete:
            return  # a request is being served; its head was complete
        logger.info("%s -> connection closed: no complete request head within %g s", self._peer(), self.head_timeout)
        self.transport.close()


def protocol_class(head_timeout: float = DEFAULT_HEAD_TIMEOUT) -> type[GuardedH11Protocol]:
    """GuardedH11Protocol with its deadline set (uvicorn builds one protocol object per connection)."""
    return type("SandboxH11Protocol", (GuardedH11Protocol,), {"head_timeout": head_timeout})
