"""The readings of the open points (spec §6.1), each a named option of its stage, off by default."""

from __future__ import annotations

import pytest

from explorer import signing


@pytest.mark.parametrize(
    ("path", "options", "expected"),
    [
        ("/a/../b", {}, "/b/"),
        ("/a/../b", {"remove_dots": False}, "/a/../b/"),
        ("/skus/a%2Fb", {}, "/skus/a%2Fb/"),
        ("/skus/a%2Fb", {"decode_before_split": True}, "/skus/a/b/"),
        ("/skus/a%2520b", {"decode_before_split": True}, "/skus/a%2520b/"),
        ("/skus/x%2F..%2Fy", {"decode_before_split": True}, "/skus/y/"),
        ("/x/%FF", {}, "/x/%FF/"),
        ("/x/%FF", {"replace_invalid_utf8": True}, "/x/%EF%BF%BD/"),
    ],
)
def test_canonical_uri_readings(path: str, options: dict[str, bool], expected: str) -> None:
    assert signing.canonical_uri(path, **options) == expected


@pytest.mark.parametrize(
    ("query", "options", "expected"),
    [
        ("a/=1&a-=2", {}, "a%2F=1&a-=2"),
        ("a/=1&a-=2", {"sort_decoded": True}, "a-=2&a%2F=1"),
        ("%5B=1&Z=2", {"sort_decoded": True}, "Z=2&%5B=1"),
        ("a=%FF", {"replace_invalid_utf8": True}, "a=%EF%BF%BD"),
        ("=v&b=1", {}, "=v&b=1"),
        ("=v&b=1", {"drop_empty_names": True}, "b=1"),
    ],
)
def test_canonical_query_readings(query: str, options: dict[str, bool], expected: str) -> None:
    assert signing.canonical_query(query, **options) == expected


def test_readings_are_named_rules_and_the_spec_reading_is_the_default() -> None:
    assert signing.READINGS["spec"] == signing.SPEC_RULES == signing.Rules()
    path, query = "/skus/a%2F..%2Fb/./c", "z=%FF&=e&a/=1&a-=2"
    requests = {
        name: signing.compute_canonical_request(method="GET", path=path, query=query, rules=rules)[-1]
        for name, rules in signing.READINGS.items()
    }
    # Every reading gives a canonical request of its own for a request that holds all five points.
    assert len(set(requests.values())) == len(requests)


def test_hs256_is_the_token_signature() -> None:
    sig = signing.sign(method="GET", path="/a", access_key_id="ak", secret_key="sk", ts=1)
    head, payload, mac = sig.token.split(".")
    assert signing.b64url(signing.hs256(f"{head}.{payload}".encode(), b"sk")) == mac
