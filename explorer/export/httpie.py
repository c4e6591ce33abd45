"""An HTTPie command that sends exactly the signed bytes.

HTTPie's `name=value` items build JSON itself (with spaces after ':' and ','), which would not
be the bytes that were hashed; so the body goes as --raw text, or, when it is not UTF-8 text,
through standard input from base64. --path-as-is keeps the path as signed.
"""

from __future__ import annotations

import base64
import shlex

from explorer.request import WireRequest
from explorer.safe_text import has_hidden


def _text_body(body: bytes, *, ascii_only: bool = False) -> str | None:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if ascii_only and not text.isascii():
        return None
    # A control character inside quotes would reach the terminal showing the command: base64 instead.
    return None if has_hidden(text, multiline=True) else text


def httpie_command(wire: WireRequest, *, multiline: bool = True, ascii_only: bool = False) -> str:
    """An `http` command line that reproduces `wire` byte for byte (`ascii_only`: as curl_command)."""
    prefix = ""
    options = ["--path-as-is"]
    text = _text_body(wire.body, ascii_only=ascii_only) if wire.body else None
    if wire.body and text is None:
        encoded = base64.b64encode(wire.body).decode("ascii")
        prefix = f"printf %s {shlex.quote(encoded)} | base64 -d | "
    else:
        options.insert(0, "--ignore-stdin")
    first = ["http", *options, wire.method, shlex.quote(wire.url)]
    items = [shlex.quote(f"{name}:{value}") if value else shlex.quote(f"{name};") for name, value in wire.headers]
    rest = [*items]
    if text is not None:
        rest += ["--raw", shlex.quote(text)]
    if not multiline:
        return prefix + " ".join(first + rest)
    lines = [prefix + " ".join(first)]
    index = 0
    while index < len(rest):
        take = 2 if rest[index] == "--raw" else 1
        lines.append("  " + " ".join(rest[index : index + take]))
        index += take
    return " \\\n".join(lines)
