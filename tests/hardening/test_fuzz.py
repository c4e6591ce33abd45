"""Property fuzzing of sign, verify and decrypt: nothing escapes but the project's own error types.

The project's error types: `signing.SigningInputError` (a ValueError naming the input at fault)
for sign and verify, and `crypto.CryptoError` (a ValueError with a `kind`) for keys and
ciphertexts. `verify` never raises for anything wrong with the token: it names an Outcome. Every
other exception (a bare ValueError, TypeError, UnicodeError, RecursionError...) fails the test.

The examples per test follow the hypothesis profile: "ci" by default, `--hypothesis-profile=long`
for 10,000 each. RSA keys are made once per module (key generation is slow).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from explorer import crypto, signing
from explorer.tui.model import parse_ts
from tests.hardening import tally
from tests.hardening.fuzz_strategies import (
    any_int,
    any_text,
    b64url_json,
    base64_variant,
    bodies,
    flip,
    flip_bytes,
    hostile_text,
    json_int,
    json_value,
    keys,
    methods,
    paths,
    queries,
    rules,
    timestamps,
)

# Many draws per example (mangling picks positions one by one): data_too_large is expected here.
FUZZ = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SECRET = "fuzz-secret-key-0123456789abcdef"
ACCESS = "fuzzAccessKey"
TS = 1_700_000_000
PASSPHRASE = "fuzz passphrase \u00e9"

KEY_1024 = crypto.generate_private_key(1024)
KEY_2048 = crypto.generate_private_key(2048)
KEYS = {1024: KEY_1024, 2048: KEY_2048}
PEM_PLAIN = crypto.private_key_pem(KEY_1024).decode("ascii")
PEM_ENCRYPTED = crypto.private_key_pem(KEY_1024, PASSPHRASE).decode("ascii")
PLAINTEXTS = ["o_8f2c1d", '{"openId": "o_1", "phone": "+6582000000"}', "user-1@example.com", "\u00e9\u4e2d\U0001f600"]


def _sign_or_refuse(**kwargs: Any) -> signing.Signature | None:
    """sign_with_rules; None when it refused with SigningInputError (the only error allowed)."""
    try:
        signature = signing.sign_with_rules(**kwargs)
    except signing.SigningInputError as exc:
        assert exc.field and exc.message and str(exc) == f"{exc.field}: {exc.message}"
        event(f"refused: {exc.field}")
        return None
    event("signed")
    return signature


# --- sign ---------------------------------------------------------------------------------------


# Each example makes zero to two inputs hostile and draws the rest from plausible values, so most
# examples sign (and round-trip through verify) while every input still gets its share of abuse.
PLAUSIBLE: dict[str, st.SearchStrategy[Any]] = {
    "method": st.sampled_from(["GET", "POST", "put", "DELETE"]),
    "path": st.one_of(paths, st.text(max_size=40)).filter(lambda p: not any(c in p for c in "?#\r\n")),
    "query": st.one_of(
        st.text(max_size=40), st.lists(st.tuples(st.text(max_size=12), st.text(max_size=12)), max_size=4)
    ),
    "body": st.one_of(st.binary(max_size=100), st.text(max_size=100)),
    "access_key_id": st.text(min_size=1, max_size=30),
    "secret_key": st.text(min_size=1, max_size=60),
    "ts": st.one_of(st.none(), st.integers(min_value=-(2**63), max_value=2**63)),
}
HOSTILE: dict[str, st.SearchStrategy[Any]] = {
    "method": methods,
    "path": paths,
    "query": queries,
    "body": bodies,
    "access_key_id": keys,
    "secret_key": keys,
    "ts": timestamps,
}


@FUZZ
@given(
    data=st.data(),
    hostile=st.sets(st.sampled_from(sorted(HOSTILE)), max_size=2),
    chosen=st.one_of(st.just(signing.SPEC_RULES), rules),
)
def test_sign_raises_only_signing_input_error_and_what_it_signs_verifies(
    data: st.DataObject, hostile: set[str], chosen: signing.Rules
) -> None:
    inputs = {name: data.draw((HOSTILE if name in hostile else PLAUSIBLE)[name], label=name) for name in PLAUSIBLE}
    signature = _sign_or_refuse(**inputs, rules=chosen)
    if signature is not None:
        # What sign accepted, verify accepts, under the same rules at the signing time.
        result = signing.verify(
            signature.token,
            secret_key=inputs["secret_key"],
            method=inputs["method"],
            path=inputs["path"],
            query=inputs["query"],
            body=inputs["body"],
            access_key_id=inputs["access_key_id"],
            now=signature.jwt_payload["ts"],
            rules=chosen,
        )
        assert result.ok, result.detail
        assert signature.header_line == f"{signing.HEADER_NAME}: {signature.token}"
        assert signature.token.isascii()
    tally.count("property fuzzing", "sign")


@FUZZ
@given(
    text=st.one_of(
        hostile_text,
        st.integers(min_value=4290, max_value=5100).map(lambda n: "9" * n),
        st.integers(min_value=4290, max_value=5100).map(lambda n: "-" + "1" * n),
        st.from_regex(r"\s*-?[0-9]{1,30}\s*", fullmatch=True),
    )
)
def test_the_explorer_ts_field_takes_any_text_and_raises_only_signing_input_error(text: str) -> None:
    """The ts field is parsed by the explorer before sign sees it: a pasted 5,000-digit number once escaped."""
    try:
        ts = parse_ts(text)
    except signing.SigningInputError as exc:
        assert exc.field == "ts" and exc.message
        event("refused")
    else:
        assert ts == int(text.strip())
        event("parsed")
        # What the field accepts, sign either signs or refuses by name.
        _sign_or_refuse(method="GET", path="/", access_key_id=ACCESS, secret_key=SECRET, ts=ts)
    tally.count("property fuzzing", "sign")


# --- verify -------------------------------------------------------------------------------------


def _valid_token(path: str = "/mp-api/v1/apps/a/user-open-data", query: Any = (("openData", "dt_1"),)) -> str:
    return signing.sign(method="GET", path=path, query=query, access_key_id=ACCESS, secret_key=SECRET, ts=TS).token


VALID_TOKEN = _valid_token()


def _crafted(header: Any, claims: Any, key: str = SECRET) -> str:
    """A token with any JSON header and claims, correctly signed: the verifier's claim checks get fuzzed too."""
    signing_input = f"{b64url_json(header)}.{b64url_json(claims)}"
    mac = hmac.new(key.encode("utf-8"), signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{signing.b64url(mac)}"


def _same_segments(token: str, original: str) -> bool:
    """True when `token` carries the same bytes as `original` (base64url's spare bits can differ)."""
    parts, ours = token.strip().split("."), original.split(".")
    if len(parts) != 3:
        return False
    try:
        return all(signing.b64url_decode(a) == signing.b64url_decode(b) for a, b in zip(parts, ours, strict=True))
    except ValueError:
        return False


def _verify(token: Any, **overrides: Any) -> signing.Verification | None:
    kwargs: dict[str, Any] = {
        "secret_key": SECRET,
        "method": "GET",
        "path": "/mp-api/v1/apps/a/user-open-data",
        "query": (("openData", "dt_1"),),
        "access_key_id": ACCESS,
        "now": TS,
    }
    kwargs.update(overrides)
    try:
        result = signing.verify(token, **kwargs)
    except signing.SigningInputError as exc:
        assert exc.field and exc.message
        event(f"refused: {exc.field}")
        return None
    event(f"outcome: {result.outcome.code}")
    assert isinstance(result, signing.Verification)
    assert isinstance(result.outcome, signing.Outcome) and result.detail
    return result


@FUZZ
@given(data=st.data(), kind=st.sampled_from(["mangled", "text", "bytes", "crafted", "request"]))
def test_verify_names_an_outcome_for_any_token_and_raises_only_signing_input_error(
    data: st.DataObject, kind: str
) -> None:
    if kind == "mangled":
        # A real token, a few characters changed: only a change base64url ignores may still be valid.
        token = flip(VALID_TOKEN, data, "token")
        result = _verify(token)
        assert result is not None
        assert not result.ok or _same_segments(token, VALID_TOKEN), (token, result.detail)
    elif kind == "text":
        token = data.draw(st.one_of(hostile_text, st.text(max_size=9000), any_text.map(lambda t: f"{t}.{t}.{t}")))
        if data.draw(st.booleans(), label="bearer"):
            token = "Bearer " + token
        result = _verify(token)
        assert result is not None and not result.ok
    elif kind == "bytes":
        raw = data.draw(st.binary(max_size=300), label="raw")
        # As bytes (the API wants text: a named outcome, not a crash) and as the text they may become.
        for token in (raw, raw.decode("latin-1"), raw.decode("utf-8", "surrogateescape")):
            result = _verify(token)
            assert result is not None and not result.ok
    elif kind == "crafted":
        header = data.draw(st.one_of(st.just({"alg": "HS256", "typ": "JWT"}), json_value), label="header")
        claims = data.draw(
            st.one_of(
                st.fixed_dictionaries({"iss": json_value, "dig": json_value, "ts": json_value}),
                st.fixed_dictionaries({"iss": st.just(ACCESS), "dig": any_text, "ts": json_int}),
                json_value,
            ),
            label="claims",
        )
        result = _verify(_crafted(header, claims), now=data.draw(st.one_of(st.none(), any_int), label="now"))
        if result is not None and result.ok:
            # Only the claims of a request that really hashes to dig can pass.
            assert header.get("alg") == "HS256" and claims.get("iss") == ACCESS
            assert claims["dig"] == result.expected_digest
    else:
        # The request side: anything the caller can pass next to a real token.
        result = _verify(
            VALID_TOKEN,
            secret_key=data.draw(hostile_text, label="secret key"),
            method=data.draw(methods, label="method"),
            path=data.draw(paths, label="path"),
            query=data.draw(queries, label="query"),
            body=data.draw(bodies, label="body"),
            access_key_id=data.draw(st.one_of(st.none(), hostile_text), label="access key id"),
            now=data.draw(st.one_of(st.none(), any_int, st.floats()), label="now"),
            max_skew=data.draw(any_int, label="max skew"),
            rules=data.draw(rules, label="rules"),
        )
    tally.count("property fuzzing", "verify")


# --- decrypt ------------------------------------------------------------------------------------


def _decrypt(key_bits: int, user_data: Any) -> crypto.Decrypted | None:
    try:
        result = crypto.decrypt(KEYS[key_bits], user_data)
    except crypto.CryptoError as exc:
        assert exc.kind and exc.message and "PRIVATE KEY" not in exc.message
        event(f"refused: {exc.kind}")
        return None
    event("decrypted")
    assert isinstance(result, crypto.Decrypted) and isinstance(result.plaintext, str)
    result.pretty()  # the pane's view of it must not fail either
    return result


@FUZZ
@given(
    data=st.data(),
    key_bits=st.sampled_from([1024, 2048]),
    plaintext=st.sampled_from(PLAINTEXTS),
    kind=st.sampled_from(["intact", "mangled bytes", "mangled text", "random block", "text", "bytes", "other key"]),
)
def test_decrypt_raises_only_crypto_error_and_intact_ciphertexts_come_back(
    data: st.DataObject, key_bits: int, plaintext: str, kind: str
) -> None:
    key = KEYS[key_bits]
    size = key_bits // 8
    raw = base64.b64decode(crypto.encrypt_user_data(key.public_key(), plaintext, urlsafe=False))
    if kind == "intact":
        result = _decrypt(key_bits, base64_variant(raw, data))
        assert result is not None and result.plaintext == plaintext
    elif kind == "mangled bytes":
        # A changed block either fails padding or (implicit rejection) decrypts to something else.
        mangled = flip_bytes(raw, data, "ciphertext")
        result = _decrypt(key_bits, base64_variant(mangled, data))
        assert result is None or result.plaintext != plaintext or mangled == raw
    elif kind == "mangled text":
        _decrypt(key_bits, flip(base64_variant(raw, data), data, "base64"))
    elif kind == "random block":
        _decrypt(key_bits, base64_variant(data.draw(st.binary(min_size=size, max_size=size), label="block"), data))
    elif kind == "text":
        _decrypt(key_bits, data.draw(st.one_of(hostile_text, st.text(alphabet="AZaz09+/-_= \n", max_size=400))))
    elif kind == "bytes":
        _decrypt(key_bits, data.draw(st.binary(max_size=400), label="bytes"))
    else:
        other = 2048 if key_bits == 1024 else 1024
        assert _decrypt(other, base64_variant(raw, data)) is None  # the length alone tells
    tally.count("property fuzzing", "decrypt")


def _load(pem: Any, passphrase: Any) -> Any:
    try:
        key = crypto.load_private_key(pem, passphrase)
    except crypto.CryptoError as exc:
        assert exc.kind and exc.message
        event(f"refused: {exc.kind}")
        return None
    event("loaded")
    assert key.key_size in (1024, 2048)
    return key


@FUZZ
@given(
    data=st.data(),
    kind=st.sampled_from(["mangled", "mangled encrypted", "text", "bytes", "der", "pem of junk"]),
    passphrase=st.one_of(st.none(), st.just(PASSPHRASE), hostile_text, st.binary(max_size=16)),
)
def test_decrypt_key_material_raises_only_crypto_error(data: st.DataObject, kind: str, passphrase: Any) -> None:
    if kind == "mangled":
        pem = flip(PEM_PLAIN, data, "pem")
        key = _load(pem, passphrase)
        assert key is None or key.private_numbers() == KEY_1024.private_numbers() or pem != PEM_PLAIN
    elif kind == "mangled encrypted":
        _load(flip(PEM_ENCRYPTED, data, "pem"), passphrase)
    elif kind == "text":
        _load(data.draw(hostile_text, label="text"), passphrase)
    elif kind == "bytes":
        _load(data.draw(st.binary(max_size=600), label="bytes"), passphrase)
    elif kind == "der":
        der = base64.b64decode("".join(PEM_PLAIN.splitlines()[1:-1]))
        _load(flip_bytes(der, data, "der"), passphrase)
    else:
        label = data.draw(
            st.sampled_from(["PRIVATE KEY", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "EC PRIVATE KEY"])
        )
        body = base64.b64encode(data.draw(st.binary(max_size=300), label="body")).decode()
        _load(f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n", passphrase)
    tally.count("property fuzzing", "decrypt")


@pytest.mark.parametrize("passphrase", [PASSPHRASE, PASSPHRASE.encode("utf-8")])
def test_the_module_keys_load_and_decrypt(passphrase: str | bytes) -> None:
    """The fuzzed inputs start from working material: the encrypted PEM loads with its passphrase."""
    key = crypto.load_private_key(PEM_ENCRYPTED, passphrase)
    assert key.private_numbers() == KEY_1024.private_numbers()
    assert crypto.decrypt(key, crypto.encrypt_user_data(key.public_key(), "o_1")).plaintext == "o_1"
