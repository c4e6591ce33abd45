"""Verification of a token against a request, with a named outcome for every way it can fail."""

from __future__ import annotations

import base64
import hmac
import json
from dataclasses import dataclass, field
from enum import StrEnum

from explorer.signing.stages import (
    DEFAULT_MAX_SKEW,
    SPEC_RULES,
    QueryInput,
    Rules,
    _hs256,
    b64url_decode,
    check_seconds,
    compute_canonical_request,
    digest,
    now_ts,
)

TYPE_CHECKING = False  # typing stays unloaded: annotations only
if TYPE_CHECKING:
    from typing import Any

# --- verification ---------------------------------------------------------------------------


class Outcome(StrEnum):
    """Why a token was accepted or rejected."""

    VALID = "valid"
    MALFORMED_TOKEN = "malformed token"
    ALGORITHM_NOT_HS256 = "algorithm not HS256"
    BAD_SIGNATURE = "bad signature"
    MISSING_CLAIM = "missing claim"
    MISTYPED_CLAIM = "mistyped claim"
    ISSUER_MISMATCH = "issuer mismatch"
    TS_TOO_OLD = "ts too old"
    TS_IN_FUTURE = "ts in the future"
    DIGEST_MISMATCH = "digest mismatch"

    @property
    def code(self) -> str:
        """A stable machine name: 'digest_mismatch' and so on."""
        return self.name.lower()


MAX_TOKEN_LENGTH = 8192


@dataclass(frozen=True)
class Verification:
    """The result of `verify`: a named outcome and what the verifier saw and computed."""

    outcome: Outcome
    detail: str
    jwt_header: dict[str, Any] | None = None
    jwt_payload: dict[str, Any] | None = None
    expected_canonical_request: str | None = None
    expected_digest: str | None = None
    received_digest: str | None = None
    skew: int | None = None
    max_skew: int = DEFAULT_MAX_SKEW
    claim: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.VALID

    def __bool__(self) -> bool:
        return self.ok


def decode_segment(segment: str) -> Any:
    """One part of a compact JWT, base64url-decoded and read as JSON.

    Raises ValueError (not base64url, not JSON), UnicodeDecodeError or RecursionError (JSON nested
    deeper than Python reads).
    """
    return json.loads(b64url_decode(segment).decode("utf-8"))


