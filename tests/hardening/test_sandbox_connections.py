"""Connections a client holds open, and the request log's account of requests that went wrong.

Real sockets on loopback against a sandbox started with short deadlines (a 1 s request-head
timeout, a 1 s keep-alive), so every wait here is bounded by a few seconds:

- slowloris: 20 connections each trickling a request head a byte at a time are all closed;
- a connection that sends nothing, and one that goes quiet halfway through its second request
  head, are closed; an idle keep-alive connection is closed after its answer;
- a client that keeps sending whole requests in time keeps its connection.

The request log: a request that ends in a 500, one cut short by the HTTP layer's bare 400, one
whose client disconnects, and a malformed head each get a line that says so, never `000000 ok`.
"""

from __future__ import annotations

import logging
import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from explorer import signing
from explorer.sandbox.runner import SandboxHandle, start_background
from tests.hardening import tally
from tests.hardening.sandbox_requests import Target, send

HEAD_TIMEOUT = 1.0
KEEP_ALIVE = 1
BODY_TIMEOUT = 1.0
# How long past a deadline the server may take to act on it (a busy shared machine).
SLACK = 2.5
HEALTH = b"GET /sandbox/v1/health HTTP/1.1\r\nHost: sandbox\r\n\r\n"


@pytest.fixture(scope="module")
def handle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxHandle]:
    home: Path = tmp_path_factory.mktemp("connections-home")
    with start_background(
        data_dir=home, head_timeout=HEAD_TIMEOUT, keep_alive=KEEP_ALIVE, body_timeout=BODY_TIMEOUT
    ) as running:
        yield running


def connect(handle: SandboxHandle) -> socket.socket:
    sock = socket.create_connection((handle.host, handle.port), timeout=5)
    sock.setblocking(False)
    return sock


def closed_by_server(sock: socket.socket) -> bool:
    """True when the server has closed the connection (EOF or reset); drains any answer bytes."""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return True
    except BlockingIOError:
        return False
    except (ConnectionResetError, BrokenPipeError):
        return True


def wait_closed(sock: socket.socket, within: float) -> float | None:
    """Seconds until the server closed `sock`, or None if it is still open after `within`."""
    started = time.monotonic()
    while (elapsed := time.monotonic() - started) < within:
        select.select([sock], [], [], 0.05)
        if closed_by_server(sock):
            return elapsed
    return None


def read_answer(sock: socket.socket, within: float = 5.0) -> bytes:
    """One whole answer (head and a Content-Length body) from a non-blocking socket."""
    data = b""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        select.select([sock], [], [], 0.05)
        try:
            chunk = sock.recv(65536)
        except BlockingIOError:
            continue
        if not chunk:
            break
        data += chunk
        head, sep, body = data.partition(b"\r\n\r\n")
        if sep:
            rows = head.split(b"\r\n")
            lengths = [int(row.split(b":")[1]) for row in rows if row.lower().startswith(b"content-length")]
            length = lengths[0] if lengths else 0
            if len(body) >= length:
                return data
    raise AssertionError(f"no whole answer within {within} s: {data[:200]!r}")


def test_slowloris_connections_are_closed(handle: SandboxHandle) -> None:
    sockets = [connect(handle) for _ in range(20)]
    trickle = b"GET /sandbox/v1/health HTTP/1.1\r\nHost: sandbox\r\nX-Slow: " + b"a" * 200
    started = time.monotonic()
    closed: dict[int, float] = {}
    position = 0
    try:
        while len(closed) < len(sockets) and time.monotonic() - started < HEAD_TIMEOUT + SLACK + 2:
            for index, sock in enumerate(sockets):
                if index in closed:
                    continue
                if closed_by_server(sock):
                    closed[index] = time.monotonic() - started
                    continue
                if position < len(trickle):
                    try:
                        sock.send(trickle[position : position + 1])
                    except OSError:
                        closed[index] = time.monotonic() - started
            position += 1
            time.sleep(0.05)
    finally:
        for sock in sockets:
            sock.close()
    assert len(closed) == len(sockets), f"{len(sockets) - len(closed)} slow connections still open"
    assert max(closed.values()) < HEAD_TIMEOUT + SLACK, sorted(closed.values())
    assert httpx.get(f"{handle.base_url}/sandbox/v1/health", timeout=5).status_code == 200
    tally.count("sandbox connections", "slowloris connections", len(sockets))


