"""A request to sign (RequestSpec) and the request as it goes on the wire (WireRequest).

Pure: no network, no UI. The bytes hashed for the signature are the bytes in WireRequest.body,
and the query that is sent encodes each pair with the same rule the canonical query uses, so a
faithful server re-derives exactly the canonical request we signed.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import unquote_to_bytes, urlsplit

from explorer import signing
from explorer.endpoints import DEFAULT_BASE_URL

USER_AGENT = "mp-explorer"


@dataclass(frozen=True)
class RequestSpec:
    """Everything that goes into one signed request."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    access_key_id: str = ""
    secret_key: str = field(default="", repr=False)
    ts: int | None = None
    content_type: str | None = None

    def sign(self, rules: signing.Rules = signing.SPEC_RULES) -> signing.Signature:
        return signing.sign_with_rules(
            method=self.method,
            path=self.path,
            query=self.query,
            body=self.body,
            access_key_id=self.access_key_id,
            secret_key=self.secret_key,
            ts=self.ts,
            rules=rules,
        )


@dataclass(frozen=True)
class WireRequest:
    """The request exactly as it is sent: method, URL, headers and body bytes."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


def split_url(url: str) -> tuple[str, str, list[tuple[str, str]]]:
    """Split a full URL into (base URL, path, decoded query pairs)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:  # e.g. "Invalid IPv6 URL"
        raise signing.SigningInputError("url", f"{url!r} is not a valid URL ({exc})") from None
    if not parts.scheme or not parts.netloc:
        raise signing.SigningInputError("url", f"{url!r} is not a full URL (expected https://host/path?query)")
    if parts.scheme not in ("http", "https"):
        raise signing.SigningInputError("url", f"scheme {parts.scheme!r} is not http or https")
    return f"{parts.scheme}://{parts.netloc}", parts.path or "/", signing.parse_query(parts.query)


def _hidden_character(text: str) -> str | None:
    """The first character that does not show as itself: a control, a space or an invisible mark."""
    for char in text:
        if char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            name = unicodedata.name(char, "a control character" if char < " " else "unnamed")
            return f"U+{ord(char):04X} ({name})"
    return None


@functools.lru_cache(maxsize=64)
def check_base_url(base_url: str) -> str:
    """Return the base URL without a trailing slash; raise SigningInputError when it is not http(s)://host.

    Cached: the explorer checks the same target on every keystroke (a refusal is not cached).
    """
    # A right-to-left mark shows 'https://moc.evil' as something else; a control character or a
    # space never reaches the server as typed. Say which one, instead of sending somewhere unseen.
    hidden = _hidden_character(base_url.strip())
    if hidden is not None:
        raise signing.SigningInputError("base URL", f"contains {hidden}, which a URL cannot hold: retype it")
    try:
        parts = urlsplit(base_url.strip())
    except ValueError as exc:  # e.g. "Invalid IPv6 URL"
        raise signing.SigningInputError("base URL", f"{base_url!r} is not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise signing.SigningInputError("base URL", f"{base_url!r} is not http(s)://host[:port]")
    if parts.query or parts.fragment:
        raise signing.SigningInputError("base URL", "must not carry a query or fragment")
    return base_url.strip().rstrip("/")


def wire_path(path: str) -> str:
    """The path as sent: its documented form (no slash appended), each segment safely encoded."""
    signing.check_path(path)
    if not path.startswith("/"):
        path = "/" + path
    # Keep '/' as the separator and encode each segment like the canonical URI does.
    # surrogateescape: a path given as command-line bytes that are not UTF-8 is sent as those bytes.
    return "/".join(
        signing.percent_encode(unquote_to_bytes(segment.encode("utf-8", "surrogateescape")))
        for segment in path.split("/")
    )


def wire_query(pairs: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> str:
    """The query as sent: pairs in the order given, names and values percent-encoded (%20 for space)."""
    return "&".join(
        f"{signing.percent_encode(name.encode('utf-8', 'surrogateescape'))}="
        f"{signing.percent_encode(value.encode('utf-8', 'surrogateescape'))}"
        for name, value in pairs
    )


def wire_request(spec: RequestSpec, signature: signing.Signature, base_url: str = DEFAULT_BASE_URL) -> WireRequest:
    """Build the request to send: the signed header, the exact body bytes, an explicit URL."""
    base = check_base_url(base_url)
    url = base + wire_path(spec.path)
    query = wire_query(spec.query)
    if query:
        url += "?" + query
    headers: list[tuple[str, str]] = [(signature.header_name, signature.header_value)]
    if spec.body or spec.content_type:
        content_type = spec.content_type or "application/json"
        headers.append(("Content-Type", content_type))
    headers.append(("User-Agent", USER_AGENT))
    return WireRequest(signature.method, url, tuple(headers), spec.body)
