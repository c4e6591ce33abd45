"""The explorer's App stays thin: it wires widgets, screens and mixins together and decides little.

A new key, screen, palette row or override of Textual goes into its own module (keymap, palette,
screen_keys, layout, framework_fences, workspace_actions...), not into app.py.
"""

from __future__ import annotations

from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "explorer" / "tui" / "app.py"


def test_app_py_stays_under_250_lines() -> None:
    lines = APP.read_text(encoding="utf-8").count("\n")
    assert lines < 250, f"explorer/tui/app.py has {lines} lines: move what it decides into the module it belongs to"
