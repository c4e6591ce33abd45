"""The Open API entry: route on the raw path, find the app, read the body once, authenticate, answer.

Order of checks (the README lists it too): limits (limits.py) -> route (404 / 405) -> appId (404)
-> body read once -> signature (401, 900002) -> the endpoint's own parameters (400, 900001 ...).
Routing uses the same path the signature covers: raw path, dot segments removed, each segment
percent-decoded, so '/skus/a%2Fb' is the SKU 'a/b'.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import Response

from explorer import signing
from explorer.sandbox import envelope as env
from explorer.sandbox.auth import authenticate, wire_text
from explorer.sandbox.envelope import ApiError
from explorer.sandbox.request_log import OUTCOME
from explorer.sandbox.state import AppState, SandboxState
from explorer.sandbox.validation import invalid, is_text

PREFIX = ("mp-api", "v1", "apps")


@dataclass
class Context:
    """One authenticated Open API call, as a handler sees it."""

    state: SandboxState
    app: AppState
    request: Request
    body: bytes
    query: list[tuple[str, str]]
    params: dict[str, str] = field(default_factory=dict)

    def query_value(self, name: str) -> str | None:
        """The first value of a query parameter ('+' is literal, as in the signature).

        Percent-encoded bytes that are not UTF-8 (`%FF`) are signed as bytes but are not text:
        a parameter the endpoint reads must be text, so such a value is refused here (900001).
        """
        for key, value in self.query:
            if key == name:
                if not is_text(value):
                    raise invalid(name, "is not UTF-8 text once percent-decoded")
                return value
        return None


Handler = Callable[[Context], Awaitable[Any]]
# (method, path pattern after /mp-api/v1/apps/{appId}, handler); "{name}" captures one segment.
ROUTES: list[tuple[str, tuple[str, ...], Handler]] = []


def route(method: str, pattern: str) -> Callable[[Handler], Handler]:
    """Register an Open API handler for METHOD /pattern (pattern after the app prefix)."""

    def register(handler: Handler) -> Handler:
        ROUTES.append((method, tuple(pattern.strip("/").split("/")), handler))
        return handler

    return register


def _match(pattern: tuple[str, ...], segments: list[str]) -> dict[str, str] | None:
    if len(pattern) != len(segments):
        return None
    params: dict[str, str] = {}
    for expected, actual in zip(pattern, segments, strict=True):
        if expected.startswith("{"):
            if not actual:
                return None
            params[expected[1:-1]] = actual
        elif expected != actual:
            return None
    return params


def resolve(method: str, raw_path: bytes) -> tuple[str, Handler, dict[str, str]]:
    """(appId, handler, path params) for a request; ApiError 404/405 otherwise."""
    try:
        path = signing.remove_dot_segments(wire_text(raw_path))
    except UnicodeError:
        raise ApiError(env.INVALID_PARAMETER, "invalid parameter: the request path is not UTF-8", 400) from None
    segments = [unquote(segment, errors="replace") for segment in path.split("/")[1:]]
    if len(segments) > 1 and segments[-1] == "":
        segments.pop()  # '/skus/' and '/skus' sign the same (the canonical URI ends in '/')
    if len(segments) < 5 or tuple(segments[:3]) != PREFIX or not segments[3]:
        raise ApiError(env.INVALID_PARAMETER, "invalid parameter: no Open API endpoint at this path", 404)
    app_id, rest = segments[3], segments[4:]
    allowed: list[str] = []
    for route_method, pattern, handler in ROUTES:
        params = _match(pattern, rest)
        if params is None:
            continue
        if route_method == method:
            return app_id, handler, params
        allowed.append(route_method)
    if allowed:
        raise ApiError(
            env.INVALID_PARAMETER,
            f"invalid parameter: method {method} is not allowed here; use {' or '.join(sorted(set(allowed)))}",
            405,
        )
    raise ApiError(env.INVALID_PARAMETER, "invalid parameter: no Open API endpoint at this path", 404)


async def entry(request: Request) -> Response:
    """Starlette endpoint for everything under /mp-api/."""
    state: SandboxState = request.app.state.sandbox
    scope = request.scope
    method = request.method
    raw_path: bytes = scope.get("raw_path") or scope["path"].encode("utf-8")
    raw_query: bytes = scope.get("query_string", b"")
    try:
        app_id, handler, params = resolve(method, raw_path)
        app = state.require_app(app_id)
        body = await request.body()
        authenticate(
            token=request.headers.get(signing.HEADER_NAME),
            access_key_id=app.config.access_key_id,
            secret_key=app.config.secret_key,
            method=method,
            raw_path=raw_path,
            raw_query=raw_query,
            body=body,
            ts_window=state.settings.ts_window,
            now=int(state.clock()),  # one clock for ts checks and token expiry, so tests can pin it
            headers=request.headers.items(),
        )
        query = signing.parse_query(wire_text(raw_query))
        data = await handler(Context(state, app, request, body, query, params))
        response = env.ok(data)
    except ApiError as exc:
        # The request log (request_log.py) writes the line once the answer is out: only then is
        # it known whether the client got it. A rejection's line names the first likely mistake.
        reason = exc.sandbox["reason"] if exc.sandbox else exc.message
        if exc.sandbox and exc.sandbox.get("likely_mistakes"):
            reason += f" (likely: {exc.sandbox['likely_mistakes'][0]['name']})"
        scope[OUTCOME] = (exc.code, reason)
        return env.error(exc)
    scope[OUTCOME] = (env.SUCCESS, "ok")
    return response
