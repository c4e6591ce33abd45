"""The signing scheme of the Mini Program Open API, one pure function per stage.

CanonicalRequest = Method "\\n" CanonicalURI "\\n" CanonicalQueryString "\\n" PayloadHash
Digest           = lowercase hex SHA-256 of the UTF-8 CanonicalRequest
Token            = JWT HS256, key = SK (UTF-8), payload {"iss": AK, "dig": Digest, "ts": seconds}
Header           = X-Mp-Open-Api-Token: <Token>

Every rule the spec marks *chosen* is a keyword option on its stage function with the spec's
rule as the default, so tools can show what another choice would have produced.

Only the standard library is used: the JWT is built here by hand so the bytes are under our
control (and no process-wide warning fires for short keys). PyJWT is the tests' independent oracle.
"""

from __future__ import annotations

import binascii
import functools
import hashlib
import hmac
import json
import re
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring_ascii as _json_string
from types import MappingProxyType
from urllib.parse import unquote_to_bytes

from explorer.plurals import plural

TYPE_CHECKING = False  # typing stays unloaded: annotations only
if TYPE_CHECKING:
    from typing import Any

HEADER_NAME = "X-Mp-Open-Api-Token"
JWT_HEADER: dict[str, str] = {"alg": "HS256", "typ": "JWT"}
EMPTY_PAYLOAD_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
DEFAULT_MAX_SKEW = 300
# PyJWT (and RFC 7518 §3.2) want an HMAC key at least as long as the hash output.
RECOMMENDED_SECRET_BYTES = 32

_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
_ENCODE_UPPER = [chr(b) if b in _UNRESERVED else f"%{b:02X}" for b in range(256)]
_ENCODE_LOWER = [chr(b) if b in _UNRESERVED else f"%{b:02x}" for b in range(256)]
_UNRESERVED_BYTES = bytes(sorted(_UNRESERVED))
# A path of unreserved characters and '/' only, the common case, needs no decoding or encoding.
_PLAIN_PATH = re.compile(r"[A-Za-z0-9._~/-]*")
# RFC 9110 token characters: what an HTTP method may be made of.
_METHOD_RE = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")
_FROM_URLSAFE = bytes.maketrans(b"-_", b"+/")

QueryInput = str | Iterable[tuple[str, str]] | Iterable[Sequence[str]]


class SigningInputError(ValueError):
    """An input cannot be signed. `field` names the input at fault (method, path, query, body...)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


# --- byte helpers -------------------------------------------------------------------------


def _utf8(text: str, field: str) -> bytes:
    # surrogateescape round-trips bytes that came from a percent-decoded, non-UTF-8 query.
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError as exc:
        raise SigningInputError(field, f"contains a character that is not valid Unicode ({exc.reason})") from None


# The largest ts anything here signs, checks or shows: 9999-12-31 23:59:59 UTC. A JSON reader
# that uses doubles (most JWT libraries) reads it back exactly, and it still has a calendar date.
MAX_TS = 253402300799


def check_seconds(value: object, field: str) -> int:
    """`value` as integer seconds; SigningInputError when it is not an int or too long to write.

    Python refuses to write an int of more than sys.get_int_max_str_digits() digits (4300 by
    default) in decimal, which is how JSON and every message carry it.
    """
    unit = "whole seconds" if field == "max skew" else "integer Unix seconds"
    if isinstance(value, bool) or not isinstance(value, int):
        raise SigningInputError(field, f"must be {unit}, got {value!r}")
    if value.bit_length() > 64:
        try:
            str(value)
        except ValueError:
            limit = sys.get_int_max_str_digits()
            raise SigningInputError(field, f"has more than {limit} digits: give {unit}") from None
    return value


def percent_encode(data: bytes, *, upper_hex: bool = True) -> str:
    """Encode every byte outside A-Z a-z 0-9 - _ . ~ as %XY (upper-case hex by default)."""
    if not data.translate(None, _UNRESERVED_BYTES):
        return data.decode("ascii")  # nothing to encode (the usual case), at C speed
    table = _ENCODE_UPPER if upper_hex else _ENCODE_LOWER
    return "".join(table[b] for b in data)


def b64url(data: bytes) -> str:
    """Base64url without padding, as JWT uses it."""
    # base64's urlsafe functions, without their Python-level wrappers (each call signs twice).
    return binascii.b2a_base64(data, newline=False).translate(_TO_URLSAFE).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode JWT base64url (padding optional); raises ValueError on anything else."""
    if not _B64URL.fullmatch(text):
        raise ValueError("not base64url")
    try:
        return binascii.a2b_base64((text + "=" * (-len(text) % 4)).encode("ascii").translate(_FROM_URLSAFE))
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"not base64url ({exc})") from None


