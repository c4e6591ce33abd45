"""Every stage of one request under one `Rules`: its value, or the error that stops it.

`sign` refuses the whole request at the first input it cannot sign. A tool that shows the stages
(the explorer, the doctor) needs more: each stage that can be computed, and for each broken input
the stage it breaks. `sign_stages` gives that, through the same stage functions as `sign`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from explorer.signing.stages import (
    SPEC_RULES,
    QueryInput,
    Rules,
    Signature,
    SigningInputError,
    canonical_method,
    canonical_query,
    canonical_request,
    canonical_uri,
    check_seconds,
    digest,
    now_ts,
    payload_hash,
    sign_checked,
)

# The inputs each group of stages reads, in the order their errors are reported.
CANONICAL_INPUTS = ("method", "path", "query", "body")
JWT_INPUTS = ("access key id", "secret key", "ts")


# Shared, read-only empties: a signed request (the per-keystroke case) allocates no dicts.
_NOTHING: Mapping[str, str] = MappingProxyType({})
_NO_ERRORS: Mapping[str, SigningInputError] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class StageResults:
    """The stages of one request: with `signature`, all of them; else the values that could be made.

    `errors` maps each input at fault (see CANONICAL_INPUTS and JWT_INPUTS) to its error. The
    canonical request and the digest need all four canonical inputs; the signature needs every input.
    """

    signature: Signature | None = None
    # Stage values when there is no signature (method, canonical_uri, ..., digest).
    partial: Mapping[str, str] = field(default_factory=lambda: _NOTHING)
    errors: Mapping[str, SigningInputError] = field(default_factory=lambda: _NO_ERRORS)

    def _stage(self, name: str) -> str | None:
        if self.signature is not None:
            value: str = getattr(self.signature, name)
            return value
        return self.partial.get(name)

    @property
    def method(self) -> str | None:
        return self._stage("method")

    @property
    def canonical_uri(self) -> str | None:
        return self._stage("canonical_uri")

    @property
    def canonical_query(self) -> str | None:
        return self._stage("canonical_query")

    @property
    def payload_hash(self) -> str | None:
        return self._stage("payload_hash")

    @property
    def canonical_request(self) -> str | None:
        return self._stage("canonical_request")

    @property
    def digest(self) -> str | None:
        return self._stage("digest")

    def error(self, *inputs: str) -> SigningInputError | None:
        """The first error among these inputs, or None."""
        for name in inputs:
            if name in self.errors:
                return self.errors[name]
        return None

    @property
    def canonical_errors(self) -> list[SigningInputError]:
        return [self.errors[name] for name in CANONICAL_INPUTS if name in self.errors]

    @property
    def jwt_errors(self) -> list[SigningInputError]:
        return [self.errors[name] for name in JWT_INPUTS if name in self.errors]


def sign_stages(
    *,
    method: str,
    path: str,
    query: QueryInput = (),
    body: bytes | str | SigningInputError = b"",
    access_key_id: str,
    secret_key: str,
    ts: int | SigningInputError | None = None,
    rules: Rules = SPEC_RULES,
) -> StageResults:
    """Each stage of the request `sign_with_rules` would sign, or the error that stops it.

    Takes what `sign_with_rules` takes. `ts` and `body` may also be the error that stopped the
    caller making them (a form's unreadable ts, a file that cannot be read): it is reported as that
    input's error, as given. Never raises SigningInputError.
    """
    errors: dict[str, SigningInputError] = {}
    if isinstance(ts, SigningInputError):
        errors["ts"] = ts
    else:
        try:
            ts = check_seconds(now_ts() if ts is None else ts, "ts")
        except SigningInputError as exc:
            errors["ts"] = exc
    if not isinstance(access_key_id, str) or not access_key_id:
        errors["access key id"] = SigningInputError("access key id", "is empty")
    if not isinstance(secret_key, str) or not secret_key:
        errors["secret key"] = SigningInputError("secret key", "is empty")

    refused: SigningInputError | None = None
    if isinstance(body, SigningInputError):
        errors["body"] = body
    if not errors:
        assert isinstance(ts, int) and not isinstance(body, SigningInputError)
        # The usual case: the whole pipeline once, through the function `sign` ends in (the inputs it
        # checks first were checked above).
        try:
            signature = sign_checked(method, path, query, body, access_key_id, secret_key, ts, rules)
        except SigningInputError as exc:
            refused = exc  # the pass below names the stage at fault
        else:
            return StageResults(signature=signature)

    # Stage by stage, so each broken input is named in the stage it breaks and the others show.
    partial: dict[str, str] = {}

    def attempt(name: str, stage: str, compute: Callable[[], str]) -> None:
        try:
            partial[stage] = compute()
        except SigningInputError as exc:
            errors[name] = SigningInputError(name, exc.message)

    attempt("method", "method", lambda: canonical_method(method))
    attempt("path", "canonical_uri", lambda: canonical_uri(path, **rules.uri_options()))
    attempt("query", "canonical_query", lambda: canonical_query(query, **rules.query_options()))
    if not isinstance(body, SigningInputError):
        body_given = body
        attempt("body", "payload_hash", lambda: payload_hash(body_given))
    if not any(name in errors for name in CANONICAL_INPUTS):
        request = canonical_request(
            partial["method"], partial["canonical_uri"], partial["canonical_query"], partial["payload_hash"]
        )
        partial["canonical_request"] = request
        partial["digest"] = digest(request)
        if refused is not None:
            # Every canonical stage passed on its own, yet signing refused (e.g. the secret key).
            errors[refused.field] = refused
    return StageResults(partial=partial, errors=errors)
