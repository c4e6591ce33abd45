"""verify(): one example per named outcome, and the inputs that used to escape as exceptions."""

from __future__ import annotations

import base64
import json

import pytest

from explorer import signing
from explorer.signing import Outcome

AK, SK, TS = "ak", "sk-0123456789abcdef0123456789abcdef", 1700000000
REQ = {"method": "GET", "path": "/mp-api/v1/apps/x/user-open-data", "query": [("openData", "abc")], "body": b""}


def _token(**overrides: object) -> str:
    return signing.sign(access_key_id=AK, secret_key=SK, ts=TS, **{**REQ, **overrides}).token


def _verify(tok: str, **overrides: object) -> signing.Verification:
    args: dict = {"secret_key": SK, "access_key_id": AK, "now": TS, **REQ}
    args.update(overrides)
    return signing.verify(tok, **args)


def _seg(value: object) -> str:
    return signing.b64url(json.dumps(value).encode())


def test_valid() -> None:
    result = _verify(_token())
    assert result.ok and bool(result) and result.outcome is Outcome.VALID
    assert result.expected_digest == result.received_digest


def test_bearer_prefix_and_whitespace_accepted() -> None:
    assert _verify(f"  Bearer {_token()}\n").ok


def test_digest_mismatch_carries_both_sides() -> None:
    result = _verify(_token(), body=b"x")
    assert result.outcome is Outcome.DIGEST_MISMATCH
    assert result.received_digest != result.expected_digest
    assert result.expected_canonical_request is not None
    assert result.expected_canonical_request.endswith(signing.payload_hash(b"x"))


def test_bad_signature() -> None:
    assert _verify(_token(), secret_key="other").outcome is Outcome.BAD_SIGNATURE


def test_issuer_checked_only_when_given() -> None:
    assert _verify(_token(), access_key_id="someone-else").outcome is Outcome.ISSUER_MISMATCH
    assert _verify(_token(), access_key_id=None).ok


def test_ts_window_edges() -> None:
    tok = _token()
    assert _verify(tok, now=TS + 300).ok
    assert _verify(tok, now=TS - 300).ok
    old = _verify(tok, now=TS + 301)
    assert old.outcome is Outcome.TS_TOO_OLD and "301 s old" in old.detail and "300 s" in old.detail
    future = _verify(tok, now=TS - 301)
    assert future.outcome is Outcome.TS_IN_FUTURE and "301 s in the future" in future.detail
    assert _verify(tok, now=TS + 301, max_skew=1000).ok


def test_malformed_shapes() -> None:
    for bad in ["", "a.b", "a.b.c.d", "!!!.e30.x", f"{_seg([1])}.e30.x", f"{_seg({'alg': 'HS256'})}.!!!.x"]:
        assert _verify(bad).outcome is Outcome.MALFORMED_TOKEN, bad


def test_oversized_token_is_malformed() -> None:
    result = _verify("a" * (signing.MAX_TOKEN_LENGTH + 1))
    assert result.outcome is Outcome.MALFORMED_TOKEN and str(signing.MAX_TOKEN_LENGTH) in result.detail


def test_deeply_nested_json_is_malformed_not_recursion_error() -> None:
    # Regression: json.loads raised RecursionError, which escaped verify().
    nested = signing.b64url(b"[" * 4000)
    assert _verify(f"{nested}.e30.x").outcome is Outcome.MALFORMED_TOKEN
    head = _seg({"alg": "HS256", "typ": "JWT"})
    assert _verify(f"{head}.{nested}.x").outcome is Outcome.MALFORMED_TOKEN


def test_non_ascii_dig_is_a_mismatch_not_type_error() -> None:
    # Regression: hmac.compare_digest raised TypeError for a str with non-ASCII characters.
    for dig in ["é", "\ud800", "\udcff" * 64]:
        tok = signing.token({"iss": AK, "dig": dig, "ts": TS}, SK)
        assert _verify(tok).outcome is Outcome.DIGEST_MISMATCH


@pytest.mark.parametrize("alg", ["none", "HS512", "RS256", None, 256])
def test_algorithm_not_hs256(alg: object) -> None:
    head = _seg({"alg": alg, "typ": "JWT"})
    payload = _token().split(".")[1]
    result = _verify(f"{head}.{payload}.")
    assert result.outcome is Outcome.ALGORITHM_NOT_HS256


def test_unsigned_alg_none_with_empty_signature() -> None:
    head = signing.b64url(b'{"alg":"none"}')
    assert _verify(f"{head}.{_token().split('.')[1]}.").outcome is Outcome.ALGORITHM_NOT_HS256


@pytest.mark.parametrize("claim", ["iss", "dig", "ts"])
def test_missing_claim(claim: str) -> None:
    claims = {"iss": AK, "dig": "0" * 64, "ts": TS}
    del claims[claim]
    result = _verify(signing.token(claims, SK))
    assert result.outcome is Outcome.MISSING_CLAIM and result.claim == claim


@pytest.mark.parametrize(
    ("claim", "value"), [("iss", 1), ("dig", None), ("ts", "1700000000"), ("ts", 1.7e9), ("ts", True), ("iss", [])]
)
def test_mistyped_claim(claim: str, value: object) -> None:
    claims = {"iss": AK, "dig": "0" * 64, "ts": TS, claim: value}
    result = _verify(signing.token(claims, SK))
    assert result.outcome is Outcome.MISTYPED_CLAIM and result.claim == claim


def test_huge_ts_number_is_malformed_or_windowed() -> None:
    # 5000 digits exceed Python's int-parsing limit: a malformed token, not a ValueError.
    head = _seg({"alg": "HS256", "typ": "JWT"})
    body = signing.b64url(b'{"iss":"ak","dig":"x","ts":' + b"9" * 5000 + b"}")
    assert _verify(f"{head}.{body}.x").outcome is Outcome.MALFORMED_TOKEN
    tok = signing.token({"iss": AK, "dig": "0" * 64, "ts": 10**40}, SK)
    assert _verify(tok).outcome is Outcome.TS_IN_FUTURE


def test_request_errors_raise_signing_input_error() -> None:
    with pytest.raises(signing.SigningInputError):
        _verify(_token(), path="/a?b")


def test_first_difference() -> None:
    assert signing.first_difference("abc", "abc") is None
    assert signing.first_difference("abc", "abd") == 2
    assert signing.first_difference("ab", "abc") == 2


def test_outcome_codes() -> None:
    assert Outcome.DIGEST_MISMATCH.code == "digest_mismatch"
    assert str(Outcome.TS_TOO_OLD) == "ts too old"


def test_standard_base64_signature_is_malformed() -> None:
    head, payload, mac = _token().split(".")
    std = base64.b64encode(signing.b64url_decode(mac)).decode()
    if any(c in std for c in "+/="):
        assert _verify(f"{head}.{payload}.{std}").outcome is Outcome.MALFORMED_TOKEN
