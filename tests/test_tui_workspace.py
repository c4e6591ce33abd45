"""The explorer with request files and history wired in: save, reopen and send in Pilot against the
real sandbox; every send recorded; a recorded send loaded back sends the same bytes; --no-history."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from explorer.tui.app import ExplorerApp
from explorer.tui.settings import Settings
from explorer.workspace.history import History
from tests.hardening.secret_scan import Needles
from tests.tui_support import SIZE, fill, send_and_wait, workers_done


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MP_EXPLORER_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from explorer.sandbox.runner import start_background

    handle = start_background(data_dir=tmp_path_factory.mktemp("sandbox-home"))
    try:
        yield handle
    finally:
        handle.stop()


def explorer(sandbox: Any, **settings: Any) -> ExplorerApp:
    return ExplorerApp(Settings(sandbox=sandbox, preload_client=False, **settings))


async def ready(app: ExplorerApp, pilot: Any) -> None:
    await workers_done(app)
    await pilot.pause()


async def test_save_then_open_in_a_new_explorer_and_send(sandbox: Any, tmp_path: Path) -> None:
    env = {"MP_SECRET_KEY": sandbox.secret_key}
    path = tmp_path / "push.request.toml"
    app = explorer(sandbox, endpoint="SendPushMessage", env_lookup=env.get)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        fill(app, body='{"pushToken":"{pushToken}","templateId":"tpl_saved","language":"en","parameters":[]}')
        await pilot.pause()
        await pilot.press("f8")
        await pilot.pause()
        save_path = app.screen.query_one("#save-path")
        save_path.value = str(path)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
    text = path.read_text()
    assert 'secret_key = "${MP_SECRET_KEY}"' in text and 'target = "sandbox"' in text
    needles = Needles()
    needles.add_text("secret key", sandbox.secret_key)
    assert needles.find(path.read_bytes()) == []

    # A new explorer, the form on another endpoint, a wrong secret key: opening the file fixes all three.
    app = explorer(sandbox, endpoint="ListSKUs", secret_key="wrong-secret-key-0123456789abcdef", env_lookup=env.get)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("f9")
        await pilot.pause()
        picker = app.screen.query_one("#open-list")
        assert picker.option_count == 1  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert app.form.state().endpoint == "SendPushMessage"
        assert "tpl_saved" in app.form.value("body")
        assert app.form.value("secret-key") == sandbox.secret_key  # from the reference, resolved
        await send_and_wait(app, pilot)
        assert app.response.last_exchange is not None and app.response.last_exchange.code == "000000", (
            app.response.last_exchange.envelope
        )


async def test_every_send_is_recorded_and_a_reload_sends_the_same_bytes(sandbox: Any, tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3")
    minted = sandbox.mint_data_token()
    app = explorer(sandbox, data_token=minted["dataToken"], history=history, ts=None)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await send_and_wait(app, pilot)
        await ready(app, pilot)
        first = app.response.last_exchange
        assert first.code == "000000"
        app.workspace.flush()
        [entry] = history.entries()
        assert (entry.url, entry.body, entry.code) == (first.request.url, first.request.body, "000000")
        assert entry.token == first.request.header("X-Mp-Open-Api-Token")
        assert minted["dataToken"] in entry.url

        # Change the form, then load the send back from the history view and send again.
        fill(app, query="openData=something-else", method="POST")
        await pilot.pause()
        await pilot.press("f10")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.ts_pinned
        await send_and_wait(app, pilot)
        await ready(app, pilot)
        again = app.response.last_exchange
        assert (again.request.method, again.request.url, again.request.body) == (
            first.request.method,
            first.request.url,
            first.request.body,
        )
        assert again.request.header("X-Mp-Open-Api-Token") == first.request.header("X-Mp-Open-Api-Token")
        assert again.code == "000000"
        app.workspace.flush()
    assert len(history.entries()) == 2
    needles = Needles()
    needles.add_text("secret key", sandbox.secret_key)
    assert needles.find(history.path.read_bytes()) == []


async def test_no_history_records_nothing_and_says_so(sandbox: Any, tmp_path: Path) -> None:
    app = explorer(sandbox, history=None)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await send_and_wait(app, pilot)
        await ready(app, pilot)
        await pilot.press("f10")
        await pilot.pause()
        assert any("history is off" in str(n.message) for n in app._notifications)
    assert not (tmp_path / "home" / "history.sqlite3").exists()


async def test_a_bad_request_file_is_a_message_and_the_form_is_untouched(sandbox: Any, tmp_path: Path) -> None:
    (tmp_path / "bad.request.toml").write_text("format = 1\nsecret_key = 'hunter2-in-plain'\n")
    app = explorer(sandbox)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        before = replace(app.form.state(), ts="")  # ts follows the clock: it may tick meanwhile
        assert app.workspace.open(tmp_path / "bad.request.toml") is False
        await pilot.pause()
        assert replace(app.form.state(), ts="") == before
        messages = [str(n.message) for n in app._notifications]
        assert any("secret_key: must be a" in m for m in messages)
        assert not any("hunter2" in m for m in messages)


def _record(history: History, count: int) -> None:
    for number in range(count):
        history.record(
            method="GET", url=f"http://127.0.0.1:1/x?n={number}", headers=[], body=b"", status=200,
            code="000000", message="ok", error=None, elapsed=0.01, response=b"{}",
        )  # fmt: skip


async def _palette(pilot: Any, command: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*command)
    await pilot.pause(0.3)  # the palette searches in a worker
    await pilot.press("enter")
    await pilot.pause()


async def test_clearing_the_history_asks_first(sandbox: Any, tmp_path: Path) -> None:
    from explorer.tui.confirm_screen import ConfirmScreen

    history = History(tmp_path / "h.sqlite3")
    _record(history, 2)
    app = explorer(sandbox, history=history)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        # "n", escape and a stray enter (the safe button has focus) all keep every send.
        for answer in ("n", "escape", "enter"):
            await _palette(pilot, "clear history")
            assert isinstance(app.screen, ConfirmScreen), answer
            assert "Delete 2 recorded sends" in str(app.screen.query_one("Label").render())
            await pilot.press(answer)
            await pilot.pause()
            assert not isinstance(app.screen, ConfirmScreen)
            assert len(history.entries()) == 2, answer
        await _palette(pilot, "clear history")
        await pilot.press("y")
        await pilot.pause()
        assert history.entries() == []
        assert any("history cleared: 2 sends deleted" in str(n.message) for n in app._notifications)
        await _palette(pilot, "clear history")
        assert not isinstance(app.screen, ConfirmScreen)
        assert any("nothing to clear" in str(n.message) for n in app._notifications)