# --- stage 1: method ------------------------------------------------------------------------


# Rule (documented): the HTTP verb in upper case.
def canonical_method(method: str) -> str:
    """Return the method in upper case; raise SigningInputError when it is not an HTTP token."""
    stripped = method.strip()
    if not stripped:
        raise SigningInputError("method", "is empty; use GET, POST, PUT, PATCH or DELETE")
    if not _METHOD_RE.fullmatch(stripped):
        raise SigningInputError("method", f"{method!r} is not an HTTP method (letters only, e.g. GET)")
    return stripped.upper()


# --- stage 2: canonical URI -----------------------------------------------------------------


def remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4: resolve '.' and '..' segments of an absolute path."""
    segments = path.split("/")
    output: list[str] = []
    for segment in segments:
        if segment == ".":
            continue
        if segment == "..":
            # Never pop the leading empty segment that keeps the path absolute.
            if len(output) > 1:
                output.pop()
            continue
        output.append(segment)
    if segments[-1] in (".", ".."):
        output.append("")
    if output == [""]:
        output.append("")
    return "/".join(output)


def check_path(path: str) -> None:
    """Raise SigningInputError for a path that cannot be an absolute request path."""
    if "?" in path:
        raise SigningInputError("path", "contains '?': put the query string in the query, not the path")
    if "#" in path:
        raise SigningInputError("path", "contains '#': a fragment is never sent")
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", path):
        raise SigningInputError("path", "is a full URL: give only the path (from the '/' after the host)")
    if any(ch in path for ch in "\r\n"):
        raise SigningInputError("path", "contains a line break")


def _reencode(data: bytes, replace_invalid_utf8: bool) -> bytes:
    # The reading where bytes that are not UTF-8 become U+FFFD (as a decoder to text would do).
    return data.decode("utf-8", "replace").encode("utf-8") if replace_invalid_utf8 else data


def _decode_dot_segments(path: str) -> str:
    # '%2E' is an encoded unreserved '.', so '%2E%2E' is the segment '..' (RFC 3986 §6.2.2.2);
    # without this the canonical URI of a canonical URI could differ from it.
    return "/".join(
        unquote_to_bytes(_utf8(segment, "path")).decode("ascii")
        if "%" in segment and segment.lower() in ("%2e", "%2e%2e", ".%2e", "%2e.")
        else segment
        for segment in path.split("/")
    )


# Rule (documented): absolute path only; dot segments removed; each segment percent-encoded;
# a '/' appended when the path does not end in one; an empty path is '/'.
# Rule (chosen): a segment is decoded first, then encoded with upper-case hex over UTF-8.
def canonical_uri(
    path: str,
    *,
    remove_dots: bool = True,
    encode_segments: bool = True,
    upper_hex: bool = True,
    trailing_slash: bool = True,
    decode_before_split: bool = False,
    replace_invalid_utf8: bool = False,
) -> str:
    """Canonical URI of a request path (without host or query).

    Readings of the open points (spec §6.1), off by default: `decode_before_split` decodes the
    whole path once before splitting it, so '%2F' becomes a separator; `replace_invalid_utf8`
    turns a decoded byte sequence that is not UTF-8 into U+FFFD before encoding it.
    """
    absolute = path if path.startswith("/") else "/" + path
    if _PLAIN_PATH.fullmatch(absolute) and "/." not in absolute:
        # Nothing to check, no dot segment to remove, nothing to encode: the same result, faster.
        return absolute + "/" if trailing_slash and not absolute.endswith("/") else absolute
    check_path(path)
    path = absolute
    if encode_segments and decode_before_split:
        # Decoded once, as a whole: each segment is then encoded without a second decoding.
        raw = unquote_to_bytes(_utf8(path, "path")).decode("utf-8", "surrogateescape")
        if remove_dots:
            raw = remove_dot_segments(raw)
        path = "/".join(
            percent_encode(_reencode(_utf8(segment, "path"), replace_invalid_utf8), upper_hex=upper_hex)
            for segment in raw.split("/")
        )
    elif encode_segments:
        if remove_dots:
            path = remove_dot_segments(_decode_dot_segments(path))
        path = "/".join(
            percent_encode(
                _reencode(unquote_to_bytes(_utf8(segment, "path")), replace_invalid_utf8), upper_hex=upper_hex
            )
            for segment in path.split("/")
        )
    else:
        if remove_dots:
            path = remove_dot_segments(path)
        _utf8(path, "path")  # unencoded, the path goes into the digest as it is: it must be UTF-8
    if trailing_slash and not path.endswith("/"):
        path += "/"
    return path


# --- stage 3: canonical query ---------------------------------------------------------------


def parse_query(raw: str) -> list[tuple[str, str]]:
    """Split a raw query string into decoded (name, value) pairs, in the order given.

    Each pair is split at its first '='; a pair without '=' has an empty value. '%XY' is
    percent-decoded; '+' stays a literal plus (the scheme writes spaces as %20). Bytes that are
    not UTF-8 survive as surrogate escapes so they re-encode to the same bytes.
    """
    raw = raw.removeprefix("?")
    pairs: list[tuple[str, str]] = []
    for part in raw.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        pairs.append(
            (
                unquote_to_bytes(_utf8(name, "query")).decode("utf-8", "surrogateescape"),
                unquote_to_bytes(_utf8(value, "query")).decode("utf-8", "surrogateescape"),
            )
        )
    return pairs


def _replace_invalid(text: str) -> str:
    # Surrogate escapes stand for bytes that were not UTF-8: decode those bytes with U+FFFD.
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def query_pairs(query: QueryInput) -> list[tuple[str, str]]:
    """Normalise the `query` argument: a raw string is parsed, pairs are checked."""
    if isinstance(query, str):
        return parse_query(query)
    pairs: list[tuple[str, str]] = []
    for item in query:
        if type(item) is tuple and len(item) == 2:  # the usual case: skip the Sequence ABC check
            pass
        elif isinstance(item, str | bytes) or not isinstance(item, Sequence) or len(item) != 2:
            raise SigningInputError("query", f"expected (name, value) pairs, got {item!r}")
        name, value = item
        if not isinstance(name, str) or not isinstance(value, str):
            raise SigningInputError("query", f"names and values must be text, got {item!r}")
        pairs.append((name, value))
    return pairs


# Rule (documented): each name and value percent-encoded with the unreserved set, '%20' for space.
# Rule (chosen): pairs sorted by encoded name then encoded value in byte order; '=' kept for an
# empty value; repeated names all kept. The sample inserts values without encoding (encode=False).
def canonical_query(
    query: QueryInput,
    *,
    encode: bool = True,
    sort: bool = True,
    keep_empty_equals: bool = True,
    upper_hex: bool = True,
    sort_decoded: bool = False,
    replace_invalid_utf8: bool = False,
    drop_empty_names: bool = False,
) -> str:
    """Canonical query string; empty when there is no query.

    Readings of the open points (spec §6.1), off by default: `sort_decoded` sorts the pairs by
    their decoded text (code points) instead of their encoded form; `replace_invalid_utf8` turns
    bytes that are not UTF-8 into U+FFFD; `drop_empty_names` drops a pair whose name is empty.
    """
    pairs = query_pairs(query)
    if replace_invalid_utf8:
        pairs = [(_replace_invalid(name), _replace_invalid(value)) for name, value in pairs]
    if drop_empty_names:
        pairs = [(name, value) for name, value in pairs if name]
    if sort and sort_decoded:
        pairs.sort()
        sort = False
    encoded: list[tuple[str, str]] = []
    for name, value in pairs:
        if encode:
            encoded.append(
                (
                    percent_encode(_utf8(name, "query"), upper_hex=upper_hex),
                    percent_encode(_utf8(value, "query"), upper_hex=upper_hex),
                )
            )
        else:
            # Unencoded, the pair goes into the digest as it is: it must be UTF-8.
            _utf8(name, "query")
            _utf8(value, "query")
            encoded.append((name, value))
    if sort:
        # Code-point order of text is the byte order of its UTF-8, so this is byte order.
        encoded.sort()
    return "&".join(f"{n}={v}" if (v or keep_empty_equals) else n for n, v in encoded)


# --- stage 4: payload hash ------------------------------------------------------------------


def body_bytes(body: bytes | bytearray | memoryview | str) -> bytes:
    """The exact bytes of a body given as bytes or as text (UTF-8)."""
    if isinstance(body, str):
        return _utf8(body, "body")
    if isinstance(body, bytes | bytearray | memoryview):
        return bytes(body)
    raise SigningInputError("body", f"must be bytes or text, got {type(body).__name__}")


# Rule (documented): lowercase hex SHA-256 of the exact body bytes sent on the wire.
def payload_hash(body: bytes | str) -> str:
    """Lowercase hex SHA-256 of the body; an empty body gives EMPTY_PAYLOAD_HASH."""
    return hashlib.sha256(body_bytes(body)).hexdigest()


# --- stage 5: canonical request and digest --------------------------------------------------


# Rule (documented): four lines joined by '\n', no trailing newline.
def canonical_request(method: str, canonical_uri: str, canonical_query: str, payload_hash: str) -> str:
    """Join the four canonical parts."""
    return f"{method}\n{canonical_uri}\n{canonical_query}\n{payload_hash}"


# Rule (sample): lowercase hex SHA-256 of the UTF-8 canonical request.
def digest(canonical_request: str) -> str:
    """Lowercase hex SHA-256 of the canonical request."""
    return hashlib.sha256(canonical_request.encode("utf-8", "surrogateescape")).hexdigest()


# --- stage 6: token and header --------------------------------------------------------------


def now_ts() -> int:
    """Integer Unix seconds now."""
    return int(time.time())


# Rule (sample): {"iss": AK, "dig": Digest, "ts": integer seconds}; no exp, no nonce.
def jwt_payload(access_key_id: str, digest: str, ts: int) -> dict[str, Any]:
    """The JWT claims, in the order the sample writes them."""
    return {"iss": access_key_id, "dig": digest, "ts": ts}


# json.dumps with non-default options builds a new encoder on every call; the one it would build.
_COMPACT_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True)
_CLAIM_NAMES = ("iss", "dig", "ts")


def _compact_json(value: dict[str, Any]) -> str:
    iss, dig, ts = value.get("iss"), value.get("dig"), value.get("ts")
    if type(iss) is str and type(dig) is str and type(ts) is int and tuple(value) == _CLAIM_NAMES:
        # The claims `sign` makes, written as _COMPACT_JSON writes them (tested byte for byte) at a
        # quarter of the cost: the encoder is rebuilt inside the json module on every call.
        return f'{{"iss":{_json_string(iss)},"dig":{_json_string(dig)},"ts":{ts}}}'
    return _COMPACT_JSON.encode(value)


def _json_segment(value: dict[str, Any]) -> str:
    return b64url(_compact_json(value).encode("utf-8"))


_JWT_HEADER_SEGMENT = _json_segment(JWT_HEADER)


def hs256(signing_input: bytes, key: bytes) -> bytes:
    """HMAC-SHA256 of the JWT signing input (header.payload) with `key` as raw bytes."""
    return hmac.new(key, signing_input, hashlib.sha256).digest()


def _hs256(signing_input: bytes, secret_key: str) -> bytes:
    return hs256(signing_input, _utf8(secret_key, "secret key"))


# Rule (sample): JWT with header {"alg":"HS256","typ":"JWT"}, HMAC-SHA256 keyed with the SK's UTF-8.
def token(payload: dict[str, Any], secret_key: str, *, header: dict[str, Any] | None = None) -> str:
    """Compact JWS: base64url(header) . base64url(payload) . base64url(HS256 signature)."""
    head = _JWT_HEADER_SEGMENT if header is None else _json_segment(header)
    signing_input = f"{head}.{_json_segment(payload)}"
    return f"{signing_input}.{b64url(_hs256(signing_input.encode('ascii'), secret_key))}"


# Rule (documented): the token travels in the X-Mp-Open-Api-Token header.
def header(token: str) -> tuple[str, str]:
    """(header name, header value)."""
    return HEADER_NAME, token


def secret_key_note(secret_key: str) -> str | None:
    """A short note when the secret key is shorter than HS256 recommends, else None."""
    # surrogatepass: a note must never fail; a key that cannot be encoded is refused when signing.
    size = len(secret_key.encode("utf-8", "surrogatepass"))
    if size < RECOMMENDED_SECRET_BYTES:
        return (
            f"secret key is {plural(size, 'byte')}; HS256 recommends at least {RECOMMENDED_SECRET_BYTES} "
            "(it still signs; the real API decides what it accepts)"
        )
    return None


# --- the whole pipeline ---------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """The chosen rules, as options. Defaults are the spec's rules."""

    remove_dots: bool = True
    encode_segments: bool = True
    trailing_slash: bool = True
    encode_query: bool = True
    sort_query: bool = True
    keep_empty_equals: bool = True
    upper_hex: bool = True
    # Readings of the open points where Huawei's signers differ from the spec's choice (spec §6.1);
    # `remove_dots=False` is the fifth (dot segments kept).
    decode_path_before_split: bool = False
    sort_query_decoded: bool = False
    replace_invalid_utf8: bool = False
    drop_empty_names: bool = False

    def uri_options(self) -> Mapping[str, bool]:
        """The keyword options of `canonical_uri` these rules set (read-only)."""
        return MappingProxyType(self._uri_kwargs)

    def query_options(self) -> Mapping[str, bool]:
        """The keyword options of `canonical_query` these rules set (read-only)."""
        return MappingProxyType(self._query_kwargs)

    # Made once per Rules and kept on it (Rules is frozen): every signature reads them, each keystroke
    # in the explorer. Plain dicts, private: `**` on a dict is about twice as fast as on a read-only
    # mapping, and an attribute costs no hashing of the twelve fields a cache keyed by Rules would.
    @functools.cached_property
    def _uri_kwargs(self) -> dict[str, bool]:
        return {
            "remove_dots": self.remove_dots,
            "encode_segments": self.encode_segments,
            "upper_hex": self.upper_hex,
            "trailing_slash": self.trailing_slash,
            "decode_before_split": self.decode_path_before_split,
            "replace_invalid_utf8": self.replace_invalid_utf8,
        }

    @functools.cached_property
    def _query_kwargs(self) -> dict[str, bool]:
        return {
            "encode": self.encode_query,
            "sort": self.sort_query,
            "keep_empty_equals": self.keep_empty_equals,
            "upper_hex": self.upper_hex,
            "sort_decoded": self.sort_query_decoded,
            "replace_invalid_utf8": self.replace_invalid_utf8,
            "drop_empty_names": self.drop_empty_names,
        }


