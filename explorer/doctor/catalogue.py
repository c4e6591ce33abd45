"""The mistakes integrators make when signing, one entry each: adding a mistake is adding an entry.

Each entry names the mistake, says in a line why it breaks the token and how to fix it, and
carries one function that makes the token the wrong way:
- `stage="dig"`: `edit(recipe, context)` returns the signer's Recipe (a change of inputs, of
  `signing.Rules`, or of one stage's output), or None when the mistake cannot show on this request;
- `stage="signature"`: `key(secret_key)` returns the key bytes the signer used instead;
- `stage="claims"`: `claims(payload, context)` returns what the signer put in the claims when
  the token shows this mistake, else None;
- `stage="header"`: `header(found)` says whether the token travelled this wrong way.
`weight` orders matches: how often the mistake is seen, most common first.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

from explorer import signing
from explorer.doctor.importing import FoundToken, ImportedRequest
from explorer.doctor.recipe import Recipe
from explorer.endpoints import DEFAULT_BASE_URL

Stage = Literal["header", "signature", "claims", "dig"]


@dataclass(frozen=True)
class Context:
    """What a mistake may look at besides the recipe: the request as sent, the expected iss, the clock."""

    request: ImportedRequest
    access_key_id: str | None = None
    now: int = 0
    max_skew: int = signing.DEFAULT_MAX_SKEW


@dataclass(frozen=True)
class Mistake:
    """One named mistake: what it is, why it breaks the token, the fix, and how it signs."""

    name: str
    title: str
    why: str
    fix: str
    stage: Stage
    weight: int
    edit: Callable[[Recipe, Context], Recipe | None] | None = None
    key: Callable[[str], bytes | None] | None = None
    claims: Callable[[dict[str, Any], Context], str | None] | None = None
    header: Callable[[FoundToken], bool] | None = None
    reading: str | None = None  # the name in signing.READINGS when this is a reading of an open point


# --- edits ------------------------------------------------------------------------------------


def _rules(**changes: bool) -> Callable[[Recipe, Context], Recipe | None]:
    def edit(recipe: Recipe, context: Context) -> Recipe | None:
        return recipe.with_rules(**changes)

    return edit


def _stage(stage: str, function: Callable[[str], str]) -> Callable[[Recipe, Context], Recipe | None]:
    def edit(recipe: Recipe, context: Context) -> Recipe | None:
        return recipe.edit(stage, function)

    return edit


def _json_style(flag: str) -> Callable[[Recipe, Context], Recipe | None]:
    def edit(recipe: Recipe, context: Context) -> Recipe | None:
        if recipe.body_empty:
            return None
        return replace(recipe, json_style=recipe.json_style | {flag})

    return edit


def _body_empty(recipe: Recipe, context: Context) -> Recipe | None:
    return replace(recipe, body_empty=True) if recipe.body else None


def _body_newline(recipe: Recipe, context: Context) -> Recipe | None:
    return replace(recipe, body_suffix=recipe.body_suffix + b"\n")


def _host(context: Context) -> str:
    base = context.request.base_url or DEFAULT_BASE_URL
    return base.split("://", 1)[-1]


def _host_in_uri(recipe: Recipe, context: Context) -> Recipe | None:
    host = _host(context)
    return recipe.edit("uri", lambda uri: host + uri)


def _whole_url(recipe: Recipe, context: Context) -> Recipe | None:
    url = context.request.url()
    return recipe.edit("uri", lambda uri: url)


def _query_in_uri(recipe: Recipe, context: Context) -> Recipe | None:
    raw = context.request.raw_query
    if not raw:
        return None
    return recipe.edit("uri", lambda uri: f"{uri}?{raw}")


def _replace_encoded(pairs: dict[str, str]) -> Callable[[str], str]:
    pattern = re.compile("|".join(re.escape(k) for k in pairs), re.IGNORECASE)
    return lambda text: pattern.sub(lambda m: pairs[m.group(0).upper()], text)


_PLUS_FOR_SPACE = _replace_encoded({"%20": "+"})
_ENCODE_URI_COMPONENT = _replace_encoded({"%21": "!", "%27": "'", "%28": "(", "%29": ")", "%2A": "*"})


def _plus_sent_for_space(recipe: Recipe, context: Context) -> Recipe | None:
    # The signer held a space; the URL sent carries '+', which the verifier reads as a literal '+'.
    if "+" not in context.request.raw_query:
        return None
    pairs = signing.parse_query(context.request.raw_query.replace("+", "%20"))
    return replace(recipe, query=tuple(pairs))


def _dropped_empty_values(recipe: Recipe, context: Context) -> Recipe | None:
    kept = tuple((name, value) for name, value in recipe.query if value)
    return replace(recipe, query=kept)


def _digest_base64(request: str) -> str:
    return base64.b64encode(hashlib.sha256(request.encode("utf-8", "surrogateescape")).digest()).decode("ascii")


def _digest_upper(request: str) -> str:
    return signing.digest(request).upper()


def _crlf(parts: tuple[str, str, str, str]) -> str:
    return "\r\n".join(parts)


def _trailing_newline(parts: tuple[str, str, str, str]) -> str:
    return signing.canonical_request(*parts) + "\n"


def _join(join: Callable[[tuple[str, str, str, str]], str]) -> Callable[[Recipe, Context], Recipe | None]:
    def edit(recipe: Recipe, context: Context) -> Recipe | None:
        return replace(recipe, join=join)

    return edit


def _dig_form(form: Callable[[str], str]) -> Callable[[Recipe, Context], Recipe | None]:
    def edit(recipe: Recipe, context: Context) -> Recipe | None:
        return replace(recipe, dig_form=form)

    return edit


# --- secret keys ------------------------------------------------------------------------------


def _key_variant(transform: Callable[[str], str]) -> Callable[[str], bytes | None]:
    def key(secret_key: str) -> bytes | None:
        changed = transform(secret_key)
        return None if changed == secret_key else changed.encode("utf-8", "surrogateescape")

    return key


def _key_base64_decoded(secret_key: str) -> bytes | None:
    text = secret_key.strip()
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True) if text else None
    except (binascii.Error, ValueError):
        try:
            return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (binascii.Error, ValueError):
            return None


def _key_hex_decoded(secret_key: str) -> bytes | None:
    text = secret_key.strip()
    if len(text) % 2 or not re.fullmatch(r"[0-9A-Fa-f]+", text):
        return None
    return bytes.fromhex(text)


# --- claims -----------------------------------------------------------------------------------


def _ts_milliseconds(claims: dict[str, Any], context: Context) -> str | None:
    ts = claims.get("ts")
    if isinstance(ts, bool) or not isinstance(ts, int | float) or ts < 100_000_000_000:
        return None
    if isinstance(ts, float) and not math.isfinite(ts):
        return None
    seconds = int(ts) // 1000
    if abs(context.now - seconds) <= max(context.max_skew, 86_400):
        return f"ts {ts} is {seconds} in seconds, {context.now - seconds} s before now"
    return None


def _ts_string(claims: dict[str, Any], context: Context) -> str | None:
    ts = claims.get("ts")
    if isinstance(ts, str) and re.fullmatch(r"\s*\d+(\.\d+)?\s*", ts):
        return f"ts is the string {ts!r}"
    return None


def _ts_float(claims: dict[str, Any], context: Context) -> str | None:
    ts = claims.get("ts")
    if isinstance(ts, float):
        return f"ts is the fraction {ts!r}"
    return None


def _ts_stale(claims: dict[str, Any], context: Context) -> str | None:
    ts = claims.get("ts")
    if isinstance(ts, bool) or not isinstance(ts, int) or ts >= 100_000_000_000:
        return None
    if abs(context.now - ts) > context.max_skew:
        return f"outside the ±{context.max_skew} s window"
    return None


def _iss_app_id(claims: dict[str, Any], context: Context) -> str | None:
    app_id = context.request.app_id
    iss = claims.get("iss")
    if app_id and iss == app_id and iss != context.access_key_id:
        return f"iss is {iss!r}, the app id in the path"
    return None


def _iss_whitespace(claims: dict[str, Any], context: Context) -> str | None:
    iss = claims.get("iss")
    if isinstance(iss, str) and iss != iss.strip() and (context.access_key_id in (None, iss.strip())):
        return f"iss is {iss!r}"
    return None


# --- the catalogue ----------------------------------------------------------------------------

READING_FIX = "sign with the spec's rules (spec §2); this reading differs from them only for such characters"

CATALOGUE: tuple[Mistake, ...] = (
    # header
    Mistake(
        "authorization-bearer", "token sent as Authorization: Bearer",
        "the Open API reads the token only from the X-Mp-Open-Api-Token header",
        "send the header X-Mp-Open-Api-Token: <token> (no 'Bearer ')", "header", 90,
        header=lambda found: (found.header_name or "").lower() == "authorization",
    ),
    Mistake(
        "bearer-prefix", "'Bearer ' before the token",
        "the header's value must be the JWT alone",
        "send X-Mp-Open-Api-Token: <token> without 'Bearer '", "header", 80,
        header=lambda found: found.bearer and (found.header_name or "").lower() != "authorization",
    ),
    Mistake(
        "wrong-header-name", "token sent in another header",
        "the Open API reads the token only from the X-Mp-Open-Api-Token header",
        "name the header X-Mp-Open-Api-Token", "header", 70,
        header=lambda found: found.header_name is not None
        and found.header_name.lower() not in ("authorization", signing.HEADER_NAME.lower()),
    ),
    # signature: the secret key
    Mistake(
        "secret-key-newline", "secret key with a line end",
        "the key was read from a file or variable with its trailing newline, which HMAC keys on",
        "strip the line end when loading the secret key", "signature", 80,
        key=_key_variant(lambda key: key + "\n"),
    ),
    Mistake(
        "secret-key-crlf", "secret key with a CRLF line end",
        "the key file was saved with Windows line ends and read whole",
        "strip '\\r\\n' when loading the secret key", "signature", 60,
        key=_key_variant(lambda key: key + "\r\n"),
    ),
    Mistake(
        "secret-key-whitespace", "secret key with surrounding spaces",
        "spaces around the key, copied from a console or a config file, are part of the HMAC key",
        "trim the secret key", "signature", 55,
        key=_key_variant(lambda key: f" {key} "),
    ),
    Mistake(
        "secret-key-trailing-space", "secret key with a trailing space",
        "a space after the key, copied from a console or a config file, is part of the HMAC key",
        "trim the secret key", "signature", 54,
        key=_key_variant(lambda key: key + " "),
    ),
    Mistake(
        "secret-key-base64-decoded", "secret key base64-decoded",
        "the key looks like base64 so it was decoded; the scheme keys HMAC with the key's UTF-8 text",
        "use the secret key's text as it is (its UTF-8 bytes) as the HMAC key", "signature", 50,
        key=_key_base64_decoded,
    ),
    Mistake(
        "secret-key-hex-decoded", "secret key hex-decoded",
        "the key looks like hex so it was decoded; the scheme keys HMAC with the key's UTF-8 text",
        "use the secret key's text as it is (its UTF-8 bytes) as the HMAC key", "signature", 40,
        key=_key_hex_decoded,
    ),
    # claims
    Mistake(
        "ts-milliseconds", "ts in milliseconds",
        "Date.now() and System.currentTimeMillis() give milliseconds; ts is Unix seconds",
        "ts = Math.floor(Date.now() / 1000) (or currentTimeMillis() / 1000)", "claims", 90,
        claims=_ts_milliseconds,
    ),
    Mistake(
        "ts-string", "ts as a string",
        "ts must be a JSON number; a quoted number is a mistyped claim",
        "put ts in the payload as an integer, not a string", "claims", 70,
        claims=_ts_string,
    ),
    Mistake(
        "ts-fraction", "ts with a fraction",
        "time.time() has a fraction; ts is integer seconds",
        "ts = int(time.time())", "claims", 65,
        claims=_ts_float,
    ),
    Mistake(
        "ts-stale", "token reused or clock off",
        "a token is accepted only near its ts: a cached token, or a clock that is off, falls outside the window",
        "sign every request just before sending it, and keep the clock in sync (NTP)", "claims", 50,
        claims=_ts_stale,
    ),
    Mistake(
        "iss-app-id", "iss set to the app id",
        "iss is the access key id; the app id only goes in the path",
        "put the access key id (AK) in iss", "claims", 75,
        claims=_iss_app_id,
    ),
    Mistake(
        "iss-whitespace", "access key id with spaces or a line end",
        "the access key id was read with whitespace around it",
        "trim the access key id", "claims", 40,
        claims=_iss_whitespace,
    ),
    # dig: the canonical URI
    Mistake(
        "trailing-slash-missing", "trailing '/' missing",
        "the canonical URI always ends in '/', though the path sent does not",
        "append '/' to the path in the canonical request (only there, not in the URL sent)", "dig", 100,
        edit=_rules(trailing_slash=False),
    ),
    Mistake(
        "host-in-uri", "host signed with the path",
        "the canonical URI is the path only; no host takes part",
        "sign the path alone, from the '/' after the host", "dig", 60,
        edit=_host_in_uri,
    ),
    Mistake(
        "whole-url-signed", "whole URL signed",
        "the canonical URI is the path only: no scheme, host or query",
        "sign the path alone; the query goes on its own line", "dig", 60,
        edit=_whole_url,
    ),
    Mistake(
        "query-in-uri", "query inside the URI",
        "the query belongs on the third line, not after the path",
        "sign the path without '?...', and the sorted query on its own line", "dig", 70,
        edit=_query_in_uri,
    ),
    Mistake(
        "path-not-encoded", "path segments not percent-encoded",
        "each path segment is percent-encoded in the canonical URI",
        "percent-encode each path segment (A-Z a-z 0-9 - _ . ~ kept, upper-case hex)", "dig", 35,
        edit=_rules(encode_segments=False),
    ),
    # dig: the canonical query
    Mistake(
        "query-unsorted", "query unsorted (kept in sent order)",
        "the canonical query sorts the pairs by encoded name, then value",
        "sort the encoded pairs by name, then value, in byte order", "dig", 85,
        edit=_rules(sort_query=False),
    ),
    Mistake(
        "plus-for-space", "'+' for spaces",
        "URLSearchParams and form encoders write a space as '+'; the scheme writes %20",
        "encode spaces as %20 (encodeURIComponent or quote(safe='-_.~'), not URLSearchParams)", "dig", 80,
        edit=_stage("query", _PLUS_FOR_SPACE),
    ),
    Mistake(
        "plus-sent-for-space", "'+' sent for spaces (signed as %20)",
        "the URL sent writes a space as '+' (URLSearchParams, form encoding); the verifier reads '+' as a plus",
        "send spaces as %20 in the URL: build the query sent with the same encoder you sign with", "dig", 78,
        edit=_plus_sent_for_space,
    ),
    Mistake(
        "encode-uri-component", "encodeURIComponent leaves !'()* as they are",
        "the scheme encodes every byte outside A-Z a-z 0-9 - _ . ~, including ! ' ( ) *",
        "after encodeURIComponent, also replace ! ' ( ) * with %21 %27 %28 %29 %2A", "dig", 75,
        edit=_stage("query", _ENCODE_URI_COMPONENT),
    ),
    Mistake(
        "query-not-encoded", "query values not encoded",
        "names and values are percent-encoded in the canonical query (the seed sample does not)",
        "percent-encode each name and value (upper-case hex, %20 for space)", "dig", 75,
        edit=_rules(encode_query=False),
    ),
    Mistake(
        "lowercase-hex", "lower-case hex in percent-encodings",
        "the scheme writes %XY with upper-case hex (%2F, not %2f)",
        "use upper-case hex digits in every %XY", "dig", 55,
        edit=_rules(upper_hex=False),
    ),
    Mistake(
        "question-mark-kept", "'?' kept before the query",
        "the canonical query line starts with the first name, without '?'",
        "drop the leading '?' from the canonical query", "dig", 65,
        edit=_stage("query", lambda query: "?" + query if query else query),
    ),
    Mistake(
        "empty-value-without-equals", "'=' dropped for empty values",
        "a pair with an empty value keeps its '=' (auditStatus=)",
        "write name= for an empty value", "dig", 55,
        edit=_rules(keep_empty_equals=False),
    ),
    Mistake(
        "empty-values-dropped", "pairs with empty values dropped",
        "every pair sent is signed, even with an empty value",
        "keep empty-valued pairs in the canonical query (as name=)", "dig", 55,
        edit=_dropped_empty_values,
    ),
    Mistake(
        "query-signed-empty", "query signed empty",
        "the query sent must be signed; an empty third line means no query",
        "put the sorted, encoded query on the third line", "dig", 65,
        edit=_stage("query", lambda query: ""),
    ),
    # dig: the payload hash
    Mistake(
        "body-hashed-empty", "body hashed empty",
        "the payload hash is the SHA-256 of the body sent, not of an empty string",
        "hash the exact body bytes you send", "dig", 75,
        edit=_body_empty,
    ),
    Mistake(
        "body-json-spaces", "body hashed as JSON with spaces",
        "the body hashed was serialised again with ', ' and ': ' (json.dumps default), not the bytes sent",
        "serialise the body once, hash those bytes, and send the same bytes", "dig", 80,
        edit=_json_style("spaces"),
    ),
    Mistake(
        "body-json-compact", "body hashed as compact JSON",
        "the body hashed was serialised again without spaces, but the body sent has them",
        "serialise the body once, hash those bytes, and send the same bytes", "dig", 60,
        edit=_json_style("compact"),
    ),
    Mistake(
        "body-json-sorted-keys", "body hashed with sorted keys",
        "the body hashed was serialised again with its keys sorted, not the bytes sent",
        "serialise the body once, hash those bytes, and send the same bytes", "dig", 60,
        edit=_json_style("sort_keys"),
    ),
    Mistake(
        "body-json-unicode-escapes", "body hashed with \\u escapes",
        "the body hashed wrote non-ASCII characters as \\uXXXX (json.dumps ensure_ascii), the body sent as UTF-8",
        "hash the exact bytes sent (json.dumps(..., ensure_ascii=False) on both sides, or send the escaped form)",
        "dig", 60,
        edit=_json_style("ascii"),
    ),
    Mistake(
        "body-json-indented", "body hashed indented",
        "the body hashed was pretty-printed, not the bytes sent",
        "serialise the body once, hash those bytes, and send the same bytes", "dig", 50,
        edit=_json_style("indent"),
    ),
    Mistake(
        "body-trailing-newline", "body hashed with a trailing newline",
        "the body hashed had a line end that was not sent (a file or a print added it)",
        "hash the exact body bytes you send, line ends included", "dig", 55,
        edit=_body_newline,
    ),
    Mistake(
        "payload-hash-uppercase", "payload hash in upper case",
        "the payload hash is lower-case hex",
        "write the body's SHA-256 as lower-case hex", "dig", 40,
        edit=_stage("hash", str.upper),
    ),
    # dig: the whole canonical request
    Mistake(
        "method-lowercase", "method in lower case",
        "the canonical method is upper case (GET, POST)",
        "upper-case the method in the canonical request", "dig", 60,
        edit=_stage("method", str.lower),
    ),
    Mistake(
        "crlf-line-ends", "CRLF line ends",
        "the four lines are joined with '\\n' alone",
        "join the canonical request's lines with '\\n', not '\\r\\n'", "dig", 55,
        edit=_join(_crlf),
    ),
    Mistake(
        "trailing-newline", "newline after the payload hash",
        "the canonical request ends with the payload hash, no line end after it",
        "join the four lines with '\\n' and add nothing at the end", "dig", 65,
        edit=_join(_trailing_newline),
    ),
    Mistake(
        "digest-uppercase", "digest in upper case",
        "dig is lower-case hex",
        "write the SHA-256 of the canonical request as lower-case hex", "dig", 55,
        edit=_dig_form(_digest_upper),
    ),
    Mistake(
        "digest-base64", "digest in base64",
        "dig is hex (digest('hex')), not base64",
        "write the SHA-256 of the canonical request as lower-case hex", "dig", 55,
        edit=_dig_form(_digest_base64),
    ),
    Mistake(
        "canonical-request-as-dig", "canonical request itself in dig",
        "dig carries the SHA-256 of the canonical request, not the request",
        "put sha256(canonical request) as lower-case hex in dig", "dig", 50,
        edit=_dig_form(lambda request: request),
    ),
    # dig: the other readings of the open points (spec §6.1)
    Mistake(
        "dot-segments-kept", "dot segments kept (reading)",
        "the spec removes '.' and '..' segments (RFC 3986 §5.2.4); this signer kept them",
        READING_FIX, "dig", 30,
        edit=_rules(remove_dots=False), reading="dot segments kept",
    ),
    Mistake(
        "slash-decoded-before-split", "%2F decoded before splitting the path (reading)",
        "the spec encodes each segment, keeping '%2F' inside it; this signer decoded the path first",
        READING_FIX, "dig", 30,
        edit=_rules(decode_path_before_split=True), reading="%2F decoded before splitting the path",
    ),
    Mistake(
        "query-sorted-decoded", "query sorted by decoded text (reading)",
        "the spec sorts the encoded pairs; this signer sorted the decoded text",
        READING_FIX, "dig", 30,
        edit=_rules(sort_query_decoded=True), reading="query sorted by decoded text",
    ),
    Mistake(
        "invalid-utf8-replaced", "invalid UTF-8 replaced by U+FFFD (reading)",
        "the spec keeps bytes that are not UTF-8 (%FF); this signer decoded them to U+FFFD",
        READING_FIX, "dig", 30,
        edit=_rules(replace_invalid_utf8=True), reading="invalid UTF-8 replaced by U+FFFD",
    ),
    Mistake(
        "empty-name-dropped", "pair with an empty name dropped (reading)",
        "the spec keeps a pair like '=v'; this signer dropped it",
        READING_FIX, "dig", 30,
        edit=_rules(drop_empty_names=True), reading="empty query name dropped",
    ),
)  # fmt: skip

BY_NAME: dict[str, Mistake] = {mistake.name: mistake for mistake in CATALOGUE}


def mistakes(stage: Stage) -> tuple[Mistake, ...]:
    """The catalogue's entries for one check, most likely first."""
    return tuple(sorted((m for m in CATALOGUE if m.stage == stage), key=lambda m: -m.weight))
