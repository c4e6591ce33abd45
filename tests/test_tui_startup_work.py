"""What the explorer does before its first frame: no work there that could wait until after it.

Cold start to the first frame pays for every restyle, import and computation done before it; each
test here fails if one of the deferred pieces becomes eager again.
"""

from __future__ import annotations

import pytest
from textual.dom import DOMNode
from textual.screen import Screen

from explorer.tui.app import ExplorerApp
from tests.tui_support import app_for


@pytest.mark.parametrize(
    ("size", "classes"),
    [((80, 24), {"-narrow", "-short"}), ((120, 40), {"-medium", "-short"}), ((200, 60), {"-wide", "-tall"})],
)
async def test_the_breakpoint_classes_cost_no_restyle_of_the_screen_before_the_first_frame(
    monkeypatch: pytest.MonkeyPatch, size: tuple[int, int], classes: set[str]
) -> None:
    # Set after the widgets were styled, each class restyled the whole tree again before the first frame.
    restyled_before_mount: list[DOMNode] = []
    mounted: list[bool] = []
    update_styles, on_mount = ExplorerApp.update_styles, ExplorerApp.on_mount

    def counting_update_styles(self: ExplorerApp, node: DOMNode, animate: bool = True) -> None:
        if not mounted and isinstance(node, Screen):
            restyled_before_mount.append(node)
        update_styles(self, node, animate)

    def marking_on_mount(self: ExplorerApp) -> None:
        mounted.append(True)
        on_mount(self)

    monkeypatch.setattr(ExplorerApp, "update_styles", counting_update_styles)
    monkeypatch.setattr(ExplorerApp, "on_mount", marking_on_mount)
    app = app_for()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert mounted, "the probe never saw the app mount"
        assert restyled_before_mount == []
        breakpoints = {"-narrow", "-medium", "-wide", "-short", "-tall"}
        assert app.screen.classes & breakpoints == classes