SPEC_RULES = Rules()

# Every reading of the open points of spec §6.1, by name: the spec's choice first, then each
# other reading alone, then all of them together (the reference signers' reading).
READINGS: dict[str, Rules] = {
    "spec": SPEC_RULES,
    "dot segments kept": Rules(remove_dots=False),
    "%2F decoded before splitting the path": Rules(decode_path_before_split=True),
    "query sorted by decoded text": Rules(sort_query_decoded=True),
    "invalid UTF-8 replaced by U+FFFD": Rules(replace_invalid_utf8=True),
    "empty query name dropped": Rules(drop_empty_names=True),
    "all five other readings": Rules(
        remove_dots=False,
        decode_path_before_split=True,
        sort_query_decoded=True,
        replace_invalid_utf8=True,
        drop_empty_names=True,
    ),
}


@dataclass(frozen=True)
class Signature:
    """Every stage of one signed request."""

    method: str
    canonical_uri: str
    canonical_query: str
    payload_hash: str
    canonical_request: str
    digest: str
    jwt_header: dict[str, Any]
    jwt_payload: dict[str, Any]
    token: str
    header_name: str
    header_value: str

    @property
    def header_line(self) -> str:
        return f"{self.header_name}: {self.header_value}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "canonical_uri": self.canonical_uri,
            "canonical_query": self.canonical_query,
            "payload_hash": self.payload_hash,
            "canonical_request": self.canonical_request,
            "digest": self.digest,
            "jwt_header": dict(self.jwt_header),
            "jwt_payload": dict(self.jwt_payload),
            "token": self.token,
            "header_name": self.header_name,
            "header_value": self.header_value,
        }


