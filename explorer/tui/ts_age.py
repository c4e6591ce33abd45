"""How old a pinned ts is, and how long before a server's window refuses it. No Textual here."""

from __future__ import annotations

from explorer.plurals import plural

WARN_BEFORE = 30  # seconds before the window's edge when the hint turns into a warning


def _span(seconds: int) -> str:
    if seconds < 120:
        return plural(seconds, "second")
    if seconds < 7200:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    if seconds < 86400 * 2:
        return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"
    return plural(seconds // 86400, "day")


def pinned_hint(ts: int | None, now: int, window: int) -> tuple[str, str]:
    """(text, level) under a pinned ts: its age ticking, and a warning before it leaves ±window."""
    keys = "ctrl+g follows the clock"
    if ts is None:
        return f"pinned  ({keys})", "warning"
    age = now - ts
    size = abs(age)
    when = f"{_span(size)} old" if age >= 0 else f"{_span(size)} ahead"
    if size > window:
        return f"pinned, {when}: outside the ±{window} s window, a server refuses it  ({keys})", "error"
    left = window - size
    if left <= WARN_BEFORE:
        return f"pinned, {when}: leaves the ±{window} s window in {_span(left)}  ({keys})", "warning"
    return f"pinned, {when} (window ±{window} s)  ({keys})", "warning"