def decode_payload(token: str) -> dict[str, Any] | None:
    """The claims a server reads from `token` (its second part, decoded), or None when unreadable."""
    try:
        claims = decode_segment(token.split(".")[1])
    except (IndexError, ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None
    return claims if isinstance(claims, dict) else None


def verify(
    token: str,
    *,
    secret_key: str,
    method: str,
    path: str,
    query: QueryInput = (),
    body: bytes | str = b"",
    access_key_id: str | None = None,
    now: int | None = None,
    max_skew: int = DEFAULT_MAX_SKEW,
    rules: Rules = SPEC_RULES,
) -> Verification:
    """Check a token against a request exactly as the scheme says, and name the outcome.

    Order: shape, algorithm, signature, claims (presence and type), issuer (when
    `access_key_id` is given), ts window (|now - ts| <= max_skew), digest. A request that cannot
    be canonicalised raises SigningInputError, since that is the caller's input, not the token;
    so does a `now` or `max_skew` that is not integer seconds.
    """
    if now is not None:
        check_seconds(now, "now")
    check_seconds(max_skew, "max skew")
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        size = len(token) if isinstance(token, str) else 0
        return Verification(Outcome.MALFORMED_TOKEN, f"token is {size} characters; the limit is {MAX_TOKEN_LENGTH}")
    token = token.strip()
    if token.lower() == "bearer" or token.lower().startswith("bearer "):  # 'Bearer ' alone strips to 'Bearer'
        token = token[6:].strip()
    if not token:
        return Verification(Outcome.MALFORMED_TOKEN, "the token is empty")
    inside = next((index for index, char in enumerate(token) if char.isspace()), None)
    if inside is not None:
        part = ("header", "payload", "signature")[min(token.count(".", 0, inside), 2)]
        return Verification(
            Outcome.MALFORMED_TOKEN,
            f"white space inside the token at character {inside + 1} ({json.dumps(token[inside])}, in the {part}): "
            "a token is one unbroken string; a copy that wrapped or a paste that joined lines puts it there",
        )
    parts = token.split(".")
    if len(parts) != 3:
        return Verification(Outcome.MALFORMED_TOKEN, f"a JWT has 3 dot-separated parts; this one has {len(parts)}")
    try:
        jwt_header = decode_segment(parts[0])
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        # RecursionError: deeply nested JSON ('[[[[...') that still fits in MAX_TOKEN_LENGTH.
        return Verification(Outcome.MALFORMED_TOKEN, f"header is not base64url JSON ({exc})")
    if not isinstance(jwt_header, dict):
        return Verification(Outcome.MALFORMED_TOKEN, "header is not a JSON object")
    try:
        claims = decode_segment(parts[1])
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        return Verification(Outcome.MALFORMED_TOKEN, f"payload is not base64url JSON ({exc})", jwt_header)
    if not isinstance(claims, dict):
        return Verification(Outcome.MALFORMED_TOKEN, "payload is not a JSON object", jwt_header)
    alg = jwt_header.get("alg")
    if alg != "HS256":
        return Verification(
            Outcome.ALGORITHM_NOT_HS256,
            f'header alg is {json.dumps(alg)}; only "HS256" is accepted',
            jwt_header,
            claims,
        )
    crit = jwt_header.get("crit")
    if crit is not None:
        # RFC 7515 §4.1.11: a recipient that does not understand every extension `crit` names must
        # reject the token; this scheme defines none.
        named = json.dumps(crit, ensure_ascii=True)[:200]
        return Verification(
            Outcome.MALFORMED_TOKEN,
            f"header crit is {named}: the token requires extensions this scheme does not define "
            "(RFC 7515 §4.1.11: reject)",
            jwt_header,
            claims,
        )
    try:
        received_signature = b64url_decode(parts[2])
    except ValueError:
        return Verification(Outcome.MALFORMED_TOKEN, "signature is not base64url", jwt_header, claims)
    canonical = base64.urlsafe_b64encode(received_signature).decode("ascii").rstrip("=")
    if canonical != parts[2].rstrip("="):
        # The last character carries bits past the signature's end; they must be zero (RFC 4648 §3.5),
        # or two different strings would pass as the same signature.
        return Verification(
            Outcome.MALFORMED_TOKEN,
            f"signature's base64url has non-zero unused bits in its last character "
            f"({parts[2].rstrip('=')[-1:]!r}; the canonical form ends in {canonical[-1:]!r})",
            jwt_header,
            claims,
        )
    signing_input = f"{parts[0]}.{parts[1]}".encode("ascii")
    if not hmac.compare_digest(received_signature, _hs256(signing_input, secret_key)):
        return Verification(
            Outcome.BAD_SIGNATURE,
            "HMAC-SHA256 of header.payload with this secret key does not match "
            "(wrong secret key, or the token was edited)",
            jwt_header,
            claims,
        )
    for claim, kind, kind_name in (("iss", str, "a string"), ("dig", str, "a string"), ("ts", int, "an integer")):
        if claim not in claims:
            return Verification(Outcome.MISSING_CLAIM, f"claim {claim!r} is missing", jwt_header, claims, claim=claim)
        value = claims[claim]
        if isinstance(value, bool) or not isinstance(value, kind):
            return Verification(
                Outcome.MISTYPED_CLAIM,
                f"claim {claim!r} must be {kind_name}, got {json.dumps(value)}",
                jwt_header,
                claims,
                claim=claim,
            )
    if access_key_id is not None and claims["iss"] != access_key_id:
        return Verification(
            Outcome.ISSUER_MISMATCH,
            f"iss is {claims['iss']!r}; expected access key id {access_key_id!r}",
            jwt_header,
            claims,
            claim="iss",
        )
    current = now_ts() if now is None else now
    skew = current - claims["ts"]
    if skew > max_skew:
        return Verification(
            Outcome.TS_TOO_OLD,
            f"ts is {skew} s old; the window is {max_skew} s",
            jwt_header,
            claims,
            skew=skew,
            max_skew=max_skew,
            claim="ts",
        )
    if -skew > max_skew:
        return Verification(
            Outcome.TS_IN_FUTURE,
            f"ts is {-skew} s in the future; the window is {max_skew} s",
            jwt_header,
            claims,
            skew=skew,
            max_skew=max_skew,
            claim="ts",
        )
    *_, expected_request = compute_canonical_request(method=method, path=path, query=query, body=body, rules=rules)
    expected_digest = digest(expected_request)
    # Compare bytes: compare_digest refuses str with non-ASCII characters, and dig is attacker-chosen.
    received = claims["dig"].encode("utf-8", "surrogatepass")
    if not hmac.compare_digest(received, expected_digest.encode("ascii")):
        return Verification(
            Outcome.DIGEST_MISMATCH,
            "dig does not match the SHA-256 of the canonical request the verifier computed",
            jwt_header,
            claims,
            expected_canonical_request=expected_request,
            expected_digest=expected_digest,
            received_digest=claims["dig"],
            skew=skew,
            max_skew=max_skew,
            claim="dig",
        )
    return Verification(
        Outcome.VALID,
        "signature, claims, ts and digest all check out",
        jwt_header,
        claims,
        expected_canonical_request=expected_request,
        expected_digest=expected_digest,
        received_digest=claims["dig"],
        skew=skew,
        max_skew=max_skew,
    )


def first_difference(a: str, b: str) -> int | None:
    """Index of the first character where two strings differ, or None when equal."""
    if a == b:
        return None
    for index, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return index
    return min(len(a), len(b))
