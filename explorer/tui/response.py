"""The response row: the raw exchange on the left, the decrypted user data (or verdict) on the right."""

from __future__ import annotations

import io

from rich.console import Console, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static


def plain(renderable: RenderableType, width: int = 120) -> str:
    """A renderable as plain text (what a test or a copy sees)."""
    console = Console(file=io.StringIO(), width=width, color_system=None, legacy_windows=False)
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


class Pane(VerticalScroll, can_focus=True):
    """A bordered, scrollable panel holding one renderable."""

    DEFAULT_CSS = """
    Pane {
        border: round $primary 40%;
        border-title-color: $text-primary;
        border-title-style: bold;
        border-subtitle-color: $text-muted;
        padding: 0 1;
        width: 1fr;
        height: 1fr;
        scrollbar-size-vertical: 1;
    }
    Pane:focus {
        border: round $accent;
    }
    Pane.-ok {
        border: round $success;
    }
    Pane.-bad {
        border: round $error 70%;
    }
    Pane > Static {
        width: 100%;
    }
    """

    def __init__(self, title: str, *, id: str) -> None:
        super().__init__(id=id)
        self.border_title = title
        self.renderable: RenderableType = Text("")

    def compose(self) -> ComposeResult:
        yield Static(id=f"{self.id}-body")

    def show(self, renderable: RenderableType, *, title: str | None = None, state: str = "") -> None:
        self.renderable = renderable
        if title is not None:
            self.border_title = title
        self.set_class(state == "ok", "-ok")
        self.set_class(state == "bad", "-bad")
        self.query_one(Static).update(renderable)
        self.scroll_home(animate=False)

    def plain_text(self, width: int = 120) -> str:
        return plain(self.renderable, width)


class ResponsePanel(Horizontal):
    """Raw and decrypted, side by side."""

    DEFAULT_CSS = """
    ResponsePanel {
        height: 1fr;
        min-height: 8;
    }
    """

    def compose(self) -> ComposeResult:
        yield Pane("raw", id="response-raw")
        yield Pane("decrypted", id="response-decrypted")

    def on_mount(self) -> None:
        self.raw.show(Text("ctrl+s sends the request; what went out and what came back shows here.", style="dim"))
        self.decrypted.show(Text("userData, decrypted with the private key, shows here after a send.", style="dim"))

    @property
    def raw(self) -> Pane:
        return self.query_one("#response-raw", Pane)

    @property
    def decrypted(self) -> Pane:
        return self.query_one("#response-decrypted", Pane)
