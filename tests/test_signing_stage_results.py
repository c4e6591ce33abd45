"""sign_stages: each stage's value or the error that stops it, under any Rules, never an exception."""

from __future__ import annotations

from typing import Any

import pytest

from explorer import signing

REQUEST: dict[str, Any] = {
    "method": "get",
    "path": "/mp-api/v1/apps/A1/user-open-data",
    "query": [("openData", "abc 123")],
    "body": b"",
    "access_key_id": "ak",
    "secret_key": "sk",
    "ts": 1700000000,
}


def test_a_signable_request_gives_signs_signature_byte_for_byte() -> None:
    results = signing.sign_stages(**REQUEST)
    assert results.signature == signing.sign(**REQUEST)
    assert not results.errors
    assert results.canonical_request == results.signature.canonical_request
    assert results.digest == results.signature.digest
    assert results.method == "GET"


@pytest.mark.parametrize("rules", [signing.SPEC_RULES, signing.Rules(encode_query=False, sort_query=False)])
def test_the_rules_reach_every_stage(rules: signing.Rules) -> None:
    results = signing.sign_stages(**REQUEST, rules=rules)
    assert results.signature == signing.sign_with_rules(**REQUEST, rules=rules)


def test_a_broken_jwt_input_keeps_the_canonical_stages() -> None:
    results = signing.sign_stages(**{**REQUEST, "secret_key": "", "access_key_id": ""})
    assert results.signature is None
    assert [e.field for e in results.jwt_errors] == ["access key id", "secret key"]
    assert results.canonical_request == signing.sign(**REQUEST).canonical_request
    assert results.digest == signing.sign(**REQUEST).digest


def test_each_broken_canonical_input_is_named_and_the_others_still_show() -> None:
    results = signing.sign_stages(**{**REQUEST, "method": "G T", "path": "/a?b"})
    assert [e.field for e in results.canonical_errors] == ["method", "path"]
    assert results.method is None and results.canonical_uri is None
    assert results.canonical_query == "openData=abc%20123"
    assert results.payload_hash == signing.EMPTY_PAYLOAD_HASH
    assert results.canonical_request is None and results.digest is None
    assert results.error("secret key", "path") is results.errors["path"]


def test_a_refusal_no_stage_catches_is_still_named() -> None:
    # A lone surrogate in the key passes the emptiness check; only the HMAC refuses it.
    results = signing.sign_stages(**{**REQUEST, "secret_key": "\ud800"})
    assert results.signature is None
    assert results.digest is not None
    assert results.error("secret key") is not None


def test_a_ts_error_from_the_caller_is_the_ts_stage_error() -> None:
    unreadable = signing.SigningInputError("ts", "'soon' is not integer Unix seconds")
    results = signing.sign_stages(**{**REQUEST, "ts": unreadable})
    assert results.signature is None
    assert str(results.errors["ts"]) == "ts: 'soon' is not integer Unix seconds"
    assert results.digest == signing.sign(**REQUEST).digest
    assert "ts" in signing.sign_stages(**{**REQUEST, "ts": "1700000000"}).errors


def test_one_decoder_reads_the_payload_a_server_reads() -> None:
    signature = signing.sign(**REQUEST)
    assert signing.decode_payload(signature.token) == {"iss": "ak", "dig": signature.digest, "ts": 1700000000}
    assert signing.decode_payload("a.!!.c") is None
    assert signing.decode_payload("a.W10.c") is None  # a JSON array is not a claims object
    assert signing.decode_payload("no-dots") is None
