"""The doctor screen through Pilot: multi-line paste, checks and the named mistake updating as the user edits."""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.widgets import Input, TextArea

from explorer import doctor
from explorer.tui.doctor_screen import DoctorScreen, form_values
from tests.doctor_signer import AK, APP, EMPTY, HOST, NOW, SK, make_token

NO_SLASH = make_token(f"GET\n{APP}/user-open-data\nopenData=abc123\n{EMPTY}")
CURL = (
    f"curl -sS -X GET \\\n  '{HOST}{APP}/user-open-data?openData=abc123' \\\n  -H 'X-Mp-Open-Api-Token: {NO_SLASH}'\n"
)


class Host(App[None]):
    def __init__(self, screen: DoctorScreen) -> None:
        super().__init__()
        self.doctor_screen = screen
        self.result: list[doctor.ImportedRequest | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.doctor_screen, callback=self.result.append)


async def test_pasting_a_curl_command_names_the_mistake_and_edits_update_it() -> None:
    screen = DoctorScreen(now=lambda: NOW)
    app = Host(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "paste the request" in screen.report_text
        area = screen.query_one("#doctor-request", TextArea)
        app.post_message(events.Paste(CURL))  # as the terminal driver delivers a bracketed paste
        await pilot.pause()
        assert area.text == CURL  # the whole multi-line paste landed
        text = screen.report_text
        assert "1. trailing '/' missing  [trailing-slash-missing]" in text
        assert "cannot be checked without the secret key" in text
        assert f"signer {APP}/user-open-data" in text

        # Typing the secret key in turns the signature check on; a wrong one fails it.
        secret = screen.query_one("#doctor-secret-key", Input)
        secret.value = SK
        await pilot.pause()
        assert "ok   signature" in screen.report_text
        secret.value = SK + "x"
        await pilot.pause()
        assert "FAIL signature" in screen.report_text

        # Editing the request until it matches the token: the diagnosis follows.
        secret.value = SK
        good = make_token(f"GET\n{APP}/user-open-data/\nopenData=abc123\n{EMPTY}")
        screen.query_one("#doctor-token", TextArea).load_text(f"X-Mp-Open-Api-Token: {good}")
        screen.query_one("#doctor-access-key-id", Input).value = AK
        await pilot.pause()
        assert "the token is valid for this request" in screen.report_text
        assert screen.diagnosis is not None and screen.diagnosis.ok


async def test_import_from_curl_returns_the_request_for_the_form() -> None:
    screen = DoctorScreen(now=lambda: NOW, request=CURL)
    app = Host(screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+l")
        await pilot.pause()
    assert len(app.result) == 1 and app.result[0] is not None
    values = form_values(app.result[0])
    assert values == {
        "method": "GET",
        "path": f"{APP}/user-open-data",
        "query": "openData=abc123",
        "body": "",
        "target": HOST,
        "app-id": "APP",
    }


async def test_garbage_and_control_characters_never_crash_and_show_escaped() -> None:
    screen = DoctorScreen(now=lambda: NOW)
    app = Host(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        area = screen.query_one("#doctor-request", TextArea)
        for junk in ("curl 'unterminated", "\x1b[31mGET\x07 / HTTP/1.1\n\n", "curl -F a=@x https://h/", "x" * 5000):
            area.load_text(junk)
            await pilot.pause()
            assert screen.problem, junk[:20]
            assert "\x1b" not in screen.report_text and "\x07" not in screen.report_text
        await pilot.press("ctrl+l")  # nothing to import: a warning, no crash
        await pilot.pause()
        assert app.result == []


def test_the_sandbox_verdict_names_its_likely_mistakes_escaped() -> None:
    from rich.console import Console

    from explorer.tui.exchange_view import verdict_view

    sandbox = {
        "reason": "digest_mismatch",
        "likely_mistakes": [
            {"name": "trailing-slash-missing", "title": "trailing '/' missing", "fix": "append '/'"},
            {"name": "x", "title": "evil \x1b[2J title", "fix": ""},
            "not a dict",
        ],
    }
    console = Console(width=120, record=True, force_terminal=False)
    console.print(verdict_view(sandbox, None))
    text = console.export_text()
    assert "likely" in text and "trailing '/' missing; evil \\x1b[2J title" in text
    assert "\x1b" not in text


async def test_explorer_opens_the_doctor_with_ctrl_n_and_imports_the_paste_into_its_form() -> None:
    from tests.tui_support import app_for

    app = app_for()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DoctorScreen)
        app.post_message(events.Paste(CURL))
        await pilot.pause()
        assert "[trailing-slash-missing]" in screen.report_text
        await pilot.press("f1")  # the catalogue as help
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        assert "secret-key-base64-decoded" in app.screen.query_one("#help-text").source  # type: ignore[attr-defined]
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert not isinstance(app.screen, DoctorScreen)
        assert app.form.value("path") == f"{APP}/user-open-data"
        assert app.form.value("query") == "openData=abc123"
        assert app.form.value("target") == HOST
        assert app.stages.signature is not None
        assert app.stages.signature.canonical_uri == f"{APP}/user-open-data/"


async def test_the_palette_lists_the_doctor() -> None:
    from tests.tui_support import app_for

    app = app_for()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Doctor" in titles and "Import from curl" in titles


async def test_every_input_can_be_seen_at_80x24() -> None:
    # The inputs box is capped at 60% of the screen; at 80x24 its last two rows (access key and
    # secret key) fell below its edge, so tab moved into fields nobody could see.
    screen = DoctorScreen(now=lambda: NOW)
    app = Host(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        box = screen.query_one("#doctor-inputs")
        for field_id in ("#doctor-token", "#doctor-request", "#doctor-access-key-id", "#doctor-secret-key"):
            field = screen.query_one(field_id)
            field.focus()
            await pilot.pause()
            assert box.content_region.contains_region(field.region), field_id


async def test_the_forms_keys_stay_on_the_main_screen() -> None:
    # The explorer's bindings are the app's, priority ones fire on any screen: on the doctor screen
    # ctrl+s sent the form's request from behind it and the footer listed "send" and "copy token".
    from tests.tui_support import app_for

    app = app_for()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.check_action("send", ()) and app.check_action("copy", ("token",))
        main_rows = {command.title for command in app.get_system_commands(app.screen)}
        assert "Send request" in main_rows
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, DoctorScreen)
        for action in ("send", "copy", "mint_token", "toggle_pin", "workspace", "jump", "doctor"):
            assert app.check_action(action, ()) is False, action
        assert app.check_action("help", ()) is not False and app.check_action("focus_next", ()) is not False
        active = app.screen.active_bindings.values()
        footer_keys = {binding.description for _node, binding, _enabled, _tooltip in active}
        assert "send" not in footer_keys and "copy token" not in footer_keys and "back" in footer_keys
        rows = {command.title for command in app.get_system_commands(app.screen)}
        assert "Send request" not in rows and "Quit" in rows
        sent_before = app.response.last_exchange
        await pilot.press("ctrl+s", "ctrl+y")
        await pilot.pause()
        assert isinstance(app.screen, DoctorScreen) and app.response.last_exchange is sent_before
        assert not any("copied" in str(n.message) for n in app._notifications)
        await pilot.press("escape")
        await pilot.pause()
        assert app.check_action("send", ())