def compute_canonical_request(
    *, method: str, path: str, query: QueryInput = (), body: bytes | str = b"", rules: Rules = SPEC_RULES
) -> tuple[str, str, str, str, str]:
    """(method, canonical_uri, canonical_query, payload_hash, canonical_request) under `rules`."""
    method = canonical_method(method)
    uri = canonical_uri(path, **rules._uri_kwargs)
    query_string = canonical_query(query, **rules._query_kwargs)
    body_hash = payload_hash(body)
    return method, uri, query_string, body_hash, canonical_request(method, uri, query_string, body_hash)


def sign_with_rules(
    *,
    method: str,
    path: str,
    query: QueryInput = (),
    body: bytes | str = b"",
    access_key_id: str,
    secret_key: str,
    ts: int | None = None,
    rules: Rules = SPEC_RULES,
) -> Signature:
    """`sign` with the chosen rules as a parameter, for tools that compare choices."""
    if ts is None:
        ts = now_ts()
    check_seconds(ts, "ts")
    if not isinstance(access_key_id, str) or not access_key_id:
        raise SigningInputError("access key id", "is empty")
    if not isinstance(secret_key, str) or not secret_key:
        raise SigningInputError("secret key", "is empty")
    return sign_checked(method, path, query, body, access_key_id, secret_key, ts, rules)


