"""One log line per request, written after the answer went out, saying what really happened.

The line for an Open API call: `GET /mp-api/v1/apps/a/users -> 000000 ok (HTTP 200, 0.8 ms)`; the
code and reason come from the endpoint (scope key OUTCOME), the status from what was sent. What
the endpoint cannot know is taken from the layers around it and said plainly instead of an `ok`:

- a request that ended in an unexpected error: `-> 900003 unexpected error: KeyError (HTTP 500 ...)`;
- the HTTP layer cut the request short with a bare 400 (malformed framing): `-> HTTP 400 from the
  HTTP layer: ... (no answer from the sandbox)`;
- the client went away first: `-> no answer: the client disconnected ...`.

Open API calls are logged at INFO (off with `--quiet`); anything that did not end in an answer
from the sandbox, and any 500, at WARNING on every path. Method and path only: the query carries
data tokens and the headers a token, so neither is written.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Set by the Open API entry: (envelope code, reason); by the safety layer: the unexpected error's type.
OUTCOME = "mp_explorer.outcome"
UNEXPECTED = "mp_explorer.unexpected"
# Set by the HTTP protocol (protocol.py), which sees what the app cannot.
HTTP_LAYER_400 = "mp_explorer.http_layer_400"
DISCONNECTED = "mp_explorer.disconnected"
OPEN_API_PREFIX = "/mp-api/"
MAX_PATH_SHOWN = 200

logger = logging.getLogger("explorer.sandbox.requests")


def shown(text: str) -> str:
    """`text` for a log line: control characters and lone surrogates written as escapes, never raw."""
    out = []
    for char in text:
        point = ord(char)
        if point < 0x20 or 0x7F <= point < 0xA0 or 0xD800 <= point < 0xE000:
            out.append(f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}")
        else:
            out.append(char)
    return "".join(out)


def describe(scope: Scope, status: int | None, disconnected: bool) -> tuple[int, str, int | None]:
    """(log level, what happened, the status answered or None) for a finished request."""
    layer_400 = scope.get(HTTP_LAYER_400)
    if layer_400:
        return logging.WARNING, f"HTTP 400 from the HTTP layer: {layer_400} (no answer from the sandbox)", None
    unexpected = scope.get(UNEXPECTED)
    if disconnected or scope.get(DISCONNECTED):
        where = "before the answer was sent" if status is None else f"before the HTTP {status} answer was complete"
        extra = f" (the sandbox had failed: {unexpected})" if unexpected else ""
        return logging.WARNING, f"no answer: the client disconnected {where}{extra}", None
    if unexpected:
        return logging.WARNING, f"900003 unexpected error: {unexpected}", status
    if status is None:
        return logging.WARNING, "no answer was sent", None
    outcome = scope.get(OUTCOME)
    if outcome is None:
        return logging.INFO, "answered", status
    code, reason = outcome
    return logging.INFO, f"{code} {reason}", status


class RequestLog:
    """Outermost layer: watches the answer's status and the connection, then writes the line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: int | None = None
        complete = False
        disconnected = False

        async def watched_receive() -> Message:
            nonlocal disconnected
            message = await receive()
            if message["type"] == "http.disconnect" and not complete:
                disconnected = True
            return message

        async def watched_send(message: Message) -> None:
            nonlocal status, complete
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                complete = True
            await send(message)

        try:
            await self.app(scope, watched_receive, watched_send)
        finally:
            level, what, answered = describe(scope, status, disconnected and not complete)
            path = str(scope.get("path", ""))
            if path.startswith(OPEN_API_PREFIX) or level >= logging.WARNING:
                elapsed = f"{(time.perf_counter() - started) * 1000:.1f} ms"
                tail = f"HTTP {answered}, {elapsed}" if answered is not None else elapsed
                method = scope.get("method")
                logger.log(level, "%s %s -> %s (%s)", method, shown(path[:MAX_PATH_SHOWN]), shown(what), tail)
