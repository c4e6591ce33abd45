"""The tamper suite: every way a token or a signed request can be wrong, and what the sandbox says.

Each rejection is a 900002 envelope (HTTP 401) whose `sandbox` object names the reason and shows
the canonical request and digest the sandbox computed from the request it actually received.
"""

from __future__ import annotations

import dataclasses
import json

import jwt
import pytest

from explorer import client, signing
from explorer.request import WireRequest
from explorer.sandbox.runner import SandboxHandle, start_background
from tests.sandbox_support import shared_home, spec, wire

SANDBOX_KEYS = {
    "reason",
    "outcome",
    "detail",
    "canonical_request",
    "digest",
    "received_dig",
    "skew",
    "ts_window",
    "likely_mistakes",
}


def with_token(request: WireRequest, token: str | None) -> WireRequest:
    headers = tuple((k, v) for k, v in request.headers if k != signing.HEADER_NAME)
    if token is not None:
        headers = ((signing.HEADER_NAME, token), *headers)
    return dataclasses.replace(request, headers=headers)


def expected_canonical(method: str, path: str, query, body: bytes) -> str:
    return signing.compute_canonical_request(method=method, path=path, query=query, body=body)[-1]


def assert_rejected(exchange: client.Exchange, reason: str, canonical: str) -> dict:
    assert exchange.status == 401
    assert exchange.code == "900002", exchange.envelope
    envelope = exchange.envelope
    assert envelope["success"] is False and envelope["data"] is None
    box = envelope["sandbox"]
    assert set(box) == SANDBOX_KEYS
    assert box["reason"] == reason
    assert envelope["message"] == f"JWT authentication failed: {box['outcome']}"
    if reason != "missing_header":
        assert signing.Outcome(box["outcome"]).code == reason
    assert box["canonical_request"] == canonical
    assert box["digest"] == signing.digest(canonical)
    assert box["ts_window"] == 300
    assert isinstance(box["detail"], str) and box["detail"]
    return box


def get_skus(sandbox: SandboxHandle, **options):
    request = spec(sandbox, "GET", "/skus", (("page", "1"), ("limit", "5")), **options)
    canonical = expected_canonical("GET", request.path, request.query, b"")
    return request, wire(sandbox, request), canonical


def test_baseline_is_accepted(sandbox: SandboxHandle) -> None:
    _, request, _ = get_skus(sandbox)
    assert client.send(request).code == "000000"


def test_missing_header(sandbox: SandboxHandle) -> None:
    _, request, canonical = get_skus(sandbox)
    box = assert_rejected(client.send(with_token(request, None)), "missing_header", canonical)
    assert box["outcome"] == "missing header" and box["received_dig"] is None and box["skew"] is None


def _claims(sandbox: SandboxHandle, canonical: str, **changes) -> dict:
    claims = {"iss": sandbox.access_key_id, "dig": signing.digest(canonical), "ts": signing.now_ts()}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _segment(value: dict) -> str:
    return signing.b64url(json.dumps(value).encode())


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
@pytest.mark.parametrize(
    ("make_token", "reason"),
    [
        (lambda s, c: f"{_segment({'alg': 'none', 'typ': 'JWT'})}.{_segment(_claims(s, c))}.", "algorithm_not_hs256"),
        (lambda s, c: jwt.encode(_claims(s, c), s.secret_key, algorithm="HS512"), "algorithm_not_hs256"),
        (lambda s, c: signing.token(_claims(s, c), s.secret_key, header={"alg": "RS256"}), "algorithm_not_hs256"),
        (lambda s, c: signing.token(_claims(s, c), "not-the-secret-key-at-all-0123456789"), "bad_signature"),
        (lambda s, c: signing.token(_claims(s, c, dig=None), s.secret_key), "missing_claim"),
        (lambda s, c: signing.token(_claims(s, c, iss=None), s.secret_key), "missing_claim"),
        (lambda s, c: signing.token(_claims(s, c, ts=None), s.secret_key), "missing_claim"),
        (lambda s, c: signing.token(_claims(s, c, ts=str(signing.now_ts())), s.secret_key), "mistyped_claim"),
        (lambda s, c: signing.token(_claims(s, c, ts=True), s.secret_key), "mistyped_claim"),
        (lambda s, c: signing.token(_claims(s, c, dig=12), s.secret_key), "mistyped_claim"),
        (lambda s, c: signing.token(_claims(s, c, iss="ak_someone_else"), s.secret_key), "issuer_mismatch"),
        (lambda s, c: "not-a-jwt", "malformed_token"),
        (lambda s, c: "a.b.c", "malformed_token"),
        (lambda s, c: "x" * 9000, "malformed_token"),
        (lambda s, c: signing.token(_claims(s, c), s.secret_key)[:-4] + "AAAA", "bad_signature"),
    ],
    ids=[
        "alg-none",
        "hs512",
        "rs256-header",
        "wrong-secret",
        "no-dig",
        "no-iss",
        "no-ts",
        "ts-string",
        "ts-bool",
        "dig-number",
        "wrong-issuer",
        "not-a-jwt",
        "garbage-segments",
        "oversized-token",
        "edited-signature",
    ],
)
def test_token_tampering(sandbox: SandboxHandle, make_token, reason: str) -> None:
    _, request, canonical = get_skus(sandbox)
    assert_rejected(client.send(with_token(request, make_token(sandbox, canonical))), reason, canonical)


