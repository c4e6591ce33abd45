"""Authentication of Open API calls: `explorer.signing.verify` on the request as it came off the wire.

The request verified is: the method; the raw request path (scope["raw_path"], so percent-encodings
reach the canonical rule untouched); the raw query string (decoded by `signing.parse_query`, '+'
literal); the raw body bytes, read once. A rejection is a 900002 envelope with a `sandbox` object
naming the reason and showing the canonical request the sandbox computed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from explorer import signing
from explorer.sandbox import envelope as env
from explorer.sandbox.envelope import ApiError

if TYPE_CHECKING:
    from explorer import doctor

logger = logging.getLogger("explorer.sandbox")

MISSING_HEADER = "missing_header"
AUTH_STATUS = 401
# The mistake search runs on every rejection: singles always, pairs until this budget is spent.
DIAGNOSIS_BUDGET_S = 0.1
MAX_LIKELY_MISTAKES = 5


def wire_text(raw: bytes) -> str:
    """Raw path or query bytes as text (UTF-8; anything else cannot have been signed as text)."""
    return raw.decode("utf-8")


def canonicalise(method: str, raw_path: bytes, raw_query: bytes, body: bytes) -> tuple[str, str]:
    """(canonical request, digest) as the sandbox computes them; ApiError 900001 when impossible."""
    try:
        *_, request = signing.compute_canonical_request(
            method=method, path=wire_text(raw_path), query=wire_text(raw_query), body=body
        )
    except (signing.SigningInputError, UnicodeError, ValueError) as exc:
        raise ApiError(
            env.INVALID_PARAMETER, f"invalid parameter: the request cannot be canonicalised ({exc})", 400
        ) from None
    return request, signing.digest(request)


def likely_mistakes(
    found: doctor.FoundToken,
    *,
    access_key_id: str,
    secret_key: str,
    method: str,
    raw_path: bytes,
    raw_query: bytes,
    body: bytes,
    ts_window: int,
    now: int | None,
) -> list[dict[str, str]]:
    """The doctor's named mistakes for a rejected token, most likely first (possibly none)."""
    from explorer import doctor  # loaded by the first rejection: a signed call never needs it

    request = doctor.ImportedRequest(method, wire_text(raw_path), wire_text(raw_query), (), body)
    try:
        diagnosis = doctor.diagnose(
            found, request, secret_key=secret_key, access_key_id=access_key_id, now=now, max_skew=ts_window,
            budget_s=DIAGNOSIS_BUDGET_S,
        )  # fmt: skip
    except (signing.SigningInputError, UnicodeError, ValueError):
        return []
    except Exception as exc:  # advice only: a failure inside it must never turn the 401 into a 500
        logger.warning("the 900002 diagnosis failed (%s); answered without likely_mistakes", type(exc).__name__)
        return []
    return [{"name": m.name, "title": m.title, "fix": m.fix} for m in diagnosis.likely_mistakes[:MAX_LIKELY_MISTAKES]]


def _sandbox_object(
    reason: str,
    outcome: str,
    detail: str,
    canonical_request: str,
    digest: str,
    received_dig: Any,
    skew: int | None,
    ts_window: int,
    mistakes: list[dict[str, str]],
) -> dict[str, Any]:
    return {
        "reason": reason,
        "outcome": outcome,
        "detail": detail,
        "canonical_request": canonical_request,
        "digest": digest,
        # The claim as received, lone surrogates written visibly (a hostile token may carry any text).
        "received_dig": env.visible(received_dig) if isinstance(received_dig, str) else None,
        "skew": skew,
        "ts_window": ts_window,
        "likely_mistakes": mistakes,
    }


def authenticate(
    *,
    token: str | None,
    access_key_id: str,
    secret_key: str,
    method: str,
    raw_path: bytes,
    raw_query: bytes,
    body: bytes,
    ts_window: int,
    now: int | None = None,
    headers: Iterable[tuple[str, str]] = (),
) -> signing.Verification:
    """Verify one request; return the Verification when valid, raise ApiError 900002 otherwise.

    A request that cannot be canonicalised is 900001 whatever its token says. The canonical request
    for the `sandbox` object is computed only on the way to a rejection (a valid call has it in
    its Verification already). `headers`, all the request's headers, let a token sent under
    another name (Authorization: Bearer) be found and named.
    """

    def mistakes_for(token: str | None) -> list[dict[str, str]]:
        """The likely mistakes for this token, or for one sent under another header when it is None."""
        from explorer import doctor  # loaded by the first rejection: a signed call never needs it

        found = (
            doctor.FoundToken(token, signing.HEADER_NAME)
            if token is not None
            else doctor.token_from_headers(tuple(headers))
        )
        if found is None:
            return []
        return likely_mistakes(
            found, access_key_id=access_key_id, secret_key=secret_key, method=method, raw_path=raw_path,
            raw_query=raw_query, body=body, ts_window=ts_window, now=now,
        )  # fmt: skip

    if token is None:
        canonical_request, digest = canonicalise(method, raw_path, raw_query, body)
        mistakes = mistakes_for(None)
        raise ApiError(
            env.AUTH_FAILED,
            "JWT authentication failed: missing header",
            AUTH_STATUS,
            _sandbox_object(
                MISSING_HEADER,
                "missing header",
                f"the request has no {signing.HEADER_NAME} header",
                canonical_request,
                digest,
                None,
                None,
                ts_window,
                mistakes,
            ),
        )
    try:
        result = signing.verify(
            token,
            secret_key=secret_key,
            method=method,
            path=wire_text(raw_path),
            query=wire_text(raw_query),
            body=body,
            access_key_id=access_key_id,
            now=now,
            max_skew=ts_window,
        )
    except (signing.SigningInputError, UnicodeError, ValueError):
        canonicalise(method, raw_path, raw_query, body)  # raises the 900001 that names the problem
        raise
    if result.ok:
        return result
    canonical_request, digest = canonicalise(method, raw_path, raw_query, body)
    mistakes = mistakes_for(token)
    claims = result.jwt_payload or {}
    skew = result.skew
    ts = claims.get("ts")
    if skew is None and isinstance(ts, int) and not isinstance(ts, bool):
        skew = (signing.now_ts() if now is None else now) - ts
    raise ApiError(
        env.AUTH_FAILED,
        f"JWT authentication failed: {result.outcome.value}",
        AUTH_STATUS,
        _sandbox_object(
            result.outcome.code,
            result.outcome.value,
            result.detail,
            canonical_request,
            digest,
            claims.get("dig"),
            skew,
            ts_window,
            mistakes,
        ),
    )
