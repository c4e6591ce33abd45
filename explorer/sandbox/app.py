"""The sandbox as one ASGI app: Open API under /mp-api/, sandbox-only routes under /sandbox/v1/."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from explorer.sandbox import envelope as env

# The route modules register their Open API handlers on import.
from explorer.sandbox import routes_files, routes_messages, routes_skus, routes_users  # noqa: F401
from explorer.sandbox.envelope import ApiError
from explorer.sandbox.fault_middleware import FaultMiddleware
from explorer.sandbox.faults import Faults
from explorer.sandbox.limits import SafetyMiddleware, unexpected_body
from explorer.sandbox.openapi import entry
from explorer.sandbox.request_log import RequestLog
from explorer.sandbox.routes_faults import ROUTES as FAULT_ROUTES
from explorer.sandbox.routes_sandbox import ROUTES as SANDBOX_ROUTES
from explorer.sandbox.state import SandboxState

ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return env.error(exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        message = f"invalid parameter: method {request.method} is not allowed on this route"
    elif exc.status_code == 404:
        message = "invalid parameter: no route at this path (Open API: /mp-api/v1/apps/{appId}/...)"
    else:
        message = f"invalid parameter: {exc.detail}"
    return env.error(ApiError(env.INVALID_PARAMETER, message, exc.status_code))


async def _unexpected(request: Request, exc: Exception) -> Response:
    return env.EnvelopeResponse(unexpected_body(), status_code=500)


def build_app(state: SandboxState, faults: Faults | None = None) -> ASGIApp:
    """An ASGI app serving `state`'s apps, wrapped in the limits layer and the request log; `faults`
    (default: none) on demand."""
    app = Starlette(
        routes=[
            Route("/mp-api/{rest:path}", entry, methods=ALL_METHODS),
            *SANDBOX_ROUTES,
            *FAULT_ROUTES,
        ],
        exception_handlers={ApiError: _api_error, HTTPException: _http_error, Exception: _unexpected},
    )
    # A redirect would answer without an envelope; every path answers one instead.
    app.router.redirect_slashes = False
    app.state.sandbox = state
    app.state.faults = faults if faults is not None else Faults()
    guarded = SafetyMiddleware(FaultMiddleware(app, app.state.faults), body_timeout=state.settings.body_timeout)
    return RequestLog(guarded)
