"""What the explorer's form means: its state, and every stage computed from it.

Pure (no Textual, no I/O): the form hands a FormState in, `compute` hands Stages back, and each
widget renders one part of it. An input that cannot be signed becomes a SigningInputError stored
in the stage it breaks, so the other stages still show what they can.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from explorer import multipart, signing
from explorer.endpoints import BY_NAME, MULTIPART, fill_json_placeholders, fill_placeholders, placeholders_in
from explorer.request import RequestSpec, check_base_url


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
        try:
            pairs = signing.parse_query(lines[0])
        except signing.SigningInputError:
            # Not valid Unicode (a pasted lone surrogate): percent-decoding refuses it. Keep the pairs
            # undecoded, so the canonical stage names the query as the field at fault.
            parts = lines[0].removeprefix("?").split("&")
            pairs = [(name, value) for name, _, value in (part.partition("=") for part in parts if part)]
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
    # The last step has no upper bound: a pasted 400-digit ts is still a number of years.
    steps: tuple[tuple[float, str, int], ...] = (
        (60, "s", 1),
        (3600, "min", 60),
        (86400, "h", 3600),
        (86400 * 30, "d", 86400),
        (86400 * 365, "mo", 86400 * 30),
        (float("inf"), "y", 86400 * 365),
    )
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


# Frozen and empty: every Stages starts from this one (compute replaces it), none builds its own.
_NOT_SIGNED = signing.StageResults()


@dataclass
class Stages:
    """The form's request and signing's StageResults for it, as signing made them."""

    signed: signing.StageResults = field(default_factory=lambda: _NOT_SIGNED)
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
    # The token's payload as a server decodes it (base64url JSON of the second part).
    decoded_payload: dict[str, object] | None = None
    secret_note: str | None = None
    spec: RequestSpec | None = None
    base_url: str | None = None
    target_error: signing.SigningInputError | None = None

    @property
    def signature(self) -> signing.Signature | None:
        return self.signed.signature

    @property
    def errors(self) -> Mapping[str, signing.SigningInputError]:
        return self.signed.errors

    # Read through to signing's result (never copies of it), for the views that name a stage.
    @property
    def method(self) -> str | None:
        return self.signed.method

    @property
    def canonical_uri(self) -> str | None:
        return self.signed.canonical_uri

    @property
    def canonical_query(self) -> str | None:
        return self.signed.canonical_query

    @property
    def payload_hash(self) -> str | None:
        return self.signed.payload_hash

    @property
    def canonical_request(self) -> str | None:
        return self.signed.canonical_request

    @property
    def digest(self) -> str | None:
        return self.signed.digest

    @property
    def canonical_errors(self) -> list[signing.SigningInputError]:
        return self.signed.canonical_errors

    @property
    def jwt_errors(self) -> list[signing.SigningInputError]:
        return self.signed.jwt_errors

    def error(self, *inputs: str) -> signing.SigningInputError | None:
        """The first error among these inputs."""
        return self.signed.error(*inputs)


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
    values = placeholder_values(state, known)
    path = fill_placeholders(state.path, values)
    pairs, query_mode = parse_query_text(state.query, values)
    result = Stages(
        ts=ts,
        now=now,
        access_key_id=state.access_key_id,
        path=path,
        query_pairs=pairs,
        query_mode=query_mode,
        unfilled=placeholders_in(path) + [name for _, value in pairs for name in placeholders_in(value)],
        secret_note=signing.secret_key_note(state.secret_key) if state.secret_key else None,
    )
    signing_ts: int | signing.SigningInputError
    if ts is None:
        try:
            result.ts = signing_ts = parse_ts(state.ts)
        except signing.SigningInputError as exc:
            signing_ts = exc
    else:
        signing_ts = ts

    endpoint = BY_NAME.get(state.endpoint or "")
    content_type: str | None = None
    body: bytes | signing.SigningInputError
    if endpoint is not None and endpoint.content_type == MULTIPART:
        # UploadFile: the body is built from the file; the body box only shows a summary of it.
        try:
            built = multipart.build(multipart.load_part(state.file))
        except signing.SigningInputError as exc:
            body = signing.SigningInputError("file", exc.message)
        else:
            result.multipart, body, content_type = built, built.body, built.content_type
    else:
        is_json = state.body.lstrip()[:1] in ("{", "[")
        body_text = (fill_json_placeholders if is_json else fill_placeholders)(state.body, values)
        result.body_unfilled = placeholders_in(body_text)
        try:
            body = signing.body_bytes(body_text)
        except signing.SigningInputError as exc:
            body = signing.SigningInputError("body", exc.message)
        if endpoint is not None and body:
            content_type = endpoint.content_type
    if isinstance(body, bytes):
        result.body = body

    result.signed = signed = signing.sign_stages(
        method=state.method,
        path=path,
        query=pairs,
        body=body,
        access_key_id=state.access_key_id,
        secret_key=state.secret_key,
        ts=signing_ts,
        rules=rules,
    )
    if signed.signature is not None:
        assert isinstance(body, bytes) and isinstance(signing_ts, int)
        result.spec = RequestSpec(
            method=state.method,
            path=path,
            query=tuple(pairs),
            body=body,
            access_key_id=state.access_key_id,
            secret_key=state.secret_key,
            ts=signing_ts,
            content_type=content_type,
        )
        result.decoded_payload = signing.decode_payload(signed.signature.token)
    try:
        result.base_url = check_base_url(state.target)
    except signing.SigningInputError as exc:
        result.target_error = exc
    return result