def test_a_connection_that_sends_nothing_is_closed(handle: SandboxHandle) -> None:
    sock = connect(handle)
    try:
        elapsed = wait_closed(sock, HEAD_TIMEOUT + SLACK)
    finally:
        sock.close()
    assert elapsed is not None, "a silent connection was held open"
    assert elapsed >= HEAD_TIMEOUT * 0.8
    tally.count("sandbox connections", "idle or stalled", 1)


def test_an_idle_keep_alive_connection_is_closed_after_its_answer(handle: SandboxHandle) -> None:
    sock = connect(handle)
    try:
        sock.sendall(HEALTH)
        assert b" 200 " in read_answer(sock).split(b"\r\n", 1)[0]
        elapsed = wait_closed(sock, KEEP_ALIVE + SLACK)
    finally:
        sock.close()
    assert elapsed is not None, "an idle keep-alive connection was held open"
    tally.count("sandbox connections", "idle or stalled", 1)


def test_a_second_request_head_that_stalls_is_closed(handle: SandboxHandle) -> None:
    """After an answer, one byte of a new head used to cancel uvicorn's keep-alive timer for good."""
    sock = connect(handle)
    try:
        sock.sendall(HEALTH)
        read_answer(sock)
        sock.sendall(b"GET /sandbox/v1/hea")
        elapsed = wait_closed(sock, HEAD_TIMEOUT + SLACK)
    finally:
        sock.close()
    assert elapsed is not None, "a connection stalled inside its second request head was held open"
    tally.count("sandbox connections", "idle or stalled", 1)


@pytest.mark.parametrize("where", ["Open API", "sandbox route"])
def test_a_body_that_trickles_is_answered_408_and_closed(handle: SandboxHandle, where: str) -> None:
    body = b'{"scope": "openid", "openId": "' + b"x" * 60 + b'"}'
    if where == "Open API":
        head = signed_head(handle, "POST", "/skus", body, f"Content-Length: {len(body)}\r\n")
    else:
        head = (
            f"POST /sandbox/v1/apps/{handle.app_id}/data-tokens HTTP/1.1\r\nHost: sandbox\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
    sock = connect(handle)
    started = time.monotonic()
    try:
        sock.sendall(head + body[:5])
        for index in range(5, 40):  # one byte every 0.1 s: the whole body would take 8 s
            try:
                sock.send(body[index : index + 1])
            except OSError:
                break
            if select.select([sock], [], [], 0.1)[0]:
                break
        answer = read_answer(sock, within=BODY_TIMEOUT + SLACK)
        elapsed = wait_closed(sock, SLACK)
    finally:
        sock.close()
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert b'"900001"' in answer and b"did not arrive within" in answer
    assert elapsed is not None, "the connection stayed open after the 408"
    assert time.monotonic() - started < BODY_TIMEOUT + 2 * SLACK
    tally.count("sandbox connections", "slow bodies", 1)


def test_a_client_sending_whole_requests_in_time_keeps_its_connection(handle: SandboxHandle) -> None:
    sock = connect(handle)
    try:
        for _ in range(5):
            sock.sendall(HEALTH)
            assert b" 200 " in read_answer(sock).split(b"\r\n", 1)[0]
            time.sleep(min(HEAD_TIMEOUT, KEEP_ALIVE) * 0.25)  # well inside both deadlines, even on a busy machine
        assert not closed_by_server(sock)
    finally:
        sock.close()
    tally.count("sandbox connections", "kept", 1)


# --- the request log ---------------------------------------------------------------------------


def log_lines(caplog: pytest.LogCaptureFixture, needle: str, within: float = 5.0) -> list[str]:
    """The request log's lines containing `needle` (waiting for the server thread to write them)."""
    deadline = time.monotonic() + within
    while True:
        lines = [r.getMessage() for r in caplog.records if r.name == "explorer.sandbox.requests"]
        found = [line for line in lines if needle in line]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


@pytest.fixture
def requests_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="explorer.sandbox.requests")
    return caplog


