"""What the explorer's form means: its state, and every stage computed from it.

Pure (no Textual, no I/O): the form hands a FormState in, `compute` hands Stages back, and each
widget renders one part of it. An input that cannot be signed becomes a SigningInputError stored
in the stage it breaks, so the other stages still show what they can.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from explorer import multipart, signing
from explorer.endpoints import BY_NAME, MULTIPART, fill_json_placeholders, fill_placeholders, placeholders_in
from explorer.request import RequestSpec, check_base_url

# Which stage an input feeds (for F1 help and for error placement).
FIELD_STAGE: dict[str, str] = {
    "target": "send",
    "endpoint": "canonical",
    "method": "canonical",
    "path": "canonical",
    "query": "canonical",
    "body": "canonical",
    "file": "canonical",
    "app-id": "canonical",
    "data-token": "canonical",
    "access-key-id": "jwt",
    "secret-key": "jwt",
    "ts": "jwt",
    "private-key": "decrypt",
    "passphrase": "decrypt",
    "timeout": "send",
}


@dataclass(frozen=True)
class FormState:
    """The text of every input, as typed."""

    target: str = ""
    endpoint: str | None = None
    method: str = "GET"
    path: str = ""
    query: str = ""
    body: str = ""
    app_id: str = ""
    access_key_id: str = ""
    secret_key: str = field(default="", repr=False)
    data_token: str = ""
    private_key: str = field(default="", repr=False)
    passphrase: str = field(default="", repr=False)
    ts: str = ""
    timeout: str = "10"
    file: str = ""  # UploadFile's file: a path, or empty for the built-in sample image


def placeholder_values(state: FormState, known: dict[str, str] | None = None) -> dict[str, str]:
    """Values for {appId}, {dataToken}, what the sandbox handed out (`known`: {openId}, {pushToken},
    {fileId}, {skuId}, {newSkuId}) and the selected endpoint's sample placeholders."""
    values: dict[str, str] = dict(known or {})
    endpoint = BY_NAME.get(state.endpoint or "")
    if endpoint is not None:
        values.update(endpoint.placeholders)
    if state.app_id:
        values["appId"] = state.app_id
    if state.data_token:
        values["dataToken"] = state.data_token
    return values


_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_INTEGER = re.compile(r"-?\d+")


def parse_query_text(text: str, values: dict[str, str] | None = None) -> tuple[list[tuple[str, str]], str]:
    """The query field's pairs and how they were read ("lines" or "raw").

    One `name=value` per line, taken literally; or one line that looks like a query string
    (contains '&' or a %XY escape, or starts with '?'), parsed with signing.parse_query (percent-decoded).
    {placeholders} in values are filled from `values`.
    """
    values = values or {}
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) == 1 and (lines[0].startswith("?") or "&" in lines[0] or _ESCAPE.search(lines[0])):
        pairs = signing.parse_query(lines[0])
        mode = "raw"
    else:
        pairs = []
        for line in lines:
            name, _, value = line.partition("=")
            pairs.append((name, value))
        mode = "lines"
    return [(name, fill_placeholders(value, values)) for name, value in pairs], mode


# 9999-12-31 23:59:59 UTC: past it there is no calendar date, and `sign --ts` refuses it too.
MAX_TS = signing.MAX_TS


def parse_ts(text: str) -> int:
    """The timestamp field as integer Unix seconds; SigningInputError('ts') otherwise."""
    stripped = text.strip()
    if stripped.isascii() and stripped.isdigit() and len(stripped) <= len(str(MAX_TS)):  # the usual case
        value = int(stripped)
        if value <= MAX_TS:
            return value
    if not stripped:
        raise signing.SigningInputError("ts", "is empty; give integer Unix seconds")
    if not _INTEGER.fullmatch(stripped):
        raise signing.SigningInputError("ts", f"{stripped!r} is not integer Unix seconds")
    try:
        value = int(stripped)
    except ValueError:  # more digits than Python converts (4300 by default)
        digits = len(stripped.lstrip("-"))
        raise signing.SigningInputError("ts", f"has {digits} digits: give integer Unix seconds") from None
    # The same bounds as `mp-explorer sign --ts`: a ts a server can read and a calendar can show.
    if value < 0:
        raise signing.SigningInputError("ts", f"{value} is before 1970-01-01: Unix seconds are 0 or more")
    if value > MAX_TS:
        raise signing.SigningInputError("ts", f"is after the year 9999 (the largest is {MAX_TS})")
    return value