def sign_checked(
    method: str,
    path: str,
    query: QueryInput,
    body: bytes | str,
    access_key_id: str,
    secret_key: str,
    ts: int,
    rules: Rules,
) -> Signature:
    """`sign_with_rules` once its callers have checked ts and both keys (sign_stages checks them itself)."""
    method, uri, query_string, body_hash, request = compute_canonical_request(
        method=method, path=path, query=query, body=body, rules=rules
    )
    request_digest = digest(request)
    claims = jwt_payload(access_key_id, request_digest, ts)
    signed = token(claims, secret_key)
    name, value = header(signed)
    return Signature(
        method=method,
        canonical_uri=uri,
        canonical_query=query_string,
        payload_hash=body_hash,
        canonical_request=request,
        digest=request_digest,
        jwt_header=dict(JWT_HEADER),
        jwt_payload=claims,
        token=signed,
        header_name=name,
        header_value=value,
    )


def sign(
    *,
    method: str,
    path: str,
    query: QueryInput = (),
    body: bytes | str = b"",
    access_key_id: str,
    secret_key: str,
    ts: int | None = None,
) -> Signature:
    """Sign one request with the spec's rules.

    `query` is a sequence of decoded (name, value) pairs or a raw query string (percent-decoded,
    '+' literal). `body` is bytes or UTF-8 text. `ts=None` means now. Raises SigningInputError
    naming the field when an input cannot be signed.
    """
    return sign_with_rules(
        method=method,
        path=path,
        query=query,
        body=body,
        access_key_id=access_key_id,
        secret_key=secret_key,
        ts=ts,
    )
