"""What came back: the Exchange (one request as sent and its answer) and the Decrypted user data.

Plain values, the last two steps of the one flow (RequestSpec -> Signature -> Exchange ->
Decrypted). No network and no UI here: explorer.client fills an Exchange with httpx,
explorer.crypto makes a Decrypted with cryptography, and every view only reads them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from explorer.request import WireRequest


@dataclass
class Exchange:
    """One request as sent and what came back (or why nothing did).

    `error_kind` names a failure (refused, dns, timeout, tls, reset, too_large, not_json, ...)
    and `error` says what to do about it; both are None when an envelope came back.
    """

    request: WireRequest
    sent_headers: list[tuple[str, str]] = field(default_factory=list)
    status: int | None = None
    reason: str = ""
    http_version: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    truncated: bool = False
    elapsed: float = 0.0
    envelope: dict[str, Any] | None = None
    error_kind: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error_kind is None and self.code == "000000"

    @property
    def code(self) -> str | None:
        if isinstance(self.envelope, dict) and self.envelope.get("code") is not None:
            return str(self.envelope.get("code"))
        return None

    @property
    def message(self) -> str | None:
        if isinstance(self.envelope, dict) and self.envelope.get("message") is not None:
            return str(self.envelope.get("message"))
        return None

    @property
    def data(self) -> Any:
        return self.envelope.get("data") if isinstance(self.envelope, dict) else None

    @property
    def user_data(self) -> str | None:
        data = self.data
        user_data = data.get("userData") if isinstance(data, dict) else None
        return user_data if isinstance(user_data, str) else None

    @property
    def sandbox(self) -> dict[str, Any] | None:
        if isinstance(self.envelope, dict) and isinstance(self.envelope.get("sandbox"), dict):
            sandbox: dict[str, Any] = self.envelope["sandbox"]
            return sandbox
        return None


@dataclass(frozen=True)
class Decrypted:
    """Plaintext of `data.userData` and, when it parses as JSON, its parsed value."""

    plaintext: str
    json_value: Any = None
    is_json: bool = False

    def pretty(self) -> str:
        if self.is_json:
            return json.dumps(self.json_value, indent=2, ensure_ascii=False)
        return self.plaintext
