"""Properties of the scheme, on generated inputs: round trips, idempotent canonical forms, tampers.

Every tamper must be caught with its own named outcome, never by luck of another check.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import assume, given, reject, settings
from hypothesis import strategies as st

from explorer import request, signing
from explorer.signing import Outcome, SigningInputError

EXAMPLES = settings(max_examples=120, deadline=None)

text = st.text(st.characters(codec="utf-8"), max_size=20)
nonempty = st.text(st.characters(codec="utf-8"), min_size=1, max_size=30)
methods = st.one_of(
    st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "get", "Post"]),
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ!#$%&'*+.^_`|~-", min_size=1, max_size=10),
)
# Paths as a user types them: any characters but the ones check_path refuses, '%' escapes,
# dot segments and doubled slashes.
path_atoms = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_characters="?#\r\n/"), max_size=8),
    st.sampled_from([".", "..", "%2E", "%2e%2E", "%zz", "%", "%41", "%C3%A9", "%FF", "a b", "+"]),
)
paths = st.lists(path_atoms, max_size=6).map(lambda parts: "/" + "/".join(parts))
pairs = st.lists(st.tuples(text, text), max_size=5)
bodies = st.one_of(st.binary(max_size=300), text)
timestamps = st.integers(min_value=0, max_value=2**40)
requests = st.fixed_dictionaries({"method": methods, "path": paths, "query": pairs, "body": bodies})


def _sign(req: dict, ak: str, sk: str, ts: int) -> signing.Signature:
    return signing.sign(access_key_id=ak, secret_key=sk, ts=ts, **req)


def _verify(token: str, req: dict, sk: str, ts: int, **kw: object) -> signing.Verification:
    return signing.verify(token, secret_key=sk, now=ts, **req, **kw)  # type: ignore[arg-type]


def _canonical(req: dict) -> str:
    return signing.compute_canonical_request(**req)[-1]


# --- round trip -----------------------------------------------------------------------------


@EXAMPLES
@given(req=requests, ak=nonempty, sk=nonempty, ts=timestamps)
def test_sign_then_verify_is_valid(req: dict, ak: str, sk: str, ts: int) -> None:
    sig = _sign(req, ak, sk, ts)
    result = _verify(sig.token, req, sk, ts, access_key_id=ak)
    assert result.outcome is Outcome.VALID, result.detail
    assert result.expected_canonical_request == sig.canonical_request
    # The header value is the token, and verify accepts the header line's value as given.
    assert _verify(sig.header_value, req, sk, ts).ok


@EXAMPLES
@given(req=requests, ak=nonempty, sk=nonempty, ts=timestamps)
def test_the_wire_request_reproduces_the_canonical_request(req: dict, ak: str, sk: str, ts: int) -> None:
    # What a server sees (URL path and query as sent, body bytes) canonicalises to what we signed.
    spec = request.RequestSpec(
        method=req["method"],
        path=req["path"],
        query=tuple(req["query"]),
        body=signing.body_bytes(req["body"]),
        access_key_id=ak,
        secret_key=sk,
        ts=ts,
    )
    sig = spec.sign()
    wire = request.wire_request(spec, sig, "https://h.example")
    _, path, query = request.split_url(wire.url)
    assert _verify(wire.header(signing.HEADER_NAME) or "", {**req, "path": path, "query": query}, sk, ts).ok
    assert wire.body == signing.body_bytes(req["body"])


# --- canonical forms are idempotent ---------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(path=st.one_of(paths, st.text(max_size=30)))
def test_canonical_uri_is_idempotent(path: str) -> None:
    try:
        once = signing.canonical_uri(path)
    except SigningInputError:
        reject()
    assert signing.canonical_uri(once) == once
    assert once.startswith("/") and once.endswith("/")


@settings(max_examples=300, deadline=None)
@given(query=pairs)
def test_canonical_query_reparsed_is_unchanged(query: list) -> None:
    once = signing.canonical_query(query)
    assert signing.canonical_query(once) == once
    assert signing.canonical_query(signing.parse_query(once)) == once


@settings(max_examples=300, deadline=None)
@given(query=pairs)
def test_raw_query_and_pairs_agree(query: list) -> None:
    raw = request.wire_query(query)
    assert signing.parse_query(raw) == query
    assert signing.canonical_query(raw) == signing.canonical_query(query)


@EXAMPLES
@given(query=pairs, data=st.data())
def test_canonical_query_ignores_pair_order(query: list, data: st.DataObject) -> None:
    shuffled = data.draw(st.permutations(query))
    assert signing.canonical_query(shuffled) == signing.canonical_query(query)


# --- every tamper is caught with its name ---------------------------------------------------


@EXAMPLES
@given(req=requests, other=requests, field=st.sampled_from(["method", "path", "query", "body"]), sk=nonempty)
def test_changed_request_is_a_digest_mismatch(req: dict, other: dict, field: str, sk: str) -> None:
    changed = {**req, field: other[field]}
    assume(_canonical(changed) != _canonical(req))
    result = _verify(_sign(req, "ak", sk, 1).token, changed, sk, 1)
    assert result.outcome is Outcome.DIGEST_MISMATCH
    assert result.expected_canonical_request == _canonical(changed)
    assert result.received_digest == signing.digest(_canonical(req))


@EXAMPLES
@given(req=requests, sk=nonempty, wrong=nonempty)
def test_wrong_secret_is_a_bad_signature(req: dict, sk: str, wrong: str) -> None:
    assume(wrong.encode() != sk.encode())
    assert _verify(_sign(req, "ak", sk, 1).token, req, wrong, 1).outcome is Outcome.BAD_SIGNATURE


@EXAMPLES
@given(
    req=requests,
    sk=nonempty,
    claim=st.sampled_from(["iss", "dig", "ts"]),
    value=st.one_of(st.integers(), text, st.none(), st.booleans()),
)
def test_payload_edited_without_resigning_is_a_bad_signature(req: dict, sk: str, claim: str, value: object) -> None:
    head, payload, mac = _sign(req, "ak", sk, 1).token.split(".")
    claims = json.loads(signing.b64url_decode(payload))
    assume(claims[claim] != value or type(claims[claim]) is not type(value))
    claims[claim] = value
    forged = f"{head}.{signing.b64url(json.dumps(claims).encode())}.{mac}"
    assert _verify(forged, req, sk, 1).outcome is Outcome.BAD_SIGNATURE


@EXAMPLES
@given(
    req=requests,
    sk=nonempty,
    alg=st.one_of(st.sampled_from(["none", "HS512", "RS256", "hs256", "HS384", ""]), st.none(), st.integers()),
    resign=st.booleans(),
)
def test_other_algorithms_are_refused(req: dict, sk: str, alg: object, resign: bool) -> None:
    _, payload, mac = _sign(req, "ak", sk, 1).token.split(".")
    head = signing.b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    if resign:  # even a valid HS256 MAC over the new header does not help
        claims = json.loads(signing.b64url_decode(payload))
        forged = signing.token(claims, sk, header={"alg": alg, "typ": "JWT"})
    else:
        forged = f"{head}.{payload}.{'' if alg == 'none' else mac}"
    result = _verify(forged, req, sk, 1)
    assert result.outcome is Outcome.ALGORITHM_NOT_HS256


@EXAMPLES
@given(
    req=requests,
    sk=nonempty,
    claim=st.sampled_from(["iss", "dig", "ts"]),
    mode=st.sampled_from(["missing", "mistyped"]),
    data=st.data(),
)
def test_missing_or_mistyped_claims_resigned_with_the_right_key(
    req: dict, sk: str, claim: str, mode: str, data: st.DataObject
) -> None:
    sig = _sign(req, "ak", sk, 1)
    claims = dict(sig.jwt_payload)
    if mode == "missing":
        del claims[claim]
    else:
        wrong_types = st.one_of(st.none(), st.booleans(), st.floats(allow_nan=False), st.lists(st.integers()))
        wrong_types = wrong_types | (st.integers() if claim != "ts" else text)
        claims[claim] = data.draw(wrong_types)
    result = _verify(signing.token(claims, sk), req, sk, 1)
    expected = Outcome.MISSING_CLAIM if mode == "missing" else Outcome.MISTYPED_CLAIM
    assert result.outcome is expected and result.claim == claim


@EXAMPLES
@given(req=requests, sk=nonempty, ak=nonempty, other=nonempty)
def test_wrong_issuer_when_access_key_id_given(req: dict, sk: str, ak: str, other: str) -> None:
    assume(ak != other)
    token = _sign(req, ak, sk, 1).token
    assert _verify(token, req, sk, 1, access_key_id=other).outcome is Outcome.ISSUER_MISMATCH
    assert _verify(token, req, sk, 1).ok  # not checked without an expected access key id


@EXAMPLES
@given(
    req=requests,
    sk=nonempty,
    ts=timestamps,
    skew=st.integers(min_value=0, max_value=10_000),
    beyond=st.integers(min_value=1, max_value=10**9),
)
def test_ts_outside_the_window(req: dict, sk: str, ts: int, skew: int, beyond: int) -> None:
    token = _sign(req, "ak", sk, ts).token
    old = _verify(token, req, sk, ts + skew + beyond, max_skew=skew)
    assert old.outcome is Outcome.TS_TOO_OLD and old.skew == skew + beyond and f"{skew} s" in old.detail
    future = _verify(token, req, sk, ts - skew - beyond, max_skew=skew)
    assert future.outcome is Outcome.TS_IN_FUTURE and future.skew == -(skew + beyond)
    assert _verify(token, req, sk, ts + skew, max_skew=skew).ok
    assert _verify(token, req, sk, ts - skew, max_skew=skew).ok


@settings(max_examples=300, deadline=None)
@given(garbage=st.one_of(st.text(max_size=200), st.binary(max_size=200).map(lambda b: b.decode("latin-1"))))
def test_garbage_is_never_valid_and_never_raises(garbage: str) -> None:
    result = signing.verify(garbage, secret_key="sk", method="GET", path="/")
    assert not result.ok
    if garbage.strip().count(".") != 2:
        assert result.outcome is Outcome.MALFORMED_TOKEN


@EXAMPLES
@given(parts=st.lists(st.text("ABCDEFabcdef0123456789-_", max_size=30), min_size=3, max_size=3))
def test_base64url_garbage_in_three_parts_is_malformed(parts: list) -> None:
    result = signing.verify(".".join(parts), secret_key="sk", method="GET", path="/")
    assert result.outcome in (Outcome.MALFORMED_TOKEN, Outcome.ALGORITHM_NOT_HS256)


@EXAMPLES
@given(req=requests, sk=nonempty, extra=st.integers(min_value=1, max_value=10_000))
def test_oversized_token_is_malformed(req: dict, sk: str, extra: int) -> None:
    token = _sign(req, "ak", sk, 1).token
    padded = token + "A" * (signing.MAX_TOKEN_LENGTH - len(token) + extra)
    result = _verify(padded, req, sk, 1)
    assert result.outcome is Outcome.MALFORMED_TOKEN
    assert str(signing.MAX_TOKEN_LENGTH) in result.detail


@EXAMPLES
@given(req=requests, sk=nonempty, data=st.data())
def test_one_changed_character_is_never_valid(req: dict, sk: str, data: st.DataObject) -> None:
    token = _sign(req, "ak", sk, 1).token
    # The last character carries 2 unused bits of the 32-byte MAC (base64 leniency), so skip it.
    index = data.draw(st.integers(min_value=0, max_value=len(token) - 2))
    replacement = data.draw(st.sampled_from("ABCxyz019-_.").filter(lambda c: c != token[index]))
    tampered = token[:index] + replacement + token[index + 1 :]
    assert not _verify(tampered, req, sk, 1).ok


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcXYZ09-_.~/", max_size=30).filter(lambda p: not p.endswith("/")))
def test_plain_path_fast_path_equals_the_full_algorithm(path: str) -> None:
    # canonical_uri skips its checks and encoding for paths of unreserved characters; appending a
    # segment and its '..' forces the full algorithm, which must land on the same string.
    assert signing.canonical_uri(path) == signing.canonical_uri(path + "/x/..")


# Any text, lone surrogates included (a pasted access key can hold one; JSON writes it as \udXXX).
_ANY_TEXT = st.text(alphabet=st.characters(codec=None, categories=None), max_size=40)


@settings(max_examples=400, deadline=None)
@given(_ANY_TEXT, _ANY_TEXT, st.integers(min_value=-(10**30), max_value=10**30))
def test_claims_are_written_as_the_json_encoder_writes_them(iss: str, dig: str, ts: int) -> None:
    # The claims `sign` makes take a shortcut past json's encoder; every byte must be the same.
    encoder = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True)
    claims = signing.jwt_payload(iss, dig, ts)
    segment = signing.token(claims, "k").split(".")[1]
    assert segment == signing.b64url(encoder.encode(claims).encode("utf-8"))
    # Other shapes (another order, a bool ts, an extra claim) go through the encoder itself.
    for other in ({"dig": dig, "iss": iss, "ts": ts}, {"iss": iss, "dig": dig, "ts": True}, {**claims, "x": 1}):
        assert signing.token(other, "k").split(".")[1] == signing.b64url(encoder.encode(other).encode("utf-8"))


@EXAMPLES
@given(requests, st.sampled_from(sorted(signing.READINGS)))
def test_rules_equal_to_the_spec_sign_as_the_spec_does(req: dict, reading: str) -> None:
    # Each Rules keeps its own options: an equal Rules made elsewhere must sign alike.
    rules = signing.READINGS[reading]
    copy = signing.Rules(**{name: getattr(rules, name) for name in rules.__dataclass_fields__})
    assert copy == rules and copy is not rules
    try:
        fast = signing.sign_with_rules(**req, access_key_id="ak", secret_key="sk", ts=1, rules=rules)
    except SigningInputError as exc:
        with pytest.raises(SigningInputError) as again:
            signing.sign_with_rules(**req, access_key_id="ak", secret_key="sk", ts=1, rules=copy)
        assert str(again.value) == str(exc)
    else:
        assert signing.sign_with_rules(**req, access_key_id="ak", secret_key="sk", ts=1, rules=copy) == fast


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200), st.text(alphabet="ABCxyz0189-_+/=. ", max_size=60))
def test_base64url_is_what_the_base64_module_makes_and_reads(data: bytes, text: str) -> None:
    import base64

    assert signing.b64url(data) == base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
    assert signing.b64url_decode(signing.b64url(data)) == data
    # Any text: the same bytes as base64's reader, or refused; never a character outside base64url.
    try:
        decoded = signing.b64url_decode(text)
    except ValueError:
        return
    assert set(text) <= set("ABCxyz0189-_")
    assert decoded == base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
