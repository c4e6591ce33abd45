"""Send a WireRequest with httpx and describe what came back (an Exchange).

Failures are values, not exceptions: an Exchange carries `error_kind` and a message a person can
act on (connection refused, DNS, timeout, TLS, body too large, not JSON). Callers read the
envelope's `code`, never the HTTP status alone.
"""

from __future__ import annotations

import json
import ssl
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from explorer.request import WireRequest

DEFAULT_TIMEOUT = 10.0
MAX_RESPONSE_BYTES = 4 * 1024 * 1024


@dataclass
class Exchange:
    """One request as sent and what came back (or why nothing did)."""

    request: WireRequest
    sent_headers: list[tuple[str, str]] = field(default_factory=list)
    status: int | None = None
    reason: str = ""
    http_version: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    truncated: bool = False
    elapsed: float = 0.0
    envelope: dict[str, Any] | None = None
    error_kind: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error_kind is None and self.code == "000000"

    @property
    def code(self) -> str | None:
        if isinstance(self.envelope, dict) and self.envelope.get("code") is not None:
            return str(self.envelope.get("code"))
        return None

    @property
    def message(self) -> str | None:
        if isinstance(self.envelope, dict) and self.envelope.get("message") is not None:
            return str(self.envelope.get("message"))
        return None

    @property
    def data(self) -> Any:
        return self.envelope.get("data") if isinstance(self.envelope, dict) else None

    @property
    def user_data(self) -> str | None:
        data = self.data
        if isinstance(data, dict) and isinstance(data.get("userData"), str):
            return data["userData"]
        return None

    @property
    def sandbox(self) -> dict[str, Any] | None:
        if isinstance(self.envelope, dict) and isinstance(self.envelope.get("sandbox"), dict):
            return self.envelope["sandbox"]
        return None


def _describe_connect_error(exc: Exception, url: httpx.URL) -> tuple[str, str]:
    text = str(exc)
    cause: BaseException | None = exc
    refused = False
    while cause is not None:
        if isinstance(cause, ssl.SSLError) or "SSL" in type(cause).__name__ or "CERTIFICATE" in str(cause).upper():
            return "tls", f"TLS handshake with {url.host} failed: {cause}"
        # anyio reports a refused loopback connect as "All connection attempts failed"; the
        # ConnectionRefusedError is further down the chain.
        refused = refused or isinstance(cause, ConnectionRefusedError)
        cause = cause.__cause__ or cause.__context__
    lowered = text.lower()
    if (
        "name or service not known" in lowered
        or "nodename nor servname" in lowered
        or "getaddrinfo" in lowered
        or ("name resolution" in lowered)
    ):
        return "dns", f"DNS: cannot resolve host {url.host!r} ({text})"
    if refused or "refused" in lowered or "errno 111" in lowered:
        port = url.port or (443 if url.scheme == "https" else 80)
        return "refused", f"connection refused by {url.host}:{port}: nothing is listening there"
    return "connect", f"cannot connect to {url.host}: {text or type(exc).__name__}"


def _classify(exc: Exception, raw_url: str, timeout: float) -> tuple[str, str]:
    try:
        url = httpx.URL(raw_url)
    except Exception:
        return "url", f"invalid URL {raw_url!r}: {exc}"
    if isinstance(exc, httpx.TimeoutException):
        phase = {
            httpx.ConnectTimeout: "connecting",
            httpx.ReadTimeout: "waiting for the response",
            httpx.WriteTimeout: "sending the request",
            httpx.PoolTimeout: "waiting for a connection",
        }.get(type(exc), "")
        return "timeout", f"timed out after {timeout:g} s{' while ' + phase if phase else ''}"
    if isinstance(exc, httpx.ConnectError):
        return _describe_connect_error(exc, url)
    if isinstance(exc, httpx.UnsupportedProtocol):
        return "url", f"unsupported URL: {exc}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "protocol", f"the server broke the HTTP exchange: {exc}"
    if isinstance(exc, httpx.HTTPError):
        return "http", f"{type(exc).__name__}: {exc}"
    return "error", f"{type(exc).__name__}: {exc}"


def _finish(exchange: Exchange, response: httpx.Response, chunks: list[bytes], started: float) -> Exchange:
    exchange.status = response.status_code
    exchange.reason = response.reason_phrase
    exchange.http_version = response.http_version
    exchange.headers = [(k, v) for k, v in response.headers.multi_items()]
    exchange.body = b"".join(chunks)
    exchange.elapsed = time.perf_counter() - started
    if exchange.truncated:
        exchange.error_kind = "too_large"
        exchange.error = (
            f"response body exceeds {MAX_RESPONSE_BYTES // (1024 * 1024)} MiB; showing the first "
            f"{len(exchange.body)} bytes"
        )
        return exchange
    if not exchange.body.strip():
        exchange.error_kind = "empty"
        exchange.error = f"HTTP {response.status_code} with an empty body: no Open API envelope"
        return exchange
    try:
        parsed = json.loads(exchange.body)
    except (ValueError, UnicodeDecodeError):
        content_type = response.headers.get("content-type", "unknown")
        exchange.error_kind = "not_json"
        exchange.error = f"HTTP {response.status_code}: the body is not JSON ({content_type}), so there is no envelope"
        return exchange
    if isinstance(parsed, dict):
        exchange.envelope = parsed
        if "code" not in parsed:
            exchange.error_kind = "no_envelope"
            exchange.error = "JSON without a 'code': not an Open API envelope"
    else:
        exchange.error_kind = "no_envelope"
        exchange.error = "JSON, but not an object: not an Open API envelope"
    return exchange


def _build(client: httpx.Client | httpx.AsyncClient, wire: WireRequest) -> httpx.Request:
    return client.build_request(wire.method, wire.url, headers=list(wire.headers), content=wire.body)


async def send_async(
    wire: WireRequest, *, timeout: float = DEFAULT_TIMEOUT, verify_tls: bool = True, transport: Any = None
) -> Exchange:
    """Send one request and read at most MAX_RESPONSE_BYTES of the reply."""
    exchange = Exchange(request=wire)
    started = time.perf_counter()
    try:
        async with httpx.AsyncClient(timeout=timeout, verify=verify_tls, transport=transport) as client:
            request = _build(client, wire)
            exchange.sent_headers = list(request.headers.multi_items())
            response = await client.send(request, stream=True)
            try:
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > MAX_RESPONSE_BYTES:
                        exchange.truncated = True
                        break
                return _finish(exchange, response, chunks, started)
            finally:
                await response.aclose()
    except Exception as exc:  # every failure becomes a described value
        exchange.elapsed = time.perf_counter() - started
        exchange.error_kind, exchange.error = _classify(exc, wire.url, timeout)
        return exchange


def send(
    wire: WireRequest, *, timeout: float = DEFAULT_TIMEOUT, verify_tls: bool = True, transport: Any = None
) -> Exchange:
    """Blocking twin of send_async, for scripts and the CLI."""
    exchange = Exchange(request=wire)
    started = time.perf_counter()
    try:
        with httpx.Client(timeout=timeout, verify=verify_tls, transport=transport) as client:
            request = _build(client, wire)
            exchange.sent_headers = list(request.headers.multi_items())
            response = client.send(request, stream=True)
            try:
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > MAX_RESPONSE_BYTES:
                        exchange.truncated = True
                        break
                return _finish(exchange, response, chunks, started)
            finally:
                response.close()
    except Exception as exc:
        exchange.elapsed = time.perf_counter() - started
        exchange.error_kind, exchange.error = _classify(exc, wire.url, timeout)
        return exchange