def target_of(handle: SandboxHandle) -> Target:
    return Target(handle.base_url, handle.app_id, handle.access_key_id, handle.secret_key)


def signed_head(handle: SandboxHandle, method: str, rest: str, body: bytes, extra: str) -> bytes:
    path = f"/mp-api/v1/apps/{handle.app_id}{rest}"
    signature = signing.sign(
        method=method, path=path, body=body, access_key_id=handle.access_key_id, secret_key=handle.secret_key
    )
    return (
        f"{method} {path} HTTP/1.1\r\nHost: sandbox\r\n{signature.header_name}: {signature.header_value}\r\n"
        f"Content-Type: application/json\r\n{extra}\r\n"
    ).encode()


def test_a_500_is_logged_as_what_it_was(
    handle: SandboxHandle, requests_log: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No client input makes the sandbox fail any more, so a failure is put inside it for this test.
    def broken(*args: object) -> str:
        raise RuntimeError("injected for the test")

    monkeypatch.setattr(handle.state, "open_data", broken)
    with httpx.Client(base_url=handle.base_url, timeout=10) as client:
        answer = send(client, target_of(handle), "GET", "/user-open-data", query=[("openData", "dt_x")])
    assert answer.status_code == 500
    lines = log_lines(requests_log, "/user-open-data")
    assert lines and "900003 unexpected error: RuntimeError (HTTP 500" in lines[-1], lines
    assert not any("000000" in line for line in lines), lines
    tally.count("sandbox request log", "cases", 1)


def test_a_bare_400_from_the_http_layer_is_logged_as_such(
    handle: SandboxHandle, requests_log: pytest.LogCaptureFixture
) -> None:
    sock = connect(handle)
    try:
        sock.sendall(signed_head(handle, "POST", "/skus", b"{}", "Transfer-Encoding: chunked\r\n") + b"zz\r\n{}\r\n")
        answer = read_answer(sock)
    finally:
        sock.close()
    assert answer.startswith(b"HTTP/1.1 400"), answer[:100]
    lines = log_lines(requests_log, "/skus")
    assert lines and "HTTP 400 from the HTTP layer" in lines[-1], lines
    assert not any("000000" in line for line in lines), lines
    tally.count("sandbox request log", "cases", 1)


def test_a_client_disconnect_is_logged_as_such(handle: SandboxHandle, requests_log: pytest.LogCaptureFixture) -> None:
    body = b'{"skuId": "gone", "names": {"en": "x"}}'
    sock = connect(handle)
    try:
        sock.sendall(signed_head(handle, "POST", "/skus", body, f"Content-Length: {len(body)}\r\n") + body[:10])
        time.sleep(0.2)
    finally:
        sock.close()
    lines = log_lines(requests_log, "/skus")
    assert lines and "no answer: the client disconnected" in lines[-1], lines
    assert not any("000000" in line for line in lines), lines
    tally.count("sandbox request log", "cases", 1)


def test_a_malformed_request_head_is_logged(handle: SandboxHandle, requests_log: pytest.LogCaptureFixture) -> None:
    sock = connect(handle)
    try:
        sock.sendall(b"GET /mp-api/v1 HTTP/1.1\r\nBad Header Line\r\n\r\n")
        answer = read_answer(sock)
    finally:
        sock.close()
    assert answer.startswith(b"HTTP/1.1 400")
    assert log_lines(requests_log, "HTTP 400 from the HTTP layer"), "a bare 400 left no line in the request log"
    tally.count("sandbox request log", "cases", 1)


def test_a_good_call_is_logged_with_its_code_and_status(
    handle: SandboxHandle, requests_log: pytest.LogCaptureFixture
) -> None:
    with httpx.Client(base_url=handle.base_url, timeout=10) as client:
        answer = send(client, target_of(handle), "GET", "/skus", query=[("limit", "1"), ("note", "\x1b]2;x\x07")])
    assert answer.json()["code"] == "000000"
    lines = log_lines(requests_log, "/skus -> ")
    assert lines and "-> 000000 ok (HTTP 200, " in lines[-1], lines
    tally.count("sandbox request log", "cases", 1)
