"""Copyable forms of a signed request: the header line and a curl command.

The curl command sends exactly the signed bytes: text bodies go through --data-raw (no '@'
file interpretation, no newline stripping); other bodies are carried as base64 and decoded
into curl's standard input so binary bytes survive the shell.
"""

from __future__ import annotations

import base64
import shlex

from explorer.request import WireRequest
from explorer.safe_text import has_hidden


def _is_shell_safe_text(body: bytes, *, ascii_only: bool = False) -> bool:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if ascii_only and not text.isascii():
        return False
    # A control character (ESC, CR, ...) inside quotes would reach the terminal that shows the
    # command, and a reader could not see it: such a body travels as base64 like binary bytes.
    return not has_hidden(text, multiline=True)


def curl_command(wire: WireRequest, *, multiline: bool = True, ascii_only: bool = False) -> str:
    """A curl command line that reproduces `wire` byte for byte.

    `ascii_only`: a body with any non-ASCII character is carried as base64 too, for a terminal
    whose encoding cannot write it (the command stays exact instead of being escaped).
    """
    # --globoff: no {} [] globbing in the URL; --path-as-is: keep the path exactly as signed.
    parts: list[str] = ["curl", "--globoff", "--path-as-is", "-X", wire.method, shlex.quote(wire.url)]
    for name, value in wire.headers:
        parts += ["-H", shlex.quote(f"{name}: {value}")]
    prefix = ""
    if wire.body:
        if _is_shell_safe_text(wire.body, ascii_only=ascii_only):
            parts += ["--data-raw", shlex.quote(wire.body.decode("utf-8"))]
        else:
            encoded = base64.b64encode(wire.body).decode("ascii")
            prefix = f"printf %s {shlex.quote(encoded)} | base64 -d | "
            parts += ["--data-binary", "@-"]
    if not multiline:
        return prefix + " ".join(parts)
    lines = [prefix + " ".join(parts[:6])]
    index = 6
    while index < len(parts):
        lines.append("  " + " ".join(parts[index : index + 2]))
        index += 2
    return " \\\n".join(lines)
