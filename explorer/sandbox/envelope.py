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


def render_json(content: Any) -> bytes:
    """Compact UTF-8 JSON that no value can break.

    Text that cannot be UTF-8 (a lone surrogate that slipped past validation) is written with JSON's
    \\u escapes instead; a value JSON cannot hold at all (too deep, an integer past Python's digit
    limit, a foreign type) gives the 900003 envelope rather than an exception inside the server.
    """
    try:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        pass
    except (ValueError, TypeError, RecursionError):
        return _unrenderable()
    try:
        return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    except (ValueError, TypeError, RecursionError):
        return _unrenderable()


def _unrenderable() -> bytes:
    body = envelope(None, code=UNEXPECTED, message="unexpected error: the sandbox could not write this answer as JSON")
    return json.dumps(body, separators=(",", ":")).encode("ascii")


def visible(text: str) -> str:
    """`text` with lone surrogates written as \\udXXX, so it can be shown and encoded as UTF-8."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


class EnvelopeResponse(Response):
    """A JSON envelope response (compact, UTF-8)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return render_json(content)


def ok(data: Any) -> EnvelopeResponse:
    return EnvelopeResponse(envelope(data))


def error_body(code: str, message: str, sandbox: dict[str, Any] | None = None) -> dict[str, Any]:
    """The error envelope: data null, success false, plus the sandbox-only object when given."""
    body = envelope(None, code=code, message=message)
    if sandbox is not None:
        body["sandbox"] = sandbox
    return body


def error(exc: ApiError) -> EnvelopeResponse:
    # After a 408 or 413 the rest of the body is never read, so the connection cannot be reused.
    headers = {"connection": "close"} if exc.status in (408, 413) else None
    return EnvelopeResponse(error_body(exc.code, exc.message, exc.sandbox), status_code=exc.status, headers=headers)


def describe(code: str) -> str:
    """The spec's name for a code ('invalid parameter' for 900001 ...)."""
    return ENVELOPE_CODES.get(code, "error")
