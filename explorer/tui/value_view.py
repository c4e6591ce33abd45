"""A value whole, on one line: to take with the mouse when a copy did not reach the clipboard,
or to save to a file the user names. Also the zoom view of a stage whose value the screen cuts."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, ScrollableContainer, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from explorer.plurals import plural


class ValueView(ModalScreen[None]):
    """One value, unwrapped and unstyled, with a field to save it to a file."""

    DEFAULT_CSS = """
    ValueView {
        align: center middle;
    }
    ValueView > Vertical {
        width: 96%;
        height: auto;
        max-height: 90%;
        border: round $accent;
        border-title-style: bold;
        padding: 0 1;
        background: $surface;
    }
    ValueView #value-scroll {
        height: auto;
        max-height: 12;
        overflow-x: auto;
        overflow-y: auto;
        scrollbar-size-horizontal: 1;
    }
    ValueView #value-text {
        width: auto;
    }
    ValueView .note {
        color: $text-muted;
    }
    ValueView Horizontal {
        height: auto;
    }
    ValueView Horizontal > Label {
        width: auto;
        padding-right: 1;
    }
    ValueView Horizontal > Input {
        width: 1fr;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "close", id="value_view.close")]

    def __init__(self, name: str, value: str, *, note: str = "") -> None:
        super().__init__()
        self.value_name = name
        self.value = value
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = f"{self.value_name} · {plural(len(self.value), 'character')}, whole"
            if self.note:
                yield Static(self.note, classes="note")
            lines = self.value.split("\n")
            with ScrollableContainer(id="value-scroll"):
                # no_wrap: each line of the value is one screen line, to select with the mouse.
                yield Static(Text(self.value, no_wrap=True, overflow="ignore"), id="value-text", markup=False)
            shape = "one line" if len(lines) == 1 else plural(len(lines), "line")
            yield Static(f"shown unwrapped ({shape}); scroll sideways for the rest", classes="note")
            with Horizontal():
                yield Label("save to file")
                yield Input(placeholder="a path; Enter writes it (escape closes)", id="value-file")

    def on_mount(self) -> None:
        self.query_one("#value-file", Input).focus()

    def action_close(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#value-file")
    def _save(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.notify("name a file to write to", severity="warning")
            return
        path = Path(text).expanduser()
        try:
            if path.is_dir():
                raise IsADirectoryError(f"{text} is a directory")
            path.write_text(self.value, encoding="utf-8")
        except OSError as exc:
            self.notify(f"not saved: {exc.strerror or exc}", severity="error")
            return
        self.notify(f"saved the {self.value_name} to {path} ({plural(len(self.value.encode()), 'byte')})")
        self.dismiss(None)
