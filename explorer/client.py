"""Send a WireRequest with httpx and describe what came back (an explorer.exchange.Exchange).

Failures are values, not exceptions: an Exchange carries `error_kind` and a message a person can
act on (what happened, where, and what to try): connection refused, DNS, timeout, TLS, a reset,
a body too large, not JSON. Callers read the envelope's `code`, never the HTTP status alone.

`timeout` bounds the whole exchange, from resolving the host to the last byte of the body: httpx's
own timeouts are per operation, so a server that trickles a byte at a time would otherwise never
time out. The blocking `send` runs the same exchange on a private event loop, so both give the
same results and the same messages.
"""

from __future__ import annotations

import asyncio
import io
import json
import ssl
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx

from explorer.exchange import Exchange
from explorer.plurals import plural
from explorer.request import WireRequest

__all__ = ["DEFAULT_TIMEOUT", "MAX_RESPONSE_BYTES", "Exchange", "send", "send_async"]

DEFAULT_TIMEOUT = 10.0
MAX_RESPONSE_BYTES = 4 * 1024 * 1024
WHOLE_EXCHANGE = "'timeout s' bounds the whole exchange, from connecting to the last byte"


@dataclass
class _Progress:
    """How far one exchange got, for a message that says where it stopped."""

    phase: str = "connect"  # connect, tls, send, wait, body
    received: int = 0
    expected: int | None = None

    async def trace(self, name: str, info: dict[str, Any]) -> None:
        """httpcore's trace hook: each step of the connection as it starts."""
        if not name.endswith(".started"):
            return
        step = name.rsplit(".", 2)[-2]
        self.phase = {
            "connect_tcp": "connect",
            "start_tls": "tls",
            "send_request_headers": "send",
            "send_request_body": "send",
            "receive_response_headers": "wait",
            "receive_response_body": "body",
        }.get(step, self.phase)

    def so_far(self) -> str:
        """'after 120 of 1,000 body bytes' and the like."""
        if self.phase in ("connect", "tls"):
            return "while connecting"
        if self.phase in ("send", "wait"):
            return "before the response came"
        of = f" of {self.expected:,}" if self.expected is not None else ""
        return f"after {self.received:,}{of} body bytes"


def _where(url: httpx.URL) -> str:
    port = url.port or (443 if url.scheme == "https" else 80)
    return f"{url.host}:{port}"


def _timed_out(progress: _Progress, url: httpx.URL, timeout: float) -> str:
    where = _where(url)
    head = f"timed out after {timeout:g} s"
    if progress.phase == "connect":
        what = (
            f"{head} connecting to {where}: nothing answered the connection attempt "
            "(a wrong host or port, a firewall or a VPN?); check the base URL"
        )
    elif progress.phase == "tls":
        what = f"{head} in the TLS handshake with {where}: is it really an https server?"
    elif progress.phase == "send":
        what = f"{head} sending the request to {where}: the server stopped reading it"
    elif progress.phase == "wait":
        what = (
            f"{head} waiting for the response from {where}: the request went out but no complete "
            "answer came (the server is stuck or slow); send again, or raise 'timeout s'"
        )
    else:
        if progress.expected is not None:
            came = f"{progress.received:,} of {plural(progress.expected, 'byte')}"
        else:
            came = plural(progress.received, "byte")
        what = (
            f"{head} reading the body from {where}: {came} came, the server "
            "sends too slowly or stalled; send again, or raise 'timeout s'"
        )
    return f"{what} ({WHOLE_EXCHANGE})"


def _describe_connect_error(exc: Exception, url: httpx.URL) -> tuple[str, str]:
    text = str(exc)
    cause: BaseException | None = exc
    refused = False
    while cause is not None:
        if isinstance(cause, ssl.SSLError) or "SSL" in type(cause).__name__ or "CERTIFICATE" in str(cause).upper():
            return "tls", (
                f"TLS handshake with {url.host} failed: {cause}; "
                "is the server plain http, or its certificate not trusted here?"
            )
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
        or "no address associated" in lowered
    ):
        return "dns", (
            f"DNS: cannot resolve host {url.host!r} ({text}); check the base URL's host name for typos, "
            "and that this machine's network and DNS work"
        )
    if refused or "refused" in lowered or "errno 111" in lowered:
        return "refused", (
            f"connection refused by {_where(url)}: nothing is listening there; check the base URL's port, "
            "or start the server (mp-explorer sandbox for a local one)"
        )
    return "connect", f"cannot connect to {_where(url)}: {text or type(exc).__name__}; check the base URL"


