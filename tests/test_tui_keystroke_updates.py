"""What a keystroke redraws: only what changed, and everything that changed.

The explorer skips work on each keystroke (no layout when no size changes, stages whose text is
the same left as they are); these tests type the edits that exercise each skip and check that what
the screen shows still follows the form.
"""

from __future__ import annotations

import pytest

from explorer.tui.fields import FieldInput
from tests.tui_support import SIZE, app_for

# A data directory of its own for each test (the demo app and its keys are made there).
pytestmark = pytest.mark.usefixtures("explorer_home")


def field_shows(field: FieldInput) -> str:
    """The field's line as drawn (what its scroll position lets through)."""
    return "".join(strip.text for strip in field.render_lines(field.content_region.reset_offset))


async def test_a_value_longer_than_its_field_scrolls_with_the_cursor_as_it_is_typed() -> None:
    app = app_for(data_token="")
    async with app.run_test(size=SIZE) as pilot:
        field = app.query_one("#data-token", FieldInput)
        field.focus()
        await pilot.pause()
        width = field.content_region.width
        typed = "START" + "".join(chr(ord("a") + index % 26) for index in range(width + 20))
        for char in typed:
            await pilot.press(char)
        await pilot.pause()
        assert field.value == typed
        assert field.scroll_x > 0
        assert typed[-10:] in field_shows(field)  # the end just typed is in view, not the start
        assert "START" not in field_shows(field)
        for _ in typed:
            await pilot.press("left")
        await pilot.pause()
        assert field.scroll_x == 0 and field_shows(field).startswith("START")


async def test_a_keystroke_that_keeps_every_size_does_not_lay_the_screen_out() -> None:
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        field = app.query_one("#data-token", FieldInput)
        field.focus()
        await pilot.press("end", "x")
        await pilot.pause()
        layouts: list[object] = []
        app.screen.screen_layout_refresh_signal.subscribe(app.screen, layouts.append)
        for char in "yz":
            await pilot.press(char)
            await pilot.pause()
        assert field.value.endswith("xyz") and "openData=abc123xyz" in app.query_one("#stage-canonical").value
        assert layouts == [], "a keystroke that changes no widget's size laid the whole screen out"
