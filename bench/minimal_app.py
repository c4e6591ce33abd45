"""The floor for start-up: a Textual app with one Static saying "ready" (bench/bench_startup.py)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static


class MinimalApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("ready")


if __name__ == "__main__":
    MinimalApp().run()