def test_ts_too_old_and_in_future(sandbox: SandboxHandle) -> None:
    now = signing.now_ts()
    _, old, canonical = get_skus(sandbox, ts=now - 400)
    box = assert_rejected(client.send(old), "ts_too_old", canonical)
    assert 399 <= box["skew"] <= 402
    _, future, canonical = get_skus(sandbox, ts=now + 400)
    box = assert_rejected(client.send(future), "ts_in_future", canonical)
    assert -402 <= box["skew"] <= -399
    _, edge, _ = get_skus(sandbox, ts=now - 290)
    assert client.send(edge).code == "000000"


def test_changed_method(sandbox: SandboxHandle) -> None:
    request = spec(sandbox, "GET", "/skus/some_sku")
    sent = dataclasses.replace(wire(sandbox, request), method="PATCH")
    canonical = expected_canonical("PATCH", request.path, (), b"")
    box = assert_rejected(client.send(sent), "digest_mismatch", canonical)
    signed = expected_canonical("GET", request.path, (), b"")
    assert box["received_dig"] == signing.digest(signed) != box["digest"]


def test_changed_path(sandbox: SandboxHandle) -> None:
    request = spec(sandbox, "GET", "/skus/sku_a")
    signed = wire(sandbox, request)
    sent = dataclasses.replace(signed, url=signed.url.replace("/skus/sku_a", "/skus/sku_b"))
    canonical = expected_canonical("GET", request.path.replace("sku_a", "sku_b"), (), b"")
    assert "/skus/sku_b/\n" in canonical
    assert_rejected(client.send(sent), "digest_mismatch", canonical)


def test_changed_query(sandbox: SandboxHandle) -> None:
    request, signed, _ = get_skus(sandbox)
    sent = dataclasses.replace(signed, url=signed.url.replace("page=1", "page=2"))
    canonical = expected_canonical("GET", request.path, (("page", "2"), ("limit", "5")), b"")
    assert_rejected(client.send(sent), "digest_mismatch", canonical)


def test_plus_in_query_is_literal(sandbox: SandboxHandle) -> None:
    # Signed as 'a b' (sent %20); a '+' on the wire is a plus, so it no longer matches.
    request = spec(sandbox, "GET", "/users", (("openId", "a b"),))
    signed = wire(sandbox, request)
    assert "openId=a%20b" in signed.url
    sent = dataclasses.replace(signed, url=signed.url.replace("a%20b", "a+b"))
    canonical = expected_canonical("GET", request.path, (("openId", "a+b"),), b"")
    assert "openId=a%2Bb" in canonical
    assert_rejected(client.send(sent), "digest_mismatch", canonical)


def test_changed_body(sandbox: SandboxHandle) -> None:
    body = json.dumps({"templateId": "t", "language": "en", "parameters": []}).encode()
    request = spec(sandbox, "POST", "/message/broadcast", body=body, content_type="application/json")
    edited = body.replace(b'"en"', b'"fr"')
    sent = dataclasses.replace(wire(sandbox, request), body=edited)
    canonical = expected_canonical("POST", request.path, (), edited)
    assert_rejected(client.send(sent), "digest_mismatch", canonical)


def test_percent_encoded_path_is_verified_as_received(sandbox: SandboxHandle) -> None:
    # A lower-case escape on the wire canonicalises to upper case, like the signer's.
    request = spec(sandbox, "GET", "/skus/a b%2Fc")
    signed = wire(sandbox, request)
    assert signed.url.endswith("/skus/a%20b%2Fc")
    assert client.send(signed).code == "900260"  # authenticated, then: no such SKU
    lower = dataclasses.replace(signed, url=signed.url.replace("%2F", "%2f"))
    assert lower.url.endswith("a%20b%2fc")
    assert client.send(lower).code == "900260"


def test_authentication_comes_before_parameters(sandbox: SandboxHandle) -> None:
    request = spec(sandbox, "POST", "/skus", body=b"{not json", content_type="application/json")
    canonical = expected_canonical("POST", request.path, (), b"{not json")
    assert_rejected(client.send(with_token(wire(sandbox, request), None)), "missing_header", canonical)


def test_ts_window_is_a_setting() -> None:
    with start_background(data_dir=shared_home(), ts_window=10) as narrow:
        request = spec(narrow, "GET", "/skus", ts=signing.now_ts() - 20)
        exchange = client.send(wire(narrow, request))
        assert exchange.code == "900002"
        assert exchange.sandbox["reason"] == "ts_too_old" and exchange.sandbox["ts_window"] == 10
        assert "window is 10 s" in exchange.sandbox["detail"]


def test_ts_is_checked_against_the_sandbox_clock(sandbox: SandboxHandle) -> None:
    # One clock for ts checks and data-token expiry: moving the state's clock moves both.
    real_clock = sandbox.state.clock
    sandbox.state.clock = lambda: 1_700_000_000.0
    try:
        pinned = client.send(wire(sandbox, spec(sandbox, "GET", "/skus", ts=1_700_000_000 - 100)))
        assert pinned.code == "000000", pinned.envelope
        stale = client.send(wire(sandbox, spec(sandbox, "GET", "/skus", ts=signing.now_ts())))
        assert stale.sandbox["reason"] == "ts_in_future", stale.envelope
    finally:
        sandbox.state.clock = real_clock
