"""Every signing and decryption vector of the spec, stage by stage."""

from __future__ import annotations

import pytest

from explorer import crypto, signing
from tests.conftest import load_vectors

VECTORS = load_vectors()
STAGES = [
    "canonical_uri",
    "canonical_query",
    "payload_hash",
    "canonical_request",
    "digest",
    "jwt_header",
    "jwt_payload",
    "token",
]


@pytest.mark.parametrize("vector", VECTORS["signing"], ids=lambda v: v["name"])
def test_signing_vector_stage_by_stage(vector: dict) -> None:
    signature = signing.sign(
        method=vector["method"],
        path=vector["path"],
        query=[tuple(pair) for pair in vector["query"]],
        body=vector["body"],
        access_key_id=vector["access_key_id"],
        secret_key=vector["secret_key"],
        ts=vector["ts"],
    )
    produced = signature.as_dict()
    for stage in STAGES:
        expected = vector["expected"][stage]
        assert produced[stage] == expected, f"stage {stage}\n expected: {expected!r}\n produced: {produced[stage]!r}"
    assert signature.header_line == vector["expected"]["header"]


@pytest.mark.parametrize("vector", VECTORS["decryption"], ids=lambda v: v["name"])
def test_decryption_vector(vector: dict) -> None:
    key = crypto.load_private_key(vector["private_key_pem"])
    assert key.key_size == vector["key_bits"]
    assert crypto.decrypt_user_data(key, vector["ciphertext"]) == vector["plaintext"]


@pytest.mark.parametrize("vector", VECTORS["signing"], ids=lambda v: v["name"])
def test_signing_vector_verifies_and_survives_the_wire(vector: dict) -> None:
    from explorer import request

    pairs = [tuple(pair) for pair in vector["query"]]
    common = {"method": vector["method"], "path": vector["path"], "body": vector["body"]}
    token = vector["expected"]["token"]
    result = signing.verify(
        token,
        secret_key=vector["secret_key"],
        access_key_id=vector["access_key_id"],
        now=vector["ts"],
        query=pairs,
        **common,
    )
    assert result.ok and result.expected_canonical_request == vector["expected"]["canonical_request"]
    # The query as sent on the wire, read back as a raw string, signs to the same token.
    raw = request.wire_query(pairs)
    again = signing.sign(
        query=raw, access_key_id=vector["access_key_id"], secret_key=vector["secret_key"], ts=vector["ts"], **common
    )
    assert again.token == token
