"""The floor for start-up: a Textual hello-world, one Static saying "Hello, world" (bench/bench_startup.py)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static


class HelloApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("Hello, world")


if __name__ == "__main__":
    HelloApp().run()
