"""Copyable forms of a signed request: the header line and a curl command.

The curl command sends exactly the signed bytes: text bodies go through --data-raw (no '@'
file interpretation, no newline stripping); other bodies are carried as base64 and decoded
into curl's standard input so binary bytes survive the shell.
"""

from __future__ import annotations

import base64
import shlex

from explorer.request import WireRequest


def _is_shell_safe_text(body: bytes) -> bool:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return "\x00" not in text


def curl_command(wire: WireRequest, *, multiline: bool = True) -> str:
    """A curl command line that reproduces `wire` byte for byte."""
    # --globoff: no {} [] globbing in the URL; --path-as-is: keep the path exactly as signed.
    parts: list[str] = ["curl", "--globoff", "--path-as-is", "-X", wire.method, shlex.quote(wire.url)]
    for name, value in wire.headers:
        parts += ["-H", shlex.quote(f"{name}: {value}")]
    prefix = ""
    if wire.body:
        if _is_shell_safe_text(wire.body):
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
