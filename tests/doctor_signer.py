"""A signer written by hand for the doctor's tests: hashlib, hmac, base64 and json, nothing of ours.

Each test writes the canonical request a mistaken signer would hash as a literal, and this makes
the token from it, the way an integrator's backend would.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

EMPTY = hashlib.sha256(b"").hexdigest()
HOST = "https://dip-cb.binanceapi.com"
APP = "/mp-api/v1/apps/APP"
AK = "ak-test"
SK = "sk-0123456789-abcdefghij-0123456789"
NOW = 1_700_000_000


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sha_hex(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def make_token(
    canonical_request: str | None = None,
    *,
    dig: Any = None,
    iss: Any = AK,
    ts: Any = NOW,
    key: bytes = SK.encode(),
    alg: str = "HS256",
) -> str:
    """An HS256 JWT over {"iss","dig","ts"}; dig is sha256(canonical_request) unless given."""
    if dig is None:
        assert canonical_request is not None
        dig = sha_hex(canonical_request)
    head = b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    payload = b64url(json.dumps({"iss": iss, "dig": dig, "ts": ts}).encode())
    mac = hmac.new(key, f"{head}.{payload}".encode(), hashlib.sha256).digest()
    return f"{head}.{payload}.{b64url(mac)}"
