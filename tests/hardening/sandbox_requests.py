"""Signed and unsigned requests to a sandbox, byte-exact: the hostile-input tests' one way to send.

The query is written here (each name and value percent-encoded with nothing kept) and the same
string is signed and sent, so what the sandbox verifies is what was signed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from explorer import signing

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)


@dataclass(frozen=True)
class Target:
    """Where a sandbox listens and the app it serves."""

    base_url: str
    app_id: str
    access_key_id: str
    secret_key: str

    def prefix(self) -> str:
        return f"/mp-api/v1/apps/{self.app_id}"


def query_text(query: list[tuple[str, str]] | str) -> str:
    if isinstance(query, str):
        return query
    return "&".join(f"{quote(name, safe='')}={quote(value, safe='')}" for name, value in query)


def body_bytes(body: bytes | str | dict[str, Any] | list[Any] | None) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8", "surrogatepass")
    # ASCII escapes: lone surrogates travel as \ud800, as a hostile client writes them.
    return json.dumps(body, ensure_ascii=True).encode("ascii")


def send(
    client: httpx.Client,
    target: Target,
    method: str,
    rest: str,
    *,
    query: list[tuple[str, str]] | str = (),  # type: ignore[assignment]
    body: bytes | str | dict[str, Any] | list[Any] | None = None,
    content_type: str | None = "application/json",
    token: str | None = None,
    signed: bool = True,
) -> httpx.Response:
    """One Open API call (`rest` after /mp-api/v1/apps/{appId}), signed unless a token is given."""
    path = target.prefix() + rest
    raw_query = query_text(query)
    raw_body = body_bytes(body)
    headers: dict[str, str] = {}
    if content_type and raw_body:
        headers["content-type"] = content_type
    if token is not None:
        headers[signing.HEADER_NAME] = token
    elif signed:
        signature = signing.sign(
            method=method,
            path=path,
            query=raw_query,
            body=raw_body,
            access_key_id=target.access_key_id,
            secret_key=target.secret_key,
        )
        headers[signature.header_name] = signature.header_value
    url = path + (f"?{raw_query}" if raw_query else "")
    return client.request(method, url, content=raw_body, headers=headers)


def sandbox_route(
    client: httpx.Client, target: Target, method: str, rest: str, body: bytes | str | dict[str, Any] | None = None
) -> httpx.Response:
    """A sandbox-only route (`rest` after /sandbox/v1/apps/{appId}), unsigned."""
    return client.request(method, f"/sandbox/v1/apps/{target.app_id}{rest}", content=body_bytes(body))


def multipart(filename_header: str, content: bytes = PNG, boundary: str = "mpxHostileBoundary") -> tuple[bytes, str]:
    """A one-file multipart body whose Content-Disposition carries `filename_header` as given."""
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; {filename_header}\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def hs256_token(header: dict[str, Any], payload: dict[str, Any], signature: str = "AAAA") -> str:
    """A token with any header and claims (surrogates escaped as JSON writes them) and any signature."""

    def part(value: dict[str, Any]) -> str:
        return signing.b64url(json.dumps(value, separators=(",", ":")).encode("ascii"))

    return f"{part(header)}.{part(payload)}.{signature}"