def parse_timeout(text: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise signing.SigningInputError("timeout", f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 600:
        raise signing.SigningInputError("timeout", "must be more than 0 and at most 600 seconds")
    return value


def relative_time(seconds: int) -> str:
    """'3 y ago', 'in 2 min', 'now'."""
    size = abs(seconds)
    if size < 1:
        return "now"
    steps = ((60, "s", 1), (3600, "min", 60), (86400, "h", 3600), (86400 * 30, "d", 86400))
    # The last step has no upper bound: a pasted 400-digit ts is still a number of years.
    steps += ((86400 * 365, "mo", 86400 * 30), (float("inf"), "y", 86400 * 365))
    _limit, unit, div = next(step for step in steps if size < step[0])
    amount = size // div
    return f"{amount} {unit} ago" if seconds > 0 else f"in {amount} {unit}"


def describe_ts(ts: int, now: int) -> str:
    """'1700000000 (2023-11-14 22:13:20 UTC, 3 y ago)'."""
    try:
        when = datetime.fromtimestamp(ts, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (OverflowError, OSError, ValueError):
        when = "out of range"
    return f"{ts} ({when}, {relative_time(now - ts)})"


def normalise_pem(text: str) -> str:
    """Rebuild a PEM block whose line breaks were flattened to spaces (pasted into one-line input)."""
    match = re.search(r"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", text, re.S)
    if match is None or "\n" in match.group(2).strip():
        return text
    label, inner = match.group(1), match.group(2)
    tokens = inner.split()
    headers: list[str] = []
    while len(tokens) >= 2 and tokens[0].endswith(":"):
        headers.append(f"{tokens[0]} {tokens[1]}")
        tokens = tokens[2:]
    data = "".join(tokens)
    lines = [f"-----BEGIN {label}-----", *headers]
    if headers:
        lines.append("")
    lines += [data[i : i + 64] for i in range(0, len(data), 64)]
    lines.append(f"-----END {label}-----")
    return "\n".join(lines) + "\n"


@dataclass
class Stages:
    """Every stage of the current form, or the error that stops it."""

    ts: int | None = None
    now: int = 0
    access_key_id: str = ""
    path: str = ""
    query_pairs: list[tuple[str, str]] = field(default_factory=list)
    query_mode: str = "lines"
    unfilled: list[str] = field(default_factory=list)  # placeholders left in the path or the query
    body_unfilled: list[str] = field(default_factory=list)  # placeholders left in the body
    body: bytes | None = None  # the body bytes hashed and sent (None when the body cannot be made)
    multipart: multipart.Multipart | None = None  # UploadFile's built body
    method: str | None = None
    canonical_uri: str | None = None
    canonical_query: str | None = None
    payload_hash: str | None = None
    errors: dict[str, signing.SigningInputError] = field(default_factory=dict)
    canonical_request: str | None = None
    digest: str | None = None
    signature: signing.Signature | None = None
    # The token's payload as a server decodes it (base64url JSON of the second part).
    decoded_payload: dict[str, object] | None = None
    secret_note: str | None = None
    spec: RequestSpec | None = None
    base_url: str | None = None
    target_error: signing.SigningInputError | None = None

    def error(self, *fields: str) -> signing.SigningInputError | None:
        """The first error among these fields."""
        for name in fields:
            if name in self.errors:
                return self.errors[name]
        return None

    @property
    def canonical_errors(self) -> list[signing.SigningInputError]:
        return [self.errors[f] for f in ("method", "path", "query", "body") if f in self.errors]

    @property
    def jwt_errors(self) -> list[signing.SigningInputError]:
        return [self.errors[f] for f in ("access key id", "secret key", "ts") if f in self.errors]


def compute(
    state: FormState,
    *,
    ts: int | None,
    now: int,
    rules: signing.Rules = signing.SPEC_RULES,
    known: dict[str, str] | None = None,
) -> Stages:
    """All stages of the form's request.

    `ts` None means the ts field is read (and may be bad); `now` is the clock (for "3 y ago");
    `known` fills placeholders with what the sandbox handed out (see explorer.known_values).
    """
    result = Stages(now=now, access_key_id=state.access_key_id)
    values = placeholder_values(state, known)
    result.path = fill_placeholders(state.path, values)
    result.unfilled = placeholders_in(result.path)
    pairs, result.query_mode = parse_query_text(state.query, values)
    result.query_pairs = pairs
    result.unfilled += [name for _, value in pairs for name in placeholders_in(value)]

    def attempt(name: str, func, *args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return func(*args, **kwargs)
        except signing.SigningInputError as exc:
            result.errors[name] = signing.SigningInputError(name, exc.message)
            return None

    endpoint = BY_NAME.get(state.endpoint or "")
    content_type: str | None = None
    if endpoint is not None and endpoint.content_type == MULTIPART:
        # UploadFile: the body is built from the file; the body box only shows a summary of it.
        try:
            built = multipart.build(multipart.load_part(state.file))
        except signing.SigningInputError as exc:
            result.errors["body"] = signing.SigningInputError("file", exc.message)
        else:
            result.multipart, result.body, content_type = built, built.body, built.content_type
    else:
        is_json = state.body.lstrip()[:1] in ("{", "[")
        body_text = (fill_json_placeholders if is_json else fill_placeholders)(state.body, values)
        result.body_unfilled = placeholders_in(body_text)
        result.body = attempt("body", signing.body_bytes, body_text)
        if endpoint is not None and result.body:
            content_type = endpoint.content_type

    if ts is None:
        ts = attempt("ts", parse_ts, state.ts)
    result.ts = ts
    if not state.access_key_id:
        result.errors["access key id"] = signing.SigningInputError("access key id", "is empty")
    if not state.secret_key:
        result.errors["secret key"] = signing.SigningInputError("secret key", "is empty")
    else:
        result.secret_note = signing.secret_key_note(state.secret_key)

    # The usual case: the whole pipeline once, through the same sign() the CLI and exports use.
    refused: signing.SigningInputError | None = None
    if not result.jwt_errors and ts is not None and result.body is not None:
        try:
            spec = RequestSpec(
                method=state.method,
                path=result.path,
                query=tuple(pairs),
                body=result.body,
                access_key_id=state.access_key_id,
                secret_key=state.secret_key,
                ts=ts,
                content_type=content_type,
            )
            signature = spec.sign(rules)
        except signing.SigningInputError as exc:
            refused = exc  # the stage by stage pass below names the field at fault
        else:
            result.spec, result.signature = spec, signature
            result.method, result.canonical_uri = signature.method, signature.canonical_uri
            result.canonical_query, result.payload_hash = signature.canonical_query, signature.payload_hash
            result.canonical_request, result.digest = signature.canonical_request, signature.digest

    if result.signature is None:
        # Stage by stage, so each broken input is named in the stage it breaks and the others show.
        result.method = attempt("method", signing.canonical_method, state.method)
        result.canonical_uri = attempt(
            "path",
            signing.canonical_uri,
            result.path,
            remove_dots=rules.remove_dots,
            encode_segments=rules.encode_segments,
            upper_hex=rules.upper_hex,
            trailing_slash=rules.trailing_slash,
        )
        result.canonical_query = attempt(
            "query",
            signing.canonical_query,
            pairs,
            encode=rules.encode_query,
            sort=rules.sort_query,
            keep_empty_equals=rules.keep_empty_equals,
            upper_hex=rules.upper_hex,
        )
        if result.body is not None:
            result.payload_hash = attempt("body", signing.payload_hash, result.body)
        if not result.canonical_errors:
            assert result.method is not None and result.canonical_uri is not None
            assert result.canonical_query is not None and result.payload_hash is not None
            result.canonical_request = signing.canonical_request(
                result.method, result.canonical_uri, result.canonical_query, result.payload_hash
            )
            result.digest = signing.digest(result.canonical_request)
        if refused is not None and not result.canonical_errors:
            # Every canonical stage passed on its own, yet sign() refused (e.g. the secret key).
            result.errors[refused.field] = refused

    try:
        result.base_url = check_base_url(state.target)
    except signing.SigningInputError as exc:
        result.target_error = exc

    if result.signature is not None:
        result.decoded_payload = decode_payload(result.signature.token)
    return result


def decode_payload(token: str) -> dict[str, object] | None:
    """The claims a server reads from `token`: its second part, base64url-decoded, as JSON."""
    try:
        segment = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)).decode("utf-8"))
    except (IndexError, ValueError):  # binascii.Error and JSONDecodeError are ValueErrors
        return None
    return claims if isinstance(claims, dict) else None
