"""Two canonical requests side by side, line by line, the first differing character marked."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from explorer import signing

# Format characters (bidi overrides, zero-width marks), lone surrogates, line and paragraph separators.
_HIDDEN = frozenset({"Cf", "Cs", "Zl", "Zp"})
LINE_NAMES = ("method", "canonical URI", "canonical query", "payload hash")


def visible(text: str) -> str:
    """Text with line ends, tabs and other control characters written as escapes, so they show."""
    out = []
    for char in text:
        if char == "\r":
            out.append("\\r")
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "\\":
            out.append("\\\\")
        elif ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 or unicodedata.category(char) in _HIDDEN:
            out.append(f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return "".join(out)


@dataclass(frozen=True)
class DiffLine:
    """One line of both canonical requests; `column` is the first differing character in the visible text."""

    name: str
    ours: str | None
    theirs: str | None
    column: int | None

    @property
    def same(self) -> bool:
        return self.column is None


def line_diff(ours: str, theirs: str) -> tuple[DiffLine, ...]:
    """Line by line: ours (the spec's canonical request) against theirs (the signer's).

    Lines are split at '\\n' only, so a '\\r' or a trailing newline of theirs stays visible.
    """
    our_lines = ours.split("\n")
    their_lines = theirs.split("\n")
    rows = []
    for index in range(max(len(our_lines), len(their_lines))):
        mine = our_lines[index] if index < len(our_lines) else None
        other = their_lines[index] if index < len(their_lines) else None
        name = LINE_NAMES[index] if index < len(LINE_NAMES) else f"line {index + 1}"
        shown_mine = visible(mine) if mine is not None else None
        shown_other = visible(other) if other is not None else None
        if shown_mine == shown_other:
            column = None
        elif shown_mine is None or shown_other is None:
            column = 0
        else:
            column = signing.first_difference(shown_mine, shown_other)
        rows.append(DiffLine(name, shown_mine, shown_other, column))
    return tuple(rows)


def render_diff(rows: tuple[DiffLine, ...], *, indent: str = "  ") -> list[str]:
    """Text lines: for each canonical line, 'ours' and 'signer' and a caret under the first difference."""
    out = []
    for row in rows:
        if row.same:
            out.append(f"{indent}{row.name:<16} = {row.ours}")
            continue
        ours = "(no such line)" if row.ours is None else row.ours
        theirs = "(no such line)" if row.theirs is None else row.theirs
        out.append(f"{indent}{row.name:<16} ours   {ours}")
        out.append(f"{indent}{'':<16} signer {theirs}")
        out.append(f"{indent}{'':<16}        {' ' * (row.column or 0)}^")
    return out
