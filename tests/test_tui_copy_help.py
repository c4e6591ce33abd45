"""Copy (system clipboard verified by read-back, else OSC 52), F1 help, and the command palette."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pyperclip
import pytest

from explorer import clipboard
from explorer.tui.help import HelpScreen, topic_text
from tests.tui_support import SECRET, SIZE, app_for

OSC52_PREFIX = "\x1b]52;c;"


# A data directory of its own for each test (the demo app and its keys are made there).
pytestmark = pytest.mark.usefixtures("explorer_home")


def _raise(*args: Any) -> None:
    raise pyperclip.PyperclipException("no clipboard mechanism")


# --- explorer.clipboard, no Textual -----------------------------------------------------------


def test_copy_uses_the_system_clipboard_when_it_reads_back(monkeypatch: pytest.MonkeyPatch) -> None:
    store: dict[str, str] = {}
    monkeypatch.setattr(pyperclip, "copy", lambda text: store.__setitem__("v", text))
    monkeypatch.setattr(pyperclip, "paste", lambda: store.get("v", ""))
    written: list[str] = []
    assert clipboard.copy("tok", osc52=written.append) == clipboard.SYSTEM
    assert written == []


def test_copy_falls_back_to_osc52_when_pyperclip_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pyperclip, "copy", _raise)
    written: list[str] = []
    assert clipboard.copy("tok", osc52=written.append) == clipboard.OSC52
    assert written == ["tok"]


def test_copy_falls_back_when_the_copy_silently_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pyperclip, "copy", lambda text: None)
    monkeypatch.setattr(pyperclip, "paste", lambda: "")
    written: list[str] = []
    assert clipboard.copy("tok", osc52=written.append) == clipboard.OSC52
    assert written == ["tok"]


# --- copy in the app ----------------------------------------------------------------------------


@pytest.mark.parametrize("failure", ["raises", "silent"])
async def test_ctrl_y_writes_the_token_through_osc52_when_the_system_clipboard_fails(
    monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    if failure == "raises":
        monkeypatch.setattr(pyperclip, "copy", _raise)
    else:
        monkeypatch.setattr(pyperclip, "copy", lambda text: None)
        monkeypatch.setattr(pyperclip, "paste", lambda: "")
    app = app_for()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        writes: list[str] = []
        monkeypatch.setattr(app._driver, "write", writes.append)
        await pilot.press("ctrl+y")
        await pilot.pause()
        token = app.stages.signature.token
        expected = OSC52_PREFIX + base64.b64encode(token.encode()).decode() + "\a"
        assert expected in writes
        assert app.query_one("#stages").copied[-1] == ("token", clipboard.OSC52)
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("copied token via terminal (OSC 52); the terminal may ignore OSC 52") for m in messages)


async def test_every_copy_target_copies_its_text(monkeypatch: pytest.MonkeyPatch) -> None:
    store: dict[str, str] = {}
    monkeypatch.setattr(pyperclip, "copy", lambda text: store.__setitem__("v", text))
    monkeypatch.setattr(pyperclip, "paste", lambda: store.get("v", ""))
    app = app_for("http://127.0.0.1:9")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        stages = app.stages
        for key, what, expected in (
            ("f2", "header", stages.signature.header_line),
            ("f3", "canonical", stages.signed.canonical_request),
            ("f4", "digest", stages.signed.digest),
        ):
            await pilot.press(key)
            await pilot.pause()
            assert store["v"] == expected
            assert app.query_one("#stages").copied[-1] == (what, clipboard.SYSTEM)
        await pilot.press("f5")
        await pilot.pause()
        curl = store["v"]
        assert curl.startswith("curl --globoff --path-as-is -X GET")
        assert stages.signature.token in curl
        assert SECRET not in curl
        assert "copied curl command via system clipboard" in [n.message for n in app._notifications]


async def test_copy_with_unsignable_inputs_says_what_to_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pyperclip, "copy", _raise)
    app = app_for(method="G E T")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert app.query_one("#stages").copied == []
        assert any("fix method" in n.message for n in app._notifications)


# --- help and palette ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("focus", "heading"),
    [
        ("#stage-digest", "# 2 · Digest"),
        ("#stage-jwt", "# 3 · JWT"),
        ("#method", "# 1 · Canonical request"),
        ("#secret-key", "# 3 · JWT"),
        ("#private-key", "# Decrypt"),
        ("#response-raw", "# Send"),
    ],
)
async def test_f1_explains_the_focused_stage_or_the_stage_an_input_feeds(focus: str, heading: str) -> None:
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(focus).focus()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert topic_text(app.screen.topic).startswith(heading)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


def test_help_worked_examples_are_the_get_open_data_vector(vectors: dict[str, Any]) -> None:
    expected = vectors["signing"][0]["expected"]
    assert expected["canonical_request"] in topic_text("canonical")
    assert expected["digest"] in topic_text("digest")
    assert expected["token"] in topic_text("jwt")
    assert expected["header"] in topic_text("header")
    assert "**chosen**" in topic_text("canonical") and "documented" in topic_text("canonical")


async def test_every_action_is_in_the_command_palette() -> None:
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = {command.title for command in app.get_system_commands(app.screen)}
        for title in (
            "Send request",
            "Cancel send",
            "Copy token",
            "Copy header line",
            "Copy canonical request",
            "Copy digest",
            "Copy curl command",
            "Mint data token",
            "Pin or follow ts",
            "Reveal or mask secrets",
            "Help for the focused stage",
        ):
            assert title in titles
        assert all(binding.id for binding in app.BINDINGS)  # type: ignore[union-attr]


# --- the private key field ----------------------------------------------------------------------


@pytest.mark.parametrize("passphrase", [None, "pass phrase"])
async def test_a_pasted_multiline_pem_loads_and_stays_masked(passphrase: str | None) -> None:
    from textual import events

    from explorer.crypto import generate_private_key, private_key_pem

    pem = private_key_pem(generate_private_key(1024), passphrase).decode()
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        field = app.query_one("#private-key")
        field.focus()
        field.post_message(events.Paste(pem))
        await pilot.pause()
        await pilot.pause()
        assert field.password
        assert field.value.startswith("-----BEGIN") and "\n" not in field.value
        status = str(app.query_one("#private-key-status").render())
        if passphrase is None:
            assert status.startswith("RSA 1024-bit private key (pasted PEM)")
        else:
            assert "encrypted: give its passphrase" in status
            app.form.set_value("passphrase", passphrase)
            await pilot.pause()
            await pilot.pause()
            assert str(app.query_one("#private-key-status").render()).startswith("RSA 1024-bit")


async def test_a_crash_report_never_prints_the_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from rich.console import Console

    from explorer.tui import app as app_module

    def broken_compute(state: Any, **kwargs: Any) -> Any:
        secret_key = state.secret_key  # a local holding the secret, as in the signing code
        raise RuntimeError(f"boom ({len(secret_key)} bytes)")

    app = app_for()
    monkeypatch.setattr(app, "_print_error_renderables", lambda: None)  # keep the report to read it
    with pytest.raises(RuntimeError, match="boom"):  # run_test re-raises the crash on the way out
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            monkeypatch.setattr(app_module, "compute", broken_compute)
            app.query_one("#method").focus()
            await pilot.press("X")  # a keystroke: the crash happens inside the app's own loop
            await pilot.pause()
            await pilot.pause()
    console = Console(file=io.StringIO(), width=200)
    for renderable in app._exit_renderables:
        console.print(renderable)
    report = console.file.getvalue()
    assert "boom (32 bytes)" in report
    assert SECRET not in report


async def test_f6_shows_the_copied_value_on_one_line_and_saves_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from textual.widgets import Static

    from explorer.tui.value_view import ValueView

    monkeypatch.setattr(pyperclip, "copy", _raise)
    app = app_for()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        monkeypatch.setattr(app._driver, "write", lambda data: None)
        await pilot.press("ctrl+y")  # copy the token (longer than the screen is wide)
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, ValueView)
        token = app.stages.signature.token
        assert len(token) > 80 and app.screen.value == token and app.screen.value_name == "token"
        shown = app.screen.query_one("#value-text", Static)
        assert (shown.size.width, shown.size.height) == (len(token), 1)  # whole, unwrapped, one line
        target = tmp_path / "token.txt"
        await pilot.press(*str(target), "enter")
        await pilot.pause()
        assert target.read_text() == token
        assert not isinstance(app.screen, ValueView)
