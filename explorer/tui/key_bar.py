"""The footer: the most used keys first, as many as fit, and never cut silently.

Textual's Footer lists bindings in declaration order and loses the ones past the right edge
without a sign. This bar takes the keys in order of use and, when some do not fit, ends with
what shows the rest (ctrl+p, the command palette, lists every command with its key).
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

# (key as shown, what it does), the most used first.
KEYS: tuple[tuple[str, str], ...] = (
    ("^s", "send"),
    ("^t", "data token"),
    ("f1", "help"),
    ("^y", "copy token"),
    ("alt+1-4", "stages"),
    ("alt+m", "maximise"),
    ("f6", "whole value"),
    ("^o", "push token"),
    ("^g", "pin ts"),
    ("f5", "copy curl"),
    ("f8", "save"),
    ("f9", "open"),
    ("f10", "history"),
    ("^r", "reveal"),
    ("^p", "all keys"),
)
MORE = ("^p", "more")
KEY_STYLE = "bold #ffa657"
LABEL_STYLE = "#c9d1d9"


def bar_text(width: int, keys: tuple[tuple[str, str], ...] = KEYS) -> Text:
    """The keys that fit in `width` cells; when some are left out, the last item says where they are."""

    def item(key: str, label: str) -> Text:
        return Text.assemble((f" {key}", KEY_STYLE), (f" {label} ", LABEL_STYLE))

    items = [item(key, label) for key, label in keys]
    if sum(part.cell_len for part in items) <= width:
        return Text("").join(items)
    more = item(*MORE)
    shown: list[Text] = []
    used = more.cell_len
    for part in items:
        if used + part.cell_len > width:
            break
        shown.append(part)
        used += part.cell_len
    return Text("").join([*shown, more])


class KeyBar(Static):
    """One line at the bottom of the screen."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 100%;
        background: $panel;
    }
    """

    def render(self) -> Text:
        return bar_text(self.size.width)

    def on_resize(self) -> None:
        self.refresh()
