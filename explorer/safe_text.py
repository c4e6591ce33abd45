"""Text from outside, made safe to put on a terminal: every control character shown as an escape.

A response body, a header, a server's message, decrypted user data, a file name or pasted text can
hold bytes a terminal obeys instead of showing: ESC starts a sequence that can set the window title
or write the clipboard (OSC 52), C1 controls do the same on some terminals, and bidi and
zero-width marks change what a reader sees. Everything such text passes through `visible()` before
it reaches the screen, and each hidden character is written the way Python writes it in a string
literal: `\\x1b`, `\\x9b`, `\\r`, `\\u202e`, `\\ud800`. The explorer names the same characters in its
notices as 'U+202E RIGHT-TO-LEFT OVERRIDE' (see `describe`).

No UI, no network: the CLI and the explorer both use this module.
"""

from __future__ import annotations

import re
import unicodedata

# C0 controls (tab and line feed apart), DEL, C1 controls, and the marks that do not show as
# themselves: soft hyphen, Arabic letter mark, Mongolian vowel separator, zero-width and bidi
# marks, line and paragraph separators, bidi embeddings, overrides and isolates, word joiners,
# the byte order mark, interlinear annotation marks, and lone surrogates (not valid Unicode).
HIDDEN_RANGES = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff"
)
# One line: tab, line feed and carriage return are escaped too.
_ONE_LINE = re.compile(f"[\t\n\r{HIDDEN_RANGES}]")
# Several lines: line feeds and tabs stay what they are; a carriage return is shown, since a
# terminal would move the cursor back over what came before it.
_MULTILINE = re.compile(f"[\r{HIDDEN_RANGES}]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def escape(char: str) -> str:
    """The escape one hidden character is shown as: '\\x1b', '\\r', '\\u202e'."""
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _pattern(multiline: bool) -> re.Pattern[str]:
    return _MULTILINE if multiline else _ONE_LINE


def visible(text: str, *, multiline: bool = False) -> str:
    """`text` with every control and invisible character written as its escape.

    `multiline` keeps line feeds and tabs (a body, a decrypted JSON document); otherwise the text
    is one line (a header value, a message, a file name) and they are escaped too.
    """
    pattern = _pattern(multiline)
    if pattern.search(text) is None:
        return text
    return pattern.sub(lambda match: escape(match.group()), text)


def pieces(text: str, *, multiline: bool = False) -> list[tuple[str, bool]]:
    """`text` cut into (piece, is_escape) runs, for a renderer that styles the escapes apart."""
    out: list[tuple[str, bool]] = []
    start = 0
    for match in _pattern(multiline).finditer(text):
        if match.start() > start:
            out.append((text[start : match.start()], False))
        out.append((escape(match.group()), True))
        start = match.end()
    if start < len(text):
        out.append((text[start:], False))
    return out


def _picture(code: int) -> str:
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: '\x1b' is '␛', '\r' is '␍'
    if code == 0x7F:
        return "\u2421"  # '␡'
    return "\ufffd"  # C1 controls, invisible marks, lone surrogates: '�'


def one_cell(text: str, *, multiline: bool = False) -> str:
    """`text` with each hidden character replaced by one visible mark, so positions stay the same.

    For a field being edited, where the cursor moves one character at a time: a C0 control is
    its Control Picture ('␛' for ESC, '␍' for CR), DEL is '␡', anything else hidden is '�'. The
    field's notice names each one ('U+001B control character'); everywhere else `visible` is used.
    """
    if not has_hidden(text, multiline=multiline):
        return text
    # The same characters `visible` escapes, each one mark (no table of the 2,000-odd code points
    # kept in memory for the rare text that has one).
    return _pattern(multiline).sub(lambda match: _picture(ord(match.group())), text)


def has_hidden(text: str, *, multiline: bool = False) -> bool:
    """True when `visible` would change the text."""
    return _pattern(multiline).search(text) is not None


def describe(char: str) -> str:
    """'U+202E RIGHT-TO-LEFT OVERRIDE'; a control character has no name of its own."""
    fallback = "lone surrogate, not valid Unicode" if unicodedata.category(char) == "Cs" else "control character"
    return f"U+{ord(char):04X} {unicodedata.name(char, fallback)}"


def shorten(text: str, limit: int = 80) -> str:
    """One line of outside text for a message: escaped, and cut in the middle past `limit` characters."""
    shown = visible(text)
    if len(shown) <= limit:
        return shown
    keep = max(limit - 20, 10)
    head, tail = keep * 2 // 3, keep - keep * 2 // 3
    return f"{shown[:head]}…({len(shown) - head - tail} characters)…{shown[len(shown) - tail :]}"


def is_printable_text(text: str) -> bool:
    """True when every character prints as itself or is a space, tab or line feed."""
    return all(char.isprintable() or char in "\t\n " for char in text)
