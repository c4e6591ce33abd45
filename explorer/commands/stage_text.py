"""Plain-text pieces `sign` and `verify` both print: a ts with its date, JSON, the canonical request."""

from __future__ import annotations

import json

TYPE_CHECKING = False  # typing stays unloaded: annotations only
if TYPE_CHECKING:
    from typing import Any


def utc_text(ts: int) -> str:
    """`ts` as 'YYYY-MM-DD HH:MM:SS UTC', or 'no calendar date' when it has none."""
    from datetime import UTC, datetime  # loaded when a date is shown: `sign --token` shows none

    try:
        return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (OverflowError, ValueError, OSError):
        return "no calendar date"


def compact_json(value: Any) -> str:
    """JSON without spaces, ASCII as in the token itself, so no terminal encoding can fail on it."""
    return json.dumps(value, separators=(",", ":"))


def render_canonical_request(text: str, *, color: bool = False, indent: str = "  ") -> str:
    """The canonical request one line per line, each line end shown as a (dim) \\n marker."""
    marker = "\x1b[2m\\n\x1b[0m" if color else "\\n"
    lines = text.split("\n")
    shown = [f"{indent}{line}{marker}" for line in lines[:-1]]
    shown.append(f"{indent}{lines[-1]}")
    return "\n".join(shown)
