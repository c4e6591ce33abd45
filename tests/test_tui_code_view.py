"""The code view on its own: languages, the text shown, copy, and the language handed back."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.widgets import Static, TextArea

from explorer import signing
from explorer.export import curl_command, export_request, program
from explorer.request import wire_request
from explorer.tui.code_text import code_text
from explorer.tui.code_view import CodeScreen, shown
from explorer.tui.model import FormState, Stages, compute

TS = 1700000000
SECRET = "a-test-secret-key-of-32-bytes-ok"


def _stages(**changes: Any) -> Stages:
    values: dict[str, Any] = {
        "target": "http://127.0.0.1:9",
        "method": "POST",
        "path": "/mp-api/v1/apps/ozSQnakAm7apa6ew7crPYd/message/broadcast",
        "body": '{"templateId":"t","language":"zh","parameters":[{"name":"n","value":"你好"}]}',
        "app_id": "ozSQnakAm7apa6ew7crPYd",
        "access_key_id": "testAccessKey",
        "secret_key": SECRET,
        "ts": str(TS),
    }
    values.update(changes)
    return compute(FormState(**values), ts=TS, now=TS)


class Host(App[None]):
    def __init__(self, screen: CodeScreen) -> None:
        super().__init__()
        self.code_screen = screen
        self.closed_with: list[str | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.code_screen, self.closed_with.append)


def _text(app: Host) -> str:
    return app.code_screen.query_one(TextArea).text


async def test_languages_switch_and_show_the_generated_code() -> None:
    stages = _stages()
    assert stages.spec is not None and stages.base_url is not None
    request = export_request(stages.spec, stages.base_url)
    app = Host(CodeScreen(stages, language="python"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert _text(app) == program("python", request)
        await pilot.press("5")
        assert _text(app) == program("node", request)
        await pilot.press("right_square_bracket")
        assert app.code_screen.language == "go"
        assert _text(app) == program("go", request)
        await pilot.press("1")
        assert stages.signature is not None
        assert _text(app) == curl_command(wire_request(stages.spec, stages.signature, stages.base_url)) + "\n"
        assert SECRET not in _text(app)
        await pilot.press("left_square_bracket")
        assert app.code_screen.language == "php"
        await pilot.press("escape")
        await pilot.pause()
    assert app.closed_with == ["php"]


async def test_copy_hands_over_the_exact_code(monkeypatch: Any) -> None:
    import explorer.clipboard

    monkeypatch.setattr(explorer.clipboard, "copy_system", lambda text: False)  # no system clipboard: OSC 52
    app = Host(CodeScreen(_stages(), language="java"))
    copied: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
        await pilot.press("c")
        await pilot.pause()
        shown_text = _text(app)
    assert app.code_screen.copied == ["java"]
    assert copied == [shown_text]
    assert "public class MpRequest" in copied[0]


async def test_tabs_fit_at_80_columns() -> None:
    app = Host(CodeScreen(_stages(), language="node"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        tabs = app.code_screen.query_one("#code-tabs", Static)
        assert tabs.size.width <= 80
        rendered = str(tabs.render())
        assert "1 curl" in rendered and "8 PHP" in rendered


async def test_a_wrapped_line_is_told_apart_from_the_next_line_of_code() -> None:
    # At 80 columns the programs' long comment lines wrap; without line numbers a continuation
    # ("python3 mp_request.py") read as a line of code. Each line of code has its number, a
    # continuation has none.
    app = Host(CodeScreen(_stages(), language="python"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        area = app.code_screen.query_one(TextArea)
        assert area.show_line_numbers and area.soft_wrap
        assert area.wrapped_document.height > area.document.line_count  # some lines do wrap here


async def test_a_command_without_keys_says_what_is_missing_programs_still_show() -> None:
    stages = _stages(secret_key="")
    app = Host(CodeScreen(stages, language="httpie"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert _text(app) == ""
        note = str(app.code_screen.query_one("#code-note", Static).render())
        assert "signed token" in note
        await pilot.press("c")  # nothing to copy: a message, no crash
        await pilot.press("6")
        assert "package main" in _text(app)


def test_a_reading_the_programs_lack_is_named_not_raised() -> None:
    code = code_text("node", _stages(), signing.Rules(replace_invalid_utf8=True))
    assert code.text == "" and code.problem is not None and "replace_invalid_utf8" in code.problem


def test_form_that_cannot_be_signed_names_the_field() -> None:
    code = code_text("python", _stages(path="/a?b"))
    assert code.text == "" and code.problem is not None and "path" in code.problem


def test_control_characters_are_shown_not_sent_to_the_terminal() -> None:
    assert shown("a\x1b[31mb\n\tc\x9b") == "a\\x1b[31mb\n\tc\\x9b"


async def test_f7_opens_the_view_on_the_explorers_request_and_keeps_the_language() -> None:
    from tests.tui_support import app_for

    app = app_for()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f7")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodeScreen)
        assert screen.language == "python"
        stages = app.stages
        assert stages.spec is not None and stages.base_url is not None
        assert screen.query_one(TextArea).text == program("python", export_request(stages.spec, stages.base_url))
        await pilot.press("5")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CodeScreen)
        assert app.code_language == "node"
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, CodeScreen) and app.screen.language == "node"


async def test_palette_names_the_code_view() -> None:
    from tests.tui_support import app_for

    app = app_for()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Show code" in titles
