"""How the explorer's screen folds by terminal size (the breakpoint classes app.tcss styles), and
the keys that move around it: jump to a stage or pane, maximise one. A mixin of ExplorerApp.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

    _AppBase = App[None]
else:
    _AppBase = object

import contextlib
from typing import ClassVar

from textual.css.query import NoMatches
from textual.widget import Widget

from explorer.tui.form import Form
from explorer.tui.response import Pane
from explorer.tui.stage_views import COMPACT_BELOW_HEIGHT, COMPACT_BELOW_WIDTH, StageView


class ResponsiveLayout(_AppBase):
    """The breakpoint classes on the main screen, alt+1..6 / alt+0 to jump, alt+m to maximise."""

    # Small terminals get the compact form: these classes go on the screen by its size.
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [  # type: ignore[misc]
        (0, "-narrow"),
        (COMPACT_BELOW_WIDTH, "-medium"),
        (160, "-wide"),
    ]
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-short"), (COMPACT_BELOW_HEIGHT, "-tall")]  # type: ignore[misc]

    def _size_classes(self) -> dict[str, bool]:
        """Each breakpoint class -> whether the terminal's size puts it on the main screen."""
        width, height = self.size
        classes: dict[str, bool] = {}
        for breakpoints, size in ((self.HORIZONTAL_BREAKPOINTS, width), (self.VERTICAL_BREAKPOINTS, height)):
            chosen = [name for limit, name in breakpoints if size >= limit][-1:]
            for _limit, name in breakpoints:
                classes[name] = name in chosen
        return classes

    def get_default_screen(self) -> Screen:
        """The main screen, with its breakpoint classes before any widget is styled.

        Set once the widgets were mounted, each class that changed restyled the whole tree again
        (two passes, some 60 ms before the first frame); set here, the first styling includes them.
        """
        screen = super().get_default_screen()
        screen.update_classes(self._size_classes(), update=False)
        return screen

    def _apply_size_classes(self) -> None:
        """The breakpoint classes for the terminal's size, on the main screen (one restyle when any changed).

        Textual sets them when the screen receives a Resize; a terminal that already has its size
        when the app starts (tmux, a window sized before launch) may never send one.
        """
        screen = self.screen_stack[0] if self.screen_stack else self.screen
        screen.update_classes(self._size_classes())

    def on_resize(self) -> None:
        self._apply_size_classes()

    def action_jump(self, widget_id: str) -> None:
        """Focus one stage, one response pane or the form's first field (alt+1..6, alt+0)."""
        if self.screen.maximized is not None:
            self.screen.minimize()
        with contextlib.suppress(NoMatches):
            self.query_one(f"#{widget_id}").focus()

    def action_toggle_maximize(self) -> None:
        """The focused stage, pane or form fills the screen; again (or escape) restores the layout."""
        screen = self.screen
        if screen.maximized is not None:
            screen.minimize()
            return
        widget = self.focused
        while widget is not None and not isinstance(widget, StageView | Pane | Form):
            widget = widget.parent if isinstance(widget.parent, Widget) else None
        if widget is None:
            self.notify("focus a stage, a pane or the form first (alt+1..6, alt+0)", severity="warning")
            return
        if not screen.maximize(widget, container=False):
            self.notify("this part of the screen cannot be maximised", severity="warning")
