"""The explorer at small sizes: the compact form, keys that jump and maximise, the key bar, and what
was sent staying on screen (marked) until the next edit."""

from __future__ import annotations

import pytest
from rich.console import Console
from rich.text import Text

from explorer.tui.key_bar import KEYS, bar_text
from explorer.tui.render import MiddleCut, cut_middle
from explorer.tui.stage_views import StagesPanel
from tests.tui_support import app_for, http_server, send_and_wait, stage

ENVELOPE = b'{"code":"000000","message":null,"data":{},"success":true}'


def test_cut_middle_keeps_head_and_tail_and_whole_when_it_fits() -> None:
    value = "0123456789abcdefghij"
    assert cut_middle(Text(value), 20).plain == value
    cut = cut_middle(Text(value), 10).plain
    assert cut == "012345…hij" and len(cut) == 10
    console = Console(width=12, color_system=None, file=None)
    with console.capture() as capture:
        console.print(MiddleCut(Text(value)))
    assert capture.get() == "0123456…ghij\n"


def test_the_key_bar_puts_the_most_used_first_and_says_where_the_rest_are() -> None:
    wide = bar_text(400).plain
    assert wide.split()[:2] == ["^s", "send"] and "^p more" not in wide
    assert all(f"{key} {label}" in wide for key, label in KEYS)
    narrow = bar_text(50).plain
    assert narrow.startswith(" ^s send  ^t data token") and narrow.rstrip().endswith("^p more")
    assert len(narrow) <= 50


async def test_at_80x24_the_stages_are_compact_and_keys_jump_and_maximise() -> None:
    app = app_for()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = app.query_one(StagesPanel)
        assert panel.compact and app.screen.has_class("-narrow") and app.screen.has_class("-short")
        for view in ("canonical", "digest", "jwt", "header"):
            region = stage(app, view).region
            assert region.height > 0 and region.bottom <= 23, view  # all four on screen, above the key bar
        await pilot.press("alt+2")
        assert app.focused is stage(app, "digest")
        await pilot.press("alt+m")
        await pilot.pause()
        assert app.screen.maximized is stage(app, "digest")
        await pilot.press("alt+m")
        await pilot.pause()
        assert app.screen.maximized is None
        await pilot.press("alt+5")
        assert app.focused is app.query_one("#response-raw")
        await pilot.press("alt+0")
        assert app.focused is app.query_one("#endpoint")


async def test_alt_m_maximises_the_form_from_any_of_its_fields() -> None:
    # The form is a container that never takes focus; Textual maximised nothing for it (alt+m on
    # the endpoint picker or a text field did nothing, silently).
    app = app_for()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = app.query_one("#form")
        for field in ("#endpoint", "#path"):
            app.query_one(field).focus()
            await pilot.pause()
            await pilot.press("alt+m")
            await pilot.pause()
            assert app.screen.maximized is form, field
            assert form.region.width == 80 and app.focused is app.query_one(field)
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen.maximized is None, field


@pytest.mark.parametrize(("size", "title"), [((80, 24), "request"), ((160, 50), "mp-explorer · request")])
async def test_the_form_title_is_never_cut(size: tuple[int, int], title: str) -> None:
    # At 80x24 the form is 26 columns: the full title came out as "mp-explorer · reque…".
    app = app_for()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert app.query_one("#form").border_title == title


async def test_growing_the_terminal_brings_the_full_form_back() -> None:
    app = app_for()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "lowercase hex SHA-256" not in str(stage(app, "digest").render())
        await pilot.resize_terminal(160, 50)
        await pilot.pause()
        await pilot.pause()
        assert not app.query_one(StagesPanel).compact
        assert app.screen.has_class("-wide")


async def test_what_was_sent_stays_on_screen_marked_until_the_next_edit() -> None:
    now = [1700000060]
    with http_server(ENVELOPE) as port:
        app = app_for(f"http://127.0.0.1:{port}", ts=None, clock=lambda: now[0])
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await send_and_wait(app, pilot)
            sent_token = app.response.last_exchange.request.header("X-Mp-Open-Api-Token")
            assert stage(app, "jwt").value == sent_token
            assert all(stage(app, s).border_title.endswith("· sent") for s in ("canonical", "digest", "jwt", "header"))
            now[0] += 5  # the clock moves on: ts follows it, but what went out stays shown
            app._tick()
            await pilot.pause()
            assert stage(app, "jwt").value == sent_token
            assert app.query_one(StagesPanel).copy_text("token") == sent_token
            app.form.set_value("method", "POST")  # an edit: the stages show the request as it now stands
            await pilot.pause()
            await pilot.pause()
            assert stage(app, "jwt").value != sent_token
            assert not stage(app, "jwt").border_title.endswith("· sent")


async def test_alt_digit_as_a_terminal_sends_it_jumps_too() -> None:
    # xterm, tmux, GNOME Terminal... send alt+6 as ESC "6"; Textual reads that as section_sign.
    from textual._xterm_parser import XTermParser

    parser = XTermParser()
    keys = {digit: [getattr(event, "key", None) for event in parser.feed(f"\x1b{digit}")] for digit in "1234560"}
    app = app_for()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        targets = {"2": stage(app, "digest"), "6": app.query_one("#response-decrypted")}
        targets["0"] = app.query_one("#endpoint")
        for digit, target in targets.items():
            [key] = keys[digit]
            await pilot.press(key)
            await pilot.pause()
            assert app.focused is target, (digit, key)
