"""Send from the explorer: the real sandbox on loopback, every transport fault, a sandbox
rejection's canonical-request diff, and the app staying usable afterwards. Loopback only."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from explorer import signing
from explorer.tui.app import ExplorerApp
from explorer.tui.settings import Settings
from tests.tui_support import (
    SIZE,
    app_for,
    closed_port,
    fill,
    http_server,
    pane_text,
    send_and_wait,
    silent_server,
    stage,
)

# A data directory of its own for each test (the demo app and its keys are made there).
pytestmark = pytest.mark.usefixtures("explorer_home")


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from explorer.sandbox.runner import start_background

    handle = start_background(data_dir=tmp_path_factory.mktemp("sandbox-home"))
    try:
        yield handle
    finally:
        handle.stop()


async def assert_still_usable(app: ExplorerApp, pilot: Any) -> None:
    fill(app, method="PUT")
    await pilot.pause()
    await pilot.pause()
    assert stage(app, "canonical").value.startswith("PUT\n")


async def test_send_to_the_sandbox_decrypts_the_minted_users_openid(sandbox: Any) -> None:
    minted = sandbox.mint_data_token()
    app = ExplorerApp(Settings(sandbox=sandbox, data_token=minted["dataToken"], preload_client=False))
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.form.value("target") == sandbox.base_url
        assert app.form.value("access-key-id") == sandbox.access_key_id
        await send_and_wait(app, pilot)
        decrypted = pane_text(app, "decrypted")
        assert minted["openId"] in decrypted
        assert app.query_one("#response-decrypted").border_title == "decrypted"
        raw = pane_text(app, "raw")
        assert "← 200 OK" in raw
        assert "code 000000  success" in raw
        assert "x-mp-open-api-token" in raw.lower()
        assert "user-agent" in raw and "accept-encoding" in raw  # httpx's own headers, as sent
        assert sandbox.secret_key not in raw


async def test_launch_with_the_embedded_sandbox_then_ctrl_s_shows_an_openid(tmp_path: Path) -> None:
    app = ExplorerApp(Settings(start_sandbox=True, data_dir=str(tmp_path / "sandbox"), preload_client=False))
    async with app.run_test(size=SIZE) as pilot:
        # Pressed at once: the send waits for the sandbox, then goes out.
        await pilot.press("ctrl+s")
        for _ in range(50):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if app.response.last_exchange is not None:
                break
        assert app.sandbox_life.owns
        assert app.query_one("#endpoint").value == "GetUserOpenId"
        assert app.sandbox_life.minted is not None
        assert app.sandbox_life.minted["openId"] in pane_text(app, "decrypted")
        assert "✓ the openid this data token was minted for" in pane_text(app, "decrypted")
        assert "expires in" in str(app.query_one("#data-token-ttl").render())
        # ctrl+t mints a new token and the form shows it.
        old = app.form.value("data-token")
        await pilot.press("ctrl+t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.form.value("data-token") != old
    assert not app.sandbox_life.handle.running


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("refused", "connection refused by 127.0.0.1"),
        ("dns", "DNS: cannot resolve host 'mp-explorer-test.invalid'"),
        ("timeout", "timed out after 0.3 s"),
        ("tls", "TLS handshake with 127.0.0.1 failed"),
        ("not_json", "the body is not JSON (text/html)"),
        ("too_large", "response body exceeds 4 MiB"),
    ],
)
async def test_each_fault_has_its_message_and_the_app_stays_usable(kind: str, expected: str) -> None:
    async def run(base_url: str) -> None:
        # Only the timeout case gets a tiny timeout: on a busy machine 0.3 s can pass before a reply.
        app = app_for(base_url, timeout=0.3 if kind == "timeout" else 10)
        async with app.run_test(size=SIZE) as pilot:
            await send_and_wait(app, pilot)
            assert app.response.last_exchange.error_kind == kind
            assert expected in pane_text(app, "raw")
            assert "nothing to decrypt" in app.query_one("#response-decrypted").border_title
            assert app.query_one("#response-raw").has_class("-bad")
            await assert_still_usable(app, pilot)

    if kind == "refused":
        await run(f"http://127.0.0.1:{closed_port()}")
    elif kind == "dns":
        await run("http://mp-explorer-test.invalid")
    elif kind == "timeout":
        with silent_server() as port:
            await run(f"http://127.0.0.1:{port}")
    elif kind == "tls":
        with http_server(b'{"code":"000000"}') as port:
            await run(f"https://127.0.0.1:{port}")
    elif kind == "not_json":
        with http_server(b"<html>maintenance</html>", content_type="text/html") as port:
            await run(f"http://127.0.0.1:{port}")
    else:
        with http_server(b"[" + b"1," * (3 * 1024 * 1024) + b"1]") as port:
            await run(f"http://127.0.0.1:{port}")


async def test_escape_cancels_a_send_in_flight() -> None:
    with silent_server() as port:
        app = app_for(f"http://127.0.0.1:{port}", timeout=30)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("ctrl+s")
            await pilot.pause(0.2)
            assert "sending" in pane_text(app, "raw")
            await pilot.press("escape")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert "send cancelled" in pane_text(app, "raw")
            await assert_still_usable(app, pilot)


async def test_a_sandbox_rejection_shows_the_canonical_diff_with_the_first_difference(sandbox: Any) -> None:
    # Sign without the appended '/' (a rule the spec documents): the sandbox rejects the digest.
    rules = signing.Rules(trailing_slash=False)
    app = ExplorerApp(Settings(sandbox=sandbox, rules=rules, preload_client=False))
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await send_and_wait(app, pilot)
        verdict = app.response.last_exchange.sandbox
        assert app.response.last_exchange.code == "900002"
        assert verdict["reason"] == "digest_mismatch"
        ours = app.stages.signature.canonical_request
        index = signing.first_difference(ours, verdict["canonical_request"])
        assert index == ours.index("user-open-data") + len("user-open-data")
        text = pane_text(app, "decrypted")
        assert app.query_one("#response-decrypted").border_title == "sandbox verdict"
        assert "digest_mismatch" in text
        assert "900002 (JWT authentication failed)" in text
        assert f"first difference at character {index} (line 2," in text
        assert "ours a line end (\\n), sandbox '/'" in text
        assert "ours" in text and "sandbox" in text


async def test_a_canned_rejection_from_any_server_shows_its_diff() -> None:
    ours_expected = "GET\n/mp-api/v1/apps/ozSQnakAm7apa6ew7crPYd/user-open-data/\nopenData=abc123\n"
    theirs = ours_expected.replace("abc123", "abc124") + signing.EMPTY_PAYLOAD_HASH
    envelope = {
        "code": "900002",
        "message": "JWT authentication failed: digest mismatch",
        "data": None,
        "success": False,
        "sandbox": {
            "reason": "digest_mismatch",
            "outcome": "digest mismatch",
            "detail": "dig does not match",
            "canonical_request": theirs,
            "digest": "0" * 64,
            "received_dig": "1" * 64,
            "skew": 60,
            "ts_window": 300,
        },
    }
    with http_server(json.dumps(envelope).encode()) as port:
        app = app_for(f"http://127.0.0.1:{port}")
        async with app.run_test(size=SIZE) as pilot:
            await send_and_wait(app, pilot)
            text = pane_text(app, "decrypted")
            index = len(ours_expected) - 2
            assert f"first difference at character {index} (line 3, column 15): ours '3', sandbox '4'" in text
            assert "60 s (window ±300 s)" in text
            assert "code 900002" in pane_text(app, "raw")


async def test_send_refuses_clearly_when_the_inputs_cannot_be_signed() -> None:
    app = app_for(f"http://127.0.0.1:{closed_port()}", method="G E T")
    async with app.run_test(size=SIZE) as pilot:
        await send_and_wait(app, pilot)
        assert "cannot send: fix method" in pane_text(app, "raw")
        assert app.response.last_exchange is None


async def test_decryption_without_a_private_key_says_so(sandbox: Any) -> None:
    app = ExplorerApp(Settings(sandbox=sandbox, private_key="", preload_client=False))
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await send_and_wait(app, pilot)
        assert "cannot decrypt userData: no private key" in pane_text(app, "decrypted")


async def test_ctrl_t_mints_through_the_sandbox_route_when_only_its_url_is_known(sandbox: Any) -> None:
    # As with `mp-explorer sandbox` in another terminal and `--base-url http://127.0.0.1:PORT`.
    app = app_for(
        sandbox.base_url,
        app_id=sandbox.app_id,
        access_key_id=sandbox.access_key_id,
        secret_key=sandbox.secret_key,
        private_key=str(sandbox.private_key_path),
        ts=None,
        clock=signing.now_ts,
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert (
            app.sandbox_life.minted is not None and app.form.value("data-token") == app.sandbox_life.minted["dataToken"]
        )
        assert "expires in" in str(app.query_one("#data-token-ttl").render())
        await send_and_wait(app, pilot)
        assert app.sandbox_life.minted["openId"] in pane_text(app, "decrypted")


async def test_ctrl_t_against_a_real_target_explains_instead_of_calling_it() -> None:
    app = app_for("https://dip-cb.binanceapi.com")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.sandbox_life.minted is None
        assert any("bn.getUserOpenId" in n.message for n in app._notifications)


async def test_the_first_frame_does_not_wait_for_the_sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from explorer.sandbox.runner import start_background
    from explorer.tui import sandbox_link

    release = threading.Event()

    def slow_start(data_dir: str | None = None) -> Any:
        release.wait(10)
        return start_background(data_dir=tmp_path / "slow")

    monkeypatch.setattr(sandbox_link, "start", slow_start)
    app = ExplorerApp(Settings(start_sandbox=True, preload_client=False))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # Drawn and usable while the sandbox is still starting.
        assert app.sandbox_life.starting
        assert app.query_one("#target").placeholder == "starting sandbox…"
        assert stage(app, "canonical").value.startswith("GET\n")
        fill(app, method="POST")
        await pilot.pause()
        await pilot.pause()
        assert stage(app, "canonical").value.startswith("POST\n")
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.sandbox_life.starting
        assert app.form.value("target") == app.sandbox_life.handle.base_url
    assert app.sandbox_life.owns and not app.sandbox_life.handle.running


async def test_a_phone_data_token_decrypts_to_the_users_phone(sandbox: Any) -> None:
    app = ExplorerApp(Settings(sandbox=sandbox, preload_client=False))
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        app.action_mint_token("phone")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.sandbox_life.minted["scope"] == "phone"
        await send_and_wait(app, pilot)
        assert app.query_one("#response-decrypted").border_title == "decrypted"
        phone = sandbox.state.user_for(
            sandbox.state.require_app(sandbox.app_id), app.sandbox_life.minted["openId"]
        ).phone
        assert phone.startswith("+65") and phone in pane_text(app, "decrypted")


async def test_the_answer_comes_first_with_the_servers_message_made_visible() -> None:
    envelope = {"code": "900001", "message": "bad \x1b[31mred\x1b[0m thing\u202e", "data": None, "success": False}
    with http_server(json.dumps(envelope).encode()) as port:
        app = app_for(f"http://127.0.0.1:{port}")
        async with app.run_test(size=SIZE) as pilot:
            await send_and_wait(app, pilot)
            for pane in ("raw", "decrypted"):
                first = pane_text(app, pane).splitlines()[0]
                assert first.startswith(
                    "code 900001 (invalid parameter) · message: bad \\x1b[31mred\\x1b[0m thing\\u202e"
                )
                assert "\x1b" not in pane_text(app, pane) and "\u202e" not in pane_text(app, pane)
            assert "HTTP 200" in pane_text(app, "raw").splitlines()[0]
