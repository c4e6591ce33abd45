"""Sandbox-only routes under /sandbox/v1/ (never under /mp-api/): unsigned, for local use.

Success answers are the bare JSON objects below (no envelope), so `curl ... | jq -r .dataToken`
works; errors are envelopes like everywhere else. No route returns a secret or private key.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from explorer.sandbox.envelope import ApiError, EnvelopeResponse, error
from explorer.sandbox.routes_skus import AUDIT_STATUSES
from explorer.sandbox.state import SCOPES, SandboxState
from explorer.sandbox.validation import Fields, invalid, json_object

MAX_SANDBOX_BODY = 4096


async def _optional_json(request: Request) -> dict[str, Any]:
    body = await request.body()
    if len(body) > MAX_SANDBOX_BODY:
        raise invalid("body", f"is {len(body)} bytes; sandbox routes take at most {MAX_SANDBOX_BODY}", 413)
    if not body.strip():
        return {}
    # Any Content-Type: `curl -d '{"scope":"phone"}'` sends form-urlencoded, and that should just work.
    return json_object(body, None)


def _state(request: Request) -> SandboxState:
    state: SandboxState = request.app.state.sandbox
    return state


def _answer(value: dict[str, Any]) -> Response:
    # The envelope's renderer (not JSONResponse's): no stored value can make writing it fail.
    return EnvelopeResponse(value)


async def health(request: Request) -> Response:
    return Response(json.dumps({"status": "ok"}), media_type="application/json")


async def list_users(request: Request) -> Response:
    try:
        app = _state(request).require_app(request.path_params["appId"])
        with _state(request).lock:
            users = [user.as_dict() for user in app.users.values()]
        return _answer({"appId": app.config.app_id, "users": users})
    except ApiError as exc:
        return error(exc)


async def mint_data_token(request: Request) -> Response:
    """{"scope": "openid" | "phone" | "email", "openId": optional} -> {"dataToken", "openId", "scope", "expiresAt"}."""
    try:
        fields = Fields(await _optional_json(request))
        scope = fields.string("scope", required=False, max_len=16) or "openid"
        if scope not in SCOPES:
            raise invalid("scope", f"must be one of {', '.join(SCOPES)}, got {scope!r}")
        open_id = fields.string("openId", required=False, max_len=128)
        return _answer(_state(request).mint_data_token(request.path_params["appId"], scope, open_id))
    except ApiError as exc:
        return error(exc)


async def mint_push_token(request: Request) -> Response:
    """{"openId": optional} -> {"pushToken", "openId", "expiresAt"} (single use, 7 days)."""
    try:
        fields = Fields(await _optional_json(request))
        open_id = fields.string("openId", required=False, max_len=128)
        return _answer(_state(request).mint_push_token(request.path_params["appId"], open_id))
    except ApiError as exc:
        return error(exc)


async def audit_sku(request: Request) -> Response:
    """{"auditStatus": "APPROVED" | "REJECTED" | "TODO"} -> the SKU; approval copies it online."""
    try:
        state = _state(request)
        app = state.require_app(request.path_params["appId"])
        sku = state.require_sku(app, request.path_params["skuId"])
        status = Fields(await _optional_json(request)).string("auditStatus")
        if status not in AUDIT_STATUSES:
            raise invalid("auditStatus", f"must be one of {', '.join(AUDIT_STATUSES)}")
        state.set_audit_status(app, sku, status)
        return _answer({"sku": state.sku_view(app, sku)})
    except ApiError as exc:
        return error(exc)


ROUTES = [
    Route("/sandbox/v1/health", health, methods=["GET"]),
    Route("/sandbox/v1/apps/{appId}/users", list_users, methods=["GET"]),
    Route("/sandbox/v1/apps/{appId}/data-tokens", mint_data_token, methods=["POST"]),
    Route("/sandbox/v1/apps/{appId}/push-tokens", mint_push_token, methods=["POST"]),
    Route("/sandbox/v1/apps/{appId}/skus/{skuId}/audit", audit_sku, methods=["POST"]),
]
