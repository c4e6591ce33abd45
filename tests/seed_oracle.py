"""The public sample's token function, rewritten faithfully as an independent test oracle.

This is the seed script's `get_open_api_binance_token` (../shared/seed/), with `ts` as a
parameter instead of `int(time.time())` and nothing else changed: an f-string canonical
request, hashlib, and PyJWT's `jwt.encode`. None of explorer's code is used, so agreeing with
it means something. Its known bug is kept on purpose: `openData` goes into the canonical query
unencoded (the spec's rule percent-encodes it).
"""

from __future__ import annotations

import hashlib
import time

import jwt

SEED_EMPTY_BODY_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def seed_path(app_id: str) -> str:
    """The path the sample requests (without the slash it signs)."""
    return f"/mp-api/v1/apps/{app_id}/user-open-data"


def seed_canonical_request(app_id: str, data_token: str) -> str:
    """Steps 1-4 of the sample: method, canonical URI, canonical query, body hash."""
    http_request_method = "GET"
    canonical_uri = f"/mp-api/v1/apps/{app_id}/user-open-data/"
    canonical_query_string = f"openData={data_token}"
    request_body = SEED_EMPTY_BODY_HASH
    return f"{http_request_method}\n{canonical_uri}\n{canonical_query_string}\n{request_body}"


def get_open_api_binance_token(
    app_id: str, access_key_id: str, secret_key: str, data_token: str, ts: int | None = None
) -> str:
    """The sample's token: SHA-256 of the canonical request as `dig`, HS256 JWT via PyJWT."""
    canonical_request = seed_canonical_request(app_id, data_token)
    canonical_request = hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()
    payload = {
        "iss": access_key_id,
        "dig": canonical_request,
        "ts": int(time.time()) if ts is None else ts,
    }
    return jwt.encode(payload=payload, key=secret_key, algorithm="HS256")