def _is_reset(exc: BaseException) -> bool:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ConnectionResetError | BrokenPipeError) or "reset by peer" in str(cause).lower():
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _classify(exc: BaseException, raw_url: str, timeout: float, progress: _Progress) -> tuple[str, str]:
    try:
        url = httpx.URL(raw_url)
    except Exception:
        return "url", f"invalid URL {raw_url!r}: {exc}"
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        # httpx's per-operation timeout or the whole exchange's deadline: the same limit, so the
        # message says where the exchange stood when it ran out.
        if isinstance(exc, httpx.ConnectTimeout):
            progress.phase = "connect"
        return "timeout", _timed_out(progress, url, timeout)
    if isinstance(exc, httpx.ConnectError) and progress.phase in ("connect", "tls"):
        return _describe_connect_error(exc, url)
    if isinstance(exc, httpx.UnsupportedProtocol):
        return "url", f"unsupported URL: {exc}; the base URL starts with http:// or https://"
    if isinstance(exc, httpx.TransportError) and _is_reset(exc):
        return "reset", (
            f"the connection to {_where(url)} was reset {progress.so_far()}: the server (or a proxy "
            "in between) dropped it; send again, and if it keeps happening check the server's logs"
        )
    if isinstance(exc, httpx.RemoteProtocolError):
        return "protocol", (
            f"the server broke the HTTP exchange {progress.so_far()} ({_where(url)}): {exc}; "
            "send again, and check that the base URL is an HTTP server"
        )
    if isinstance(exc, httpx.HTTPError):
        return "http", f"{type(exc).__name__} from {_where(url)} {progress.so_far()}: {exc}"
    return "error", f"{type(exc).__name__}: {exc}"


def _server_hint(status: int, url: httpx.URL) -> str:
    if status >= 500:
        return f"; HTTP {status} is a server error: {_where(url)} or a proxy in front of it failed, try again later"
    return "; is the base URL the Open API, and not a web page or a proxy?"


def _finish(exchange: Exchange, response: httpx.Response, body: bytes, started: float) -> Exchange:
    url = httpx.URL(exchange.request.url)
    exchange.status = response.status_code
    exchange.reason = response.reason_phrase
    exchange.http_version = response.http_version
    exchange.headers = [(k, v) for k, v in response.headers.multi_items()]
    exchange.body = body
    exchange.elapsed = time.perf_counter() - started
    if exchange.truncated:
        announced = response.headers.get("content-length")
        size = f" (the server announced {int(announced):,} bytes)" if announced and announced.isdigit() else ""
        exchange.error_kind = "too_large"
        exchange.error = (
            f"response body exceeds {MAX_RESPONSE_BYTES // (1024 * 1024)} MiB{size}; showing the first "
            f"{len(exchange.body):,} bytes. An Open API answer is a small JSON envelope: check the base URL and path"
        )
        return exchange
    if not exchange.body or exchange.body.isspace():
        exchange.error_kind = "empty"
        exchange.error = f"HTTP {response.status_code} with an empty body: no Open API envelope" + _server_hint(
            response.status_code, url
        )
        return exchange
    try:
        parsed = json.loads(exchange.body)
    except (ValueError, UnicodeDecodeError):
        content_type = response.headers.get("content-type", "unknown")
        exchange.error_kind = "not_json"
        exchange.error = (
            f"HTTP {response.status_code}: the body is not JSON ({content_type}), so there is no envelope"
            + _server_hint(response.status_code, url)
        )
        return exchange
    if isinstance(parsed, dict):
        exchange.envelope = parsed
        if "code" not in parsed:
            exchange.error_kind = "no_envelope"
            exchange.error = "JSON without a 'code': not an Open API envelope" + _server_hint(response.status_code, url)
    else:
        exchange.error_kind = "no_envelope"
        exchange.error = "JSON, but not an object: not an Open API envelope" + _server_hint(response.status_code, url)
    return exchange


