"""The Open API envelope and the one exception every handler raises to answer an error."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from explorer.endpoints import ENVELOPE_CODES

SUCCESS = "000000"
INVALID_PARAMETER = "900001"
AUTH_FAILED = "900002"
UNEXPECTED = "900003"
INVALID_FILE_ID = "900004"
DATA_TOKEN_EXPIRED = "900200"
DATA_TOKEN_INVALID = "900201"
PUSH_TOKEN_INVALID = "900230"
SKU_INVALID = "900260"


class ApiError(Exception):
    """An error answer: envelope `code`, a message that names the field or reason, an HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400, sandbox: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.sandbox = sandbox


def envelope(data: Any = None, *, code: str = SUCCESS, message: str | None = None) -> dict[str, Any]:
    """{"code", "message", "data", "success"}; success is true only for 000000."""
    return {"code": code, "message": message, "data": data, "success": code == SUCCESS}


class EnvelopeResponse(Response):
    """A JSON envelope response (compact, UTF-8)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def ok(data: Any) -> EnvelopeResponse:
    return EnvelopeResponse(envelope(data))


def error_body(code: str, message: str, sandbox: dict[str, Any] | None = None) -> dict[str, Any]:
    """The error envelope: data null, success false, plus the sandbox-only object when given."""
    body = envelope(None, code=code, message=message)
    if sandbox is not None:
        body["sandbox"] = sandbox
    return body


def error(exc: ApiError) -> EnvelopeResponse:
    # After a 413 the rest of the body is never read, so the connection cannot be reused.
    headers = {"connection": "close"} if exc.status == 413 else None
    return EnvelopeResponse(error_body(exc.code, exc.message, exc.sandbox), status_code=exc.status, headers=headers)


def describe(code: str) -> str:
    """The spec's name for a code ('invalid parameter' for 900001 ...)."""
    return ENVELOPE_CODES.get(code, "error")
