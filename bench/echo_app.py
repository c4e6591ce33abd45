"""The floor for a keystroke: an Input whose Changed puts its value in a Static (bench/bench_keystroke.py)."""

from __future__ import annotations

from textual import on
from textual.app import App, ComposeResult
from textual.widgets import Input, Static


class EchoApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.shown = ""  # what the Static was last given

    def compose(self) -> ComposeResult:
        yield Input(id="field")
        yield Static("", id="echo")

    @on(Input.Changed)
    def _echo(self, event: Input.Changed) -> None:
        self.shown = event.value
        self.query_one("#echo", Static).update(event.value)


if __name__ == "__main__":
    EchoApp().run()
