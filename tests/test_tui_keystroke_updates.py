"""What a keystroke redraws: only what changed, and everything that changed.

The explorer skips work on each keystroke (no layout when no size changes, stages whose text is
the same left as they are); these tests type the edits that exercise each skip and check that what
the screen shows still follows the form.
"""

from __future__ import annotations

import pytest
from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region

from explorer.tui.fields import FieldInput
from explorer.tui.framework_fences import ChangedRegionsCompositor
from explorer.tui.stage_views import StageView
from tests.tui_support import SIZE, TS, app_for

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


def drawn_rows(view: StageView) -> list[str]:
    """The rows a stage draws inside its border and padding, as the screen gets them."""
    width, height = view.outer_size
    rows = [strip.text for strip in view.render_lines(Region(0, 0, width, height))][1:-1]
    return [row[2:-2].rstrip() for row in rows]


def expected_rows(view: StageView) -> list[str]:
    """The rows a stage's current value draws when rendered afresh."""
    return [row.rstrip() for row in view.plain_text(width=view.content_region.width).splitlines()]


async def test_each_edit_redraws_every_row_it_changed_and_the_stages_match_a_fresh_drawing() -> None:
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        views = list(app.query(StageView))
        field = app.query_one("#data-token", FieldInput)
        field.focus()
        await pilot.press("end")
        before = {view.stage: drawn_rows(view) for view in views}
        # One letter in the data token: one row of the canonical request, the digest, the token rows.
        await pilot.press("q")
        await pilot.pause()
        for view in views:
            assert drawn_rows(view) == expected_rows(view), view.stage
            assert drawn_rows(view) != before[view.stage], f"{view.stage} still shows the request before the edit"
        assert any("openData=abc123q" in row for row in drawn_rows(views[0]))
        # Another field, another row; then back to what was there: each time every stage follows.
        for field_id, value in (("method", "PUT"), ("method", "POST"), ("access-key-id", "otherKey")):
            app.form.set_value(field_id, value)
            await pilot.pause()
            for view in views:
                assert drawn_rows(view) == expected_rows(view), (field_id, value, view.stage)
        # The flash of what changed fades (a redraw with the same text, other styles): still the same rows.
        await pilot.pause(1.2)
        for view in views:
            assert drawn_rows(view) == expected_rows(view), view.stage


async def test_a_clock_tick_that_changes_nothing_redraws_nothing_and_one_that_does_redraws_it() -> None:
    now = [TS + 60]
    app = app_for(ts=None, clock=lambda: now[0])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        views = list(app.query(StageView))
        rows = {view.stage: drawn_rows(view) for view in views}
        app.recompute(flash=False)  # the same second: the same request
        await pilot.pause()
        assert {view.stage: drawn_rows(view) for view in views} == rows
        now[0] += 1  # the next second: a new ts, so a new token (the canonical request keeps no ts)
        app.recompute(flash=False)
        await pilot.pause()
        for view in views:
            assert drawn_rows(view) == expected_rows(view), view.stage
            changed = drawn_rows(view) != rows[view.stage]
            assert changed == (view.stage in ("jwt", "header")), view.stage


def drawn(view: StageView) -> list[list[tuple[str, str]]]:
    """Every row the stage draws, border included: each segment's text and style."""
    width, height = view.outer_size
    return [[(seg.text, str(seg.style)) for seg in strip] for strip in view.render_lines(Region(0, 0, width, height))]


def redrawn_in_full(view: StageView) -> list[list[tuple[str, str]]]:
    """The same, with every row drawn again from the stage's current content."""
    view.refresh()
    return drawn(view)


@pytest.mark.parametrize("size", [(80, 24), (120, 40), SIZE])
async def test_at_each_size_rows_redrawn_after_edits_equal_the_stage_drawn_in_full(size: tuple[int, int]) -> None:
    app = app_for()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        views = list(app.query(StageView))
        app.query_one("#data-token", FieldInput).focus()
        await pilot.press("end")
        for keys in ("q", "r", "backspace", "backspace", "backspace"):
            await pilot.press(keys)
            await pilot.pause()
            rows = {view.stage: drawn(view) for view in views}
            canonical = ["".join(text for text, _ in row) for row in rows["canonical"]]
            assert any("openData=" + app.form.value("data-token") + "↵" in row for row in canonical)
            for view in views:
                assert rows[view.stage] == redrawn_in_full(view), (keys, view.stage)
        # The method changes (its row marked), then the data token: the method row keeps its text and
        # loses its mark, the style-only change of a row.
        app.form.set_value("method", "PUT")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        for view in views:
            assert drawn(view) == redrawn_in_full(view), ("method, then a key", view.stage)
        # A second on, the marks of what changed fade: the same text in other styles, redrawn too.
        await pilot.pause(1.2)
        for view in views:
            assert drawn(view) == redrawn_in_full(view), ("faded", view.stage)
        # A focused stage (its own border and tint) takes an edit made elsewhere the same way.
        views[2].focus()
        await pilot.pause()
        for token in ("focused1", "focused12"):
            app.form.set_value("data-token", token)
            await pilot.pause()
            for view in views:
                assert drawn(view) == redrawn_in_full(view), (token, view.stage)


async def test_each_partial_update_writes_the_same_bytes_as_textuals_own() -> None:
    """The main screen draws only the widgets that meet a changed region; the terminal gets the same."""
    app = app_for()
    compared: list[tuple[str, str]] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        compositor = app.screen._compositor
        assert isinstance(compositor, ChangedRegionsCompositor)
        ours = compositor.render_partial_update

        def both() -> ChopsUpdate | None:
            changed = set(compositor._dirty_regions)
            textuals = Compositor.render_partial_update(compositor)  # every widget the box meets
            compositor._dirty_regions.update(changed)
            mine = ours()
            assert (textuals is None) == (mine is None)
            if textuals is not None and mine is not None:
                compared.append((textuals.render_segments(app.console), mine.render_segments(app.console)))
            return mine

        compositor.render_partial_update = both  # type: ignore[method-assign]
        app.query_one("#data-token", FieldInput).focus()
        await pilot.press("end", "x", "y", "backspace")
        app.form.set_value("method", "PUT")
        await pilot.pause()
        await pilot.press("tab", "tab", "shift+tab", "ctrl+r", "ctrl+r")
        app.notify("a notice over the response pane")
        await pilot.pause()
        await pilot.press("alt+2", "alt+3", "alt+0")
        await pilot.pause()
        app.form.set_value("body", '{"a": 1}\n' * 12)  # the stages grow: a layout, then partial updates
        await pilot.pause(1.2)  # the marks of what changed fade
    assert len(compared) >= 10
    for index, (textuals, mine) in enumerate(compared):
        assert mine == textuals, f"partial update {index} differs from Textual's"