_TLS_CONTEXT: ssl.SSLContext | None = None
_TLS_LOCK = threading.Lock()


def _tls_verify(url: str, verify_tls: bool) -> ssl.SSLContext | bool:
    """What to give httpx's `verify`: nothing to load for plain http, one shared context for https.

    httpx builds a new SSL context (the whole CA bundle) for every client, about 35 ms and 3 MB,
    even for an http:// URL. Plain http never uses it (redirects are not followed), and https
    reuses one context loaded on the first https send.
    """
    if not verify_tls or not url.lower().startswith("https:"):
        return False
    global _TLS_CONTEXT
    with _TLS_LOCK:
        if _TLS_CONTEXT is None:
            _TLS_CONTEXT = httpx.create_ssl_context()
        return _TLS_CONTEXT


async def _exchange(
    exchange: Exchange, progress: _Progress, timeout: float, verify_tls: bool, transport: Any, started: float
) -> Exchange:
    wire = exchange.request
    verify = _tls_verify(wire.url, verify_tls)
    async with httpx.AsyncClient(timeout=timeout, verify=verify, transport=transport) as client:
        request = client.build_request(wire.method, wire.url, headers=list(wire.headers), content=wire.body)
        request.extensions["trace"] = progress.trace
        exchange.sent_headers = list(request.headers.multi_items())
        response = await client.send(request, stream=True)
        try:
            progress.phase = "body"
            announced = response.headers.get("content-length", "")
            progress.expected = int(announced) if announced.isdigit() else None
            # At most MAX_RESPONSE_BYTES are kept, in one buffer whose bytes become the body without
            # a copy (BytesIO.getvalue): a huge body is never held whole, nor twice.
            body = io.BytesIO()
            async for chunk in response.aiter_bytes():
                room = MAX_RESPONSE_BYTES - body.tell()
                body.write(chunk[:room] if len(chunk) > room else chunk)
                progress.received += len(chunk)
                if len(chunk) > room:
                    exchange.truncated = True
                    break
            return _finish(exchange, response, body.getvalue(), started)
        finally:
            await response.aclose()


async def send_async(
    wire: WireRequest, *, timeout: float = DEFAULT_TIMEOUT, verify_tls: bool = True, transport: Any = None
) -> Exchange:
    """Send one request and read at most MAX_RESPONSE_BYTES of the reply, all within `timeout` seconds.

    `transport` is an httpx async transport (httpx.MockTransport serves both kinds)."""
    exchange = Exchange(request=wire)
    progress = _Progress()
    started = time.perf_counter()
    try:
        async with asyncio.timeout(timeout):
            return await _exchange(exchange, progress, timeout, verify_tls, transport, started)
    except Exception as exc:  # every failure becomes a described value (cancellation is not one)
        exchange.elapsed = time.perf_counter() - started
        exchange.error_kind, exchange.error = _classify(exc, wire.url, timeout, progress)
        return exchange


def send(
    wire: WireRequest, *, timeout: float = DEFAULT_TIMEOUT, verify_tls: bool = True, transport: Any = None
) -> Exchange:
    """Blocking twin of send_async, for scripts and the CLI: the same exchange on a private event loop."""

    def run() -> Exchange:
        loop = asyncio.new_event_loop()
        try:
            exchange = send_async(wire, timeout=timeout, verify_tls=verify_tls, transport=transport)
            return loop.run_until_complete(exchange)
        finally:
            # close() leaves a name lookup still running in the default executor behind instead
            # of waiting for it (asyncio.run would wait), so the deadline holds for DNS too.
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return run()
    # Called from inside an event loop: run on a thread of its own rather than nest loops.
    result: list[Exchange] = []
    thread = threading.Thread(target=lambda: result.append(run()), name="mp-explorer-send", daemon=True)
    thread.start()
    thread.join()
    return result[0]
