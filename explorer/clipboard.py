"""Copy text to the system clipboard, falling back to the terminal (OSC 52) when that fails.

pyperclip fails in two ways on a machine without a usable clipboard: with no DISPLAY it raises
PyperclipException; with a DISPLAY but no X server it can fail silently. So every copy is read
back, and only a read-back that matches counts as a system copy. No Textual here: the caller
passes its OSC 52 writer (the TUI passes `app.copy_to_clipboard`).
"""

from __future__ import annotations

from collections.abc import Callable

SYSTEM = "system clipboard"
OSC52 = "terminal (OSC 52)"


def copy_system(text: str) -> bool:
    """Copy with pyperclip and read back; True only when the system clipboard now holds `text`."""
    try:
        import pyperclip
    except ImportError:  # pragma: no cover - pyperclip is a dependency
        return False
    try:
        pyperclip.copy(text)
        pasted: str = pyperclip.paste()
        return pasted == text
    except Exception:  # PyperclipException, or a helper program that crashed
        return False


def copy(text: str, *, osc52: Callable[[str], None]) -> str:
    """Copy `text`; return which path carried it: SYSTEM or OSC52."""
    if copy_system(text):
        return SYSTEM
    osc52(text)
    return OSC52
