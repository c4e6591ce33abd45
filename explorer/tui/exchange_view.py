"""Rich renderables for one exchange: the raw request and response, the decrypted user data, and a
sandbox verdict with the canonical-request diff. No Textual here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from explorer import signing
from explorer.endpoints import ENVELOPE_CODES
from explorer.exchange import Exchange
from explorer.plurals import plural
from explorer.safe_text import visible
from explorer.tui import render
from explorer.tui.json_colours import json_text
from explorer.tui.private_key import KeyStatus
from explorer.tui.render import outside

MAX_BODY_SHOWN = 20_000
MAX_BODY_PARSED = 256 * 1024
SENT = "bold #79c0ff"
RECEIVED = "bold #7ee787"


@dataclass(frozen=True)
class DecryptedPane:
    """What the decrypted panel shows: a title, a renderable and whether it is good news."""

    title: str
    body: RenderableType
    ok: bool = False


def _headers(headers: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> Text:
    """Headers as on the wire, `name: value`, one a line (long values fold)."""
    text = Text()
    for index, (name, value) in enumerate(headers):
        if index:
            text.append("\n")
        text.append_text(outside(f"{name}: ", render.LABEL))
        text.append_text(outside(value))
    return text


def _body(body: bytes) -> RenderableType:
    text = body.decode("utf-8", "replace")
    cut = len(text) > MAX_BODY_SHOWN
    shown = text[:MAX_BODY_SHOWN]
    try:
        if len(body) > MAX_BODY_PARSED:
            # Parsing and re-indenting megabytes would hold up the screen to show 20,000 characters.
            raise ValueError("too big to pretty-print")
        pretty = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        # json.dumps writes C0 controls as \u001b already; DEL, C1 and bidi marks it keeps as they are.
        renderable: RenderableType = json_text(visible(pretty[:MAX_BODY_SHOWN], multiline=True))
    except (ValueError, RecursionError):
        renderable = outside(shown, multiline=True)
    if cut:
        return Group(renderable, Text(f"… {len(text) - MAX_BODY_SHOWN} more characters not shown", style=render.NOTE))
    return renderable


def code_text(code: str | None, message: str | None) -> Text:
    """The envelope's code and message, with the code's meaning."""
    meaning = ENVELOPE_CODES.get(code or "", "not a documented code")
    style = render.OK if code == "000000" else render.ERROR
    text = Text.assemble(("code ", render.LABEL), outside(code, f"reverse {style}"), (f"  {meaning}", style))
    text.append("   message ", style=render.LABEL)
    text.append_text(outside(json.dumps(message) if message is None else message, "bold"))
    return text


MAX_MESSAGE_SHOWN = 300


def answer_line(exchange: Exchange) -> Text:
    """The answer first: the envelope's code, its meaning and the server's own message, on one line."""
    if exchange.status is None:
        return Text.assemble(("✗ ", render.ERROR), outside(f"{exchange.error_kind}: {exchange.error}", render.ERROR))
    if exchange.code is None:
        what = f"{exchange.error_kind}: {exchange.error}" if exchange.error else "no envelope code in the answer"
        return Text.assemble(("✗ ", render.ERROR), outside(f"HTTP {exchange.status} · {what}", render.ERROR))
    meaning = ENVELOPE_CODES.get(exchange.code, "not a documented code")
    style = render.OK if exchange.code == "000000" else render.ERROR
    text = Text.assemble(("code ", render.LABEL), (f"{visible(exchange.code)[:40]} ({meaning})", f"bold {style}"))
    message = exchange.message
    text.append(" · message: ", style=render.LABEL)
    if message is None:
        text.append("null", style=render.LABEL)
    else:
        shown = visible(message)
        cut = "…" if len(shown) > MAX_MESSAGE_SHOWN else ""
        text.append(shown[:MAX_MESSAGE_SHOWN] + cut, style="bold")
    return text


def summary(exchange: Exchange) -> Text:
    """One line on top: the envelope's code and the server's message, then the status and the time."""
    text = answer_line(exchange)
    if exchange.status is None:
        return text
    ok = 200 <= exchange.status < 300
    text.append(f" · HTTP {exchange.status}", style=RECEIVED if ok else render.ERROR)
    text.append(f" · {exchange.elapsed * 1000:.0f} ms", style=render.LABEL)
    return text


def sending_view(method: str, url: str, timeout: float | None = None) -> RenderableType:
    limit = f" (gives up after {timeout:g} s; escape cancels)" if timeout is not None else ""
    return Text.assemble(("→ ", SENT), outside(f"{method} {url}", SENT), (f"\nsending…{limit}", render.NOTE))


def cancelled_view(method: str, url: str, after: float) -> RenderableType:
    """A send abandoned with escape: what was abandoned, when, and how to send again."""
    text = Text("send cancelled", style="bold #e3b341")
    if method:
        text.append_text(outside(f": {method} {url} abandoned after {after:.1f} s, nothing shown from it", "#e3b341"))
    text.append("\nctrl+s sends again", style=render.NOTE)
    return text


def raw_view(exchange: Exchange) -> RenderableType:
    """The request as sent (httpx's own headers included) and everything that came back."""
    wire = exchange.request
    parts: list[RenderableType] = [summary(exchange), Text("")]
    parts.append(Text.assemble(("→ ", SENT), outside(f"{wire.method} {wire.url}", SENT)))
    parts.append(_headers(exchange.sent_headers or list(wire.headers)))
    if wire.body:
        parts.append(Text(f"body: {plural(len(wire.body), 'byte')} (the bytes that were hashed)", style=render.LABEL))
    if exchange.status is None:
        parts.append(outside(f"✗ {exchange.error_kind}: {exchange.error}", render.ERROR))
        parts.append(Text(f"after {exchange.elapsed * 1000:.0f} ms", style=render.LABEL))
        return Group(*parts)
    status_style = RECEIVED if 200 <= exchange.status < 300 else render.ERROR
    parts.append(
        Text.assemble(
            ("← ", status_style),
            outside(f"{exchange.status} {exchange.reason}", status_style),
            outside(f"  {exchange.http_version}  {exchange.elapsed * 1000:.0f} ms", render.LABEL),
        )
    )
    parts.append(_headers(exchange.headers))
    if exchange.envelope is not None and exchange.code is not None:
        parts.append(code_text(exchange.code, exchange.message))
    if exchange.error:
        parts.append(outside(f"✗ {exchange.error_kind}: {exchange.error}", render.ERROR))
    parts.append(_body(exchange.body))
    return Group(*parts)


def diff_view(ours: str, theirs: str) -> RenderableType:
    """Both canonical requests line by line, the first differing character marked in each."""
    index = signing.first_difference(ours, theirs)
    table = Table.grid(padding=(0, 1))
    table.add_column(style=render.LABEL, no_wrap=True)
    table.add_column(overflow="fold")
    for label, text in (("ours", ours), ("sandbox", theirs)):
        table.add_row(label, _marked(text, index))
    if index is None:
        return Group(Text("the canonical requests are identical", style=render.OK), table)
    line = ours.count("\n", 0, index) + 1
    column = index - (ours.rfind("\n", 0, index) + 1) + 1
    message = Text(
        f"first difference at character {index} (line {line}, column {column}): "
        f"ours {_describe_char(ours, index)}, sandbox {_describe_char(theirs, index)}",
        style=render.ERROR,
    )
    parts: list[RenderableType] = [message, table]
    return Group(*parts)


def _describe_char(text: str, index: int) -> str:
    if index >= len(text):
        return "ends here"
    char = text[index]
    return "a line end (\\n)" if char == "\n" else repr(char)


def _marked(text: str, index: int | None) -> Text:
    out = Text()
    for position, char in enumerate(text):
        style = "reverse bold #ff7b72" if position == index else ""
        if char == "\n":
            out.append(render.NEWLINE_MARK, style=style or render.NEWLINE)
            out.append("\n")
        else:
            shown = visible(char)
            out.append(shown, style=style or (render.ESCAPED if shown != char else ""))
    if index is not None and index >= len(text):
        out.append(" ", style="reverse bold #ff7b72")
    return out


def verdict_view(sandbox: dict[str, Any], ours: str | None) -> RenderableType:
    """A sandbox rejection: reason, detail, window, and the canonical-request diff when given."""
    table = render.grid()
    table.add_row("reason", outside(sandbox.get("reason") or sandbox.get("outcome") or "?", render.ERROR))
    for key in ("outcome", "detail"):
        if sandbox.get(key):
            table.add_row(key, outside(sandbox[key]))
    if sandbox.get("skew") is not None or sandbox.get("ts_window") is not None:
        table.add_row("ts skew", outside(f"{sandbox.get('skew')} s (window ±{sandbox.get('ts_window')} s)"))
    mistakes = sandbox.get("likely_mistakes")
    named = [m for m in mistakes[:3] if isinstance(m, dict)] if isinstance(mistakes, list) else []
    if named:
        # The sandbox's doctor: the mistakes that reproduce the token, most likely first (titles only:
        # the pane is narrow; the fixes are in the raw answer and in the doctor screen).
        titles = "; ".join(str(m.get("title") or m.get("name")) for m in named)
        table.add_row("likely", outside(titles, "bold"))
    for key, label in (("digest", "its digest"), ("received_dig", "token's dig")):
        if sandbox.get(key):
            table.add_row(label, outside(sandbox[key], render.HASH))
    parts: list[RenderableType] = [table]
    theirs = sandbox.get("canonical_request")
    if isinstance(theirs, str) and ours is not None:
        parts.append(Text("canonical request, ours against the sandbox's:", style="bold"))
        parts.append(diff_view(ours, theirs))
    return Group(*parts)


def decrypted_view(
    exchange: Exchange, key_status: KeyStatus, ours: str | None, minted: dict[str, Any] | None = None
) -> DecryptedPane:
    """The answer line (code and the server's message), then userData decrypted, or why it could not be."""
    pane = _decrypted(exchange, key_status, ours, minted)
    if exchange.status is None:
        return pane
    return DecryptedPane(pane.title, Group(answer_line(exchange), pane.body), pane.ok)


def _decrypted(
    exchange: Exchange, key_status: KeyStatus, ours: str | None, minted: dict[str, Any] | None = None
) -> DecryptedPane:
    """userData decrypted with the private key, or why it could not be.

    `minted` is the sandbox's answer for the data token that was sent, when the explorer minted it:
    the plaintext of an openid-scoped token is then checked against the user it was minted for.
    """
    if exchange.status is None:
        return DecryptedPane("nothing to decrypt", outside(f"no response: {exchange.error}", render.ERROR))
    sandbox = exchange.sandbox
    if exchange.code is not None and exchange.code != "000000":
        meaning = ENVELOPE_CODES.get(exchange.code, "not a documented code")
        head = outside(f"no userData: the API answered {exchange.code} ({meaning})", render.ERROR)
        if sandbox:
            return DecryptedPane("sandbox verdict", Group(head, verdict_view(sandbox, ours)))
        return DecryptedPane("nothing to decrypt", head)
    if exchange.error_kind is not None:
        return DecryptedPane("nothing to decrypt", outside(f"no envelope to read: {exchange.error}", render.ERROR))
    user_data = exchange.user_data
    if user_data is None:
        return DecryptedPane(
            "nothing to decrypt",
            Text("no userData in this response (only GetUserOpenId returns encrypted user data)", style=render.NOTE),
        )
    if key_status.key is None:
        reason = key_status.status or "no private key given"
        return DecryptedPane(
            "not decrypted",
            outside(f"cannot decrypt userData: {reason}; give the private key (a path or pasted PEM)", render.NOTE),
        )
    from explorer.crypto import CryptoError, decrypt

    try:
        decrypted = decrypt(key_status.key, user_data)
    except CryptoError as exc:
        return DecryptedPane("decryption failed", outside(f"✗ {exc.message}", render.ERROR))
    body: list[RenderableType] = [
        Text(f"userData: {len(user_data)} base64 characters, RSA PKCS#1 v1.5 → UTF-8", style=render.LABEL),
    ]
    if decrypted.is_json:
        pretty = visible(decrypted.pretty(), multiline=True)
        body.append(json_text(pretty))
    else:
        body.append(outside(decrypted.plaintext, "bold #7ee787", multiline=True))
    if minted and minted.get("scope") == "openid" and minted.get("openId"):
        if decrypted.plaintext == minted["openId"]:
            body.append(Text("✓ the openid this data token was minted for", style=render.NOTE))
        else:
            body.append(outside(f"✗ this data token was minted for openid {minted['openId']}", render.ERROR))
    elif minted and minted.get("scope"):
        body.append(outside(f"scope {minted['scope']} (user {minted.get('openId', '?')})", render.NOTE))
    return DecryptedPane("decrypted", Group(*body), ok=True)
