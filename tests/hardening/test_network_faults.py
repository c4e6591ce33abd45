"""Network faults against a real loopback server: refused, DNS failure, connect and read timeouts,
a reset mid-body, 5xx with and without an envelope, HTML, a 10 MiB body and servers that trickle.

Each fault is driven through two layers: explorer.client (send and send_async: the right
error_kind and a message that says what happened, where, and what to try) and the explorer
itself (the message in the response pane, the form intact, the send repeatable, and the screen
alive while a slow send is in flight; escape cancels it).
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from explorer import client
from explorer.client import MAX_RESPONSE_BYTES, Exchange
from explorer.request import WireRequest
from explorer.tui.app import ExplorerApp
from tests.hardening import fault_server, tally
from tests.hardening.fault_server import FaultServer
from tests.tui_support import SIZE, app_for, fill, pane_text, stage

SLOW = 1.0  # the timeout for the cases that time out: short, so the file runs fast
ROOMY = 10.0  # the timeout for the cases that must not: far above a loopback reply on a busy machine
HUNG = 15.0  # past this a send has not kept its deadline: the test fails instead of hanging
WHOLE = "'timeout s' bounds the whole exchange"


@dataclass(frozen=True)
class Fault:
    """One fault: where it lives, what the client must call it and what the message must say."""

    name: str
    url: Callable[[FaultServer], str]
    kind: str | None
    says: Callable[[FaultServer], tuple[str, ...]]
    timeout: float = ROOMY
    status: int | None = None


def _where(server: FaultServer, name: str) -> str:
    return f"127.0.0.1:{server.ports[name]}"


def _port_of(url: str) -> str:
    return url.removeprefix("http://")


FAULTS = [
    Fault(
        "refused",
        lambda s: s.refused_url,
        "refused",
        lambda s: (f"connection refused by {_port_of(s.refused_url)}", "nothing is listening", "check the base URL"),
    ),
    Fault(
        "dns",
        lambda s: fault_server.DNS_FAILURE_URL,
        "dns",
        lambda s: ("cannot resolve host 'mp-explorer-fault.invalid'", "check the base URL's host name"),
    ),
    Fault(
        "connect timeout",
        lambda s: s.connect_timeout_url,
        "timeout",
        lambda s: (f"timed out after {SLOW:g} s connecting to {_port_of(s.connect_timeout_url)}", WHOLE),
        timeout=SLOW,
    ),
    Fault(
        "read timeout",
        lambda s: s.url("silent"),
        "timeout",
        lambda s: (f"timed out after {SLOW:g} s waiting for the response from {_where(s, 'silent')}", WHOLE),
        timeout=SLOW,
    ),
    Fault(
        "reset mid-body",
        lambda s: s.url("reset"),
        "reset",
        lambda s: (
            f"the connection to {_where(s, 'reset')} was reset after",
            f"of {fault_server.RESET_ANNOUNCED:,} body bytes",
            "send again",
        ),
    ),
    Fault(
        "5xx with an envelope",
        lambda s: s.url("error_envelope"),
        None,
        lambda s: ("code 900003", "unexpected error: upstream unavailable"),
        status=503,
    ),
    Fault(
        "5xx without an envelope",
        lambda s: s.url("error_html"),
        "not_json",
        lambda s: ("HTTP 502", "not JSON (text/html)", f"HTTP 502 is a server error: {_where(s, 'error_html')}"),
        status=502,
    ),
    Fault(
        "not JSON",
        lambda s: s.url("html"),
        "not_json",
        lambda s: ("HTTP 200", "the body is not JSON (text/html", "is the base URL the Open API"),
        status=200,
    ),
    Fault(
        "10 MiB body",
        lambda s: s.url("huge"),
        "too_large",
        lambda s: (
            "response body exceeds 4 MiB",
            f"the server announced {fault_server.HUGE_BYTES:,} bytes",
            f"showing the first {MAX_RESPONSE_BYTES:,} bytes",
            "check the base URL and path",
        ),
        status=200,
    ),
    Fault(
        "trickled body",
        lambda s: s.url("trickle"),
        "timeout",
        lambda s: (f"timed out after {SLOW:g} s reading the body from {_where(s, 'trickle')}", "bytes came", WHOLE),
        timeout=SLOW,
    ),
    Fault(
        "trickled headers",
        lambda s: s.url("trickle_headers"),
        "timeout",
        lambda s: (f"timed out after {SLOW:g} s waiting for the response from {_where(s, 'trickle_headers')}", WHOLE),
        timeout=SLOW,
    ),
]
IDS = [fault.name for fault in FAULTS]


@pytest.fixture(scope="module")
def faults() -> Iterator[FaultServer]:
    with fault_server.running() as server:
        yield server


def wire(base_url: str) -> WireRequest:
    url = f"{base_url}/mp-api/v1/apps/demo/user-open-data?openData=abc123"
    return WireRequest("GET", url, (("Accept", "application/json"),), b"")


def shape(text: str) -> str:
    """A message with its figures blanked: two sends of one fault say the same thing."""
    return re.sub(r"\d[\d,.]*", "#", text)


def check_exchange(exchange: Exchange, fault: Fault, server: FaultServer) -> None:
    assert exchange.error_kind == fault.kind, exchange.error
    assert exchange.status == fault.status
    assert not exchange.ok
    text = exchange.error if fault.kind is not None else f"code {exchange.code} {exchange.message}"
    assert text is not None
    for phrase in fault.says(server):
        assert phrase in text, f"{phrase!r} not in {text!r}"


def send_blocking(request: WireRequest, timeout: float) -> Exchange:
    """client.send on a thread, so a send that ignores its deadline fails the test instead of hanging it."""
    result: list[Exchange] = []
    thread = threading.Thread(target=lambda: result.append(client.send(request, timeout=timeout)), daemon=True)
    thread.start()
    thread.join(HUNG)
    assert result, f"client.send still running after {HUNG:g} s with timeout={timeout:g}"
    return result[0]


# --- the client ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", FAULTS, ids=IDS)
async def test_client_names_each_fault_and_where_both_ways(fault: Fault, faults: FaultServer) -> None:
    request = wire(fault.url(faults))
    blocking = await asyncio.to_thread(send_blocking, request, fault.timeout)
    check_exchange(blocking, fault, faults)
    try:
        concurrent = await asyncio.wait_for(client.send_async(request, timeout=fault.timeout), HUNG)
    except TimeoutError:
        pytest.fail(f"send_async still running after {HUNG:g} s with timeout={fault.timeout:g}")
    check_exchange(concurrent, fault, faults)
    # The same fault twice gives the same message (the second send is a repeat, not a leftover).
    assert shape(concurrent.error or "") == shape(blocking.error or "")
    tally.count("network faults", "client")


def test_a_10_mib_body_is_never_held_whole(faults: FaultServer) -> None:
    tracemalloc.start()
    try:
        exchange = client.send(wire(faults.url("huge")), timeout=ROOMY)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert exchange.error_kind == "too_large"
    assert len(exchange.body) == MAX_RESPONSE_BYTES
    assert exchange.body.startswith(b"[ ")
    # The kept prefix once, plus reading buffers: well under the body's 10 MiB (let alone twice).
    assert peak < fault_server.HUGE_BYTES * 0.75, f"peak {peak:,} bytes"
    tally.count("network faults", "client")


def test_a_trickled_body_reached_the_client_before_the_deadline(faults: FaultServer) -> None:
    # The trickle is real: bytes did arrive, each well inside any per-read timeout, and the
    # deadline for the whole exchange still ended it.
    exchange = send_blocking(wire(faults.url("trickle")), SLOW)
    match = re.search(r": (\d+) of 1,000,000 bytes came", exchange.error or "")
    assert match is not None, exchange.error
    assert int(match.group(1)) >= 1
    tally.count("network faults", "client")


def test_the_blocking_send_works_inside_a_running_event_loop(faults: FaultServer) -> None:
    async def inside() -> Exchange:
        return client.send(wire(faults.url("ok")), timeout=ROOMY)

    exchange = asyncio.run(inside())
    assert exchange.ok, exchange.error
    tally.count("network faults", "client")


# --- the explorer -------------------------------------------------------------------------------


async def settle(app: ExplorerApp, pilot: Any, done: Callable[[], bool], rounds: int = 200) -> None:
    """Let the app run until `done()` (each round one short pause), or fail saying so."""
    for _ in range(rounds):
        if done():
            return
        await pilot.pause(0.02)
    assert done(), "the app never reached the expected state"


async def send_and_wait(app: ExplorerApp, pilot: Any) -> None:
    """ctrl+s, then wait for the send to end: a send that outlives its deadline fails the test."""
    await pilot.press("ctrl+s")
    await pilot.pause()
    give_up = time.monotonic() + HUNG
    while any(worker.group == "send" and worker.is_running for worker in app.workers):
        if time.monotonic() > give_up:
            pytest.fail(f"the send is still in flight {HUNG:g} s after ctrl+s; the raw pane says {raw_title(app)!r}")
        await pilot.pause(0.05)
    await app.workers.wait_for_complete()
    await pilot.pause()


def raw_title(app: ExplorerApp) -> str:
    return str(app.query_one("#response-raw").border_title)


async def send_to_healthy(app: ExplorerApp, pilot: Any, faults: FaultServer) -> None:
    fill(app, target=faults.url("ok"), timeout=str(ROOMY))
    await pilot.pause()
    await send_and_wait(app, pilot)
    assert app.response.last_exchange.ok, app.response.last_exchange.error
    assert "code 000000 (success)" in pane_text(app, "raw")
    assert app.query_one("#response-raw").has_class("-ok")


@pytest.mark.parametrize("fault", FAULTS, ids=IDS)
async def test_explorer_shows_each_fault_in_the_response_pane_and_sends_again(
    fault: Fault, faults: FaultServer
) -> None:
    app = app_for(fault.url(faults), timeout=fault.timeout)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        before = app.form.state()
        results: list[str] = []
        for _ in range(2):
            await send_and_wait(app, pilot)
            raw = " ".join(pane_text(app, "raw").split())  # lines the pane wrapped, joined again
            for phrase in fault.says(faults):
                assert phrase in raw, f"{phrase!r} not in the raw pane:\n{raw}"
            assert app.response.last_exchange.error_kind == fault.kind
            assert app.query_one("#response-raw").has_class("-bad")
            assert "sending" not in raw_title(app) and "sending…" not in raw
            assert app.response.send_in_flight is None
            assert "waiting for the response…" not in pane_text(app, "decrypted")
            assert app.form.state() == before
            results.append(shape(app.response.last_exchange.error or f"{app.response.last_exchange.code}"))
        assert results[0] == results[1]
        await send_to_healthy(app, pilot, faults)
    tally.count("network faults", "TUI")


async def test_a_big_envelope_under_the_cap_is_read_whole_and_shown_raw(faults: FaultServer) -> None:
    exchange = await client.send_async(wire(faults.url("big_envelope")), timeout=ROOMY)
    assert exchange.ok, exchange.error
    assert len(exchange.body) == fault_server.BIG_ENVELOPE_BYTES
    tally.count("network faults", "client")
    app = app_for(faults.url("big_envelope"), timeout=ROOMY)
    async with app.run_test(size=SIZE) as pilot:
        await send_and_wait(app, pilot)
        raw = " ".join(pane_text(app, "raw").split())
        assert "code 000000 (success)" in raw
        # Shown as its first characters, not parsed and re-indented on the screen's loop.
        assert "more characters not shown" in raw
        assert '{"code": "000000", "message": "success"' in raw
    tally.count("network faults", "TUI")


@pytest.mark.parametrize("behaviour", ["trickle", "silent"])
async def test_explorer_stays_alive_while_a_slow_send_is_in_flight_and_escape_cancels(
    behaviour: str, faults: FaultServer
) -> None:
    app = app_for(faults.url(behaviour), timeout=60)
    async with app.run_test(size=SIZE) as pilot:
        served = faults.requests[behaviour]
        await pilot.press("ctrl+s")
        await settle(
            app, pilot, lambda: faults.requests[behaviour] > served and app.response.send_in_flight is not None
        )
        assert "gives up after 60 s; escape cancels" in pane_text(app, "raw")
        # The loop is alive: typing into a field reaches the stages while the send waits.
        app.query_one("#path").focus()
        await pilot.press("end", "x", "y", "z")
        await settle(app, pilot, lambda: "xyz" in stage(app, "canonical").value)
        assert app.response.send_in_flight is not None, "the send ended on its own: nothing to cancel"
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        raw = " ".join(pane_text(app, "raw").split())
        assert "send cancelled: GET http://127.0.0.1" in raw and "ctrl+s sends again" in raw
        assert "cancelled" in raw_title(app)
        assert "the send was cancelled" in pane_text(app, "decrypted")
        assert app.form.value("path").endswith("xyz")
        fill(app, path=app.form.value("path").removesuffix("xyz"))
        await send_to_healthy(app, pilot, faults)
    tally.count("network faults", "TUI")
