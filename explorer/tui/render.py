"""Rich renderables for the four signing stages, built from model.Stages. No Textual here."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.text import Text

from explorer import signing
from explorer.known_values import HOW_TO_FILL
from explorer.safe_text import pieces
from explorer.tui.model import Stages, describe_ts

# One palette for the whole app (GitHub-dark-like hues that read on Textual's dark themes).
LABEL = "#8b949e"
RULE = "italic #6e7681"
NEWLINE = "#6e7681"
METHOD = "bold #ffa657"
URI = "#79c0ff"
QUERY = "#d2a8ff"
HASH = "#7ee787"
DIGEST = "bold #7ee787"
ERROR = "bold #ff7b72"
NOTE = "#e3b341"
OK = "bold #3fb950"
JWT_HEADER = "#ff7b72"
JWT_PAYLOAD = "#d2a8ff"
JWT_SIGNATURE = "#79c0ff"
NEWLINE_MARK = "↵"
CHANGED = "bold on #5a4200"
# A control or invisible character from outside, shown as its escape ('\\x1b', '\\u202e').
ESCAPED = "bold #f0883e on #3b2300"

RULES = {
    "canonical": 'Method "\\n" CanonicalURI "\\n" CanonicalQueryString "\\n" PayloadHash (no trailing newline)',
    "digest": "lowercase hex SHA-256 of the UTF-8 canonical request",
    "jwt": 'JWT HS256 keyed with the secret key; payload {"iss": access key id, "dig": digest, "ts": seconds}',
    "header": "X-Mp-Open-Api-Token: <token>, sent with the request",
}


class Rows:
    """Label / value rows: a label column (at least 15 wide) and values folded to the rest.

    It draws what a two-column `Table.grid` would, at a fraction of the cost: the stages are drawn
    again on every keystroke, and Rich's table measures every cell each time.
    """

    def __init__(self, min_label: int = 15) -> None:
        self.rows: list[tuple[str, Text]] = []
        self.min_label = min_label

    def add_row(self, label: str, value: Text) -> None:
        self.rows.append((label, value))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        label_width = max([self.min_label, *(len(label) for label, _ in self.rows)])
        value_width = max(1, options.max_width - label_width - 1)
        # Like the table it replaces: as wide as the widest row, at most the width available.
        width = min(options.max_width, label_width + 1 + max((v.cell_len for _, v in self.rows), default=0))
        blank = " " * (label_width + 1)
        for label, value in self.rows:
            lines = value.wrap(console, value_width, overflow="fold", no_wrap=False) if value else [Text()]
            for index, line in enumerate(lines):
                row = Text(end="")
                if index == 0:
                    row.append(label.ljust(label_width), LABEL)
                    row.append(" ", LABEL)
                else:
                    row.append(blank)
                row.append(line)  # the value's own style becomes a span, as Text.join does
                if row.cell_len < width:
                    row.append(" " * (width - row.cell_len), line.style)
                yield from row.render(console)
                yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        label_width = max([self.min_label, *(len(label) for label, _ in self.rows)])
        widest = max((value.cell_len for _, value in self.rows), default=0)
        return Measurement(label_width + 2, min(options.max_width, label_width + 1 + max(widest, 1)))


def outside(text: object, style: str = "", *, multiline: bool = False) -> Text:
    """Text that came from outside (a server, a file, a paste), every control character shown as its
    escape in ESCAPED style: nothing in it reaches the terminal as a control sequence."""
    out = Text(style=style)
    for piece, escaped in pieces(str(text), multiline=multiline):
        out.append(piece, style=ESCAPED if escaped else None)
    return out


def grid() -> Rows:
    return Rows()


def error_text(exc: signing.SigningInputError) -> Text:
    return Text.assemble(("✗ ", ERROR), (exc.field, ERROR), outside(f": {exc.message}", ERROR))


def _needs(fields: list[signing.SigningInputError], what: str) -> Text:
    names = ", ".join(exc.field for exc in fields)
    return Text(f"waits for {what} (fix: {names})", style=NOTE)


def changed_span(old: str, new: str) -> tuple[int, int] | None:
    """The span of `new` that differs from `old` (common prefix and suffix cut), or None when equal.

    A pure deletion marks the one character after it, so the eye still finds the spot.
    """
    if old == new:
        return None
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]:
        suffix += 1
    end = len(new) - suffix
    if end <= prefix:
        return (prefix, prefix + 1) if prefix < len(new) else None
    return prefix, end


_CANONICAL_ATTRS = ("method", "canonical_uri", "canonical_query", "payload_hash")


def canonical_view(stages: Stages, previous: Stages | None = None) -> RenderableType:
    """The four canonical lines, labelled; with `previous`, the characters that changed are marked."""
    table = grid()
    rows = (
        ("method", stages.signed.method, "method", METHOD),
        ("canonical URI", stages.signed.canonical_uri, "path", URI),
        ("canonical query", stages.signed.canonical_query, "query", QUERY),
        ("payload hash", stages.signed.payload_hash, "body", HASH),
    )
    for index, (label, value, field_name, style) in enumerate(rows):
        error = stages.errors.get(field_name)
        if error is not None:
            table.add_row(label, error_text(error))
            continue
        cell = Text(value or "", style=style)
        old = getattr(previous.signed, _CANONICAL_ATTRS[index]) if previous is not None else None
        span = changed_span(old, value or "") if old is not None else None
        if span is not None:
            cell.stylize(CHANGED, *span)
        if value == "":
            cell = Text("(empty)", style=f"italic {LABEL}")
        if index < 3:
            cell.append(NEWLINE_MARK, style=NEWLINE)
        table.add_row(label, cell)
    parts: list[RenderableType] = [table]
    parts.extend(unfilled_notes(stages))
    if stages.query_mode == "raw":
        parts.append(Text("query read as a raw query string (percent-decoded first)", style=RULE))
    return Group(*parts)


def unfilled_notes(stages: Stages) -> list[Text]:
    """One note per placeholder nothing fills, saying where it sits and what would fill it."""
    where: dict[str, list[str]] = {}
    for place, names in (("URL", stages.unfilled), ("body", stages.body_unfilled)):
        for name in names:
            places = where.setdefault(name, [])
            if place not in places:
                places.append(place)
    notes = []
    for name, places in where.items():
        how = HOW_TO_FILL.get(name, "nothing fills it")
        text = f"note: {{{name}}} not filled in (in the {' and the '.join(places)}; {how}): sent literally"
        notes.append(Text(text, style=NOTE))
    return notes


def digest_view(stages: Stages) -> RenderableType:
    if stages.signed.digest is None:
        return _needs(stages.signed.canonical_errors, "the canonical request")
    return Text(stages.signed.digest, style=DIGEST)


def _json_line(value: dict[str, Any]) -> str:
    return json.dumps(value, separators=(", ", ": "), ensure_ascii=False)


def jwt_view(stages: Stages) -> RenderableType:
    table = grid()
    table.add_row("header", Text(_json_line(signing.JWT_HEADER), style=JWT_HEADER))
    signature = stages.signature
    # With a token, the payload rows are what a server decodes from its second part.
    decoded = stages.decoded_payload if signature is not None else None
    if decoded is not None:
        table.add_row("payload iss", outside(decoded.get("iss"), JWT_PAYLOAD))
        table.add_row("        dig", outside(decoded.get("dig"), JWT_PAYLOAD))
        ts = decoded.get("ts")
        ts_text = describe_ts(ts, stages.now) if isinstance(ts, int) else str(ts)
        table.add_row("        ts", outside(ts_text, JWT_PAYLOAD))
    else:
        iss = signature.jwt_payload["iss"] if signature else stages.access_key_id
        table.add_row("payload iss", _value_or_error(iss, stages.errors.get("access key id"), JWT_PAYLOAD))
        if stages.signed.digest is not None:
            table.add_row("        dig", Text(stages.signed.digest, style=JWT_PAYLOAD))
        else:
            table.add_row("        dig", _needs(stages.signed.canonical_errors, "the digest"))
        if stages.ts is not None:
            table.add_row("        ts", Text(describe_ts(stages.ts, stages.now), style=JWT_PAYLOAD))
        else:
            table.add_row("        ts", _value_or_error(None, stages.errors.get("ts"), JWT_PAYLOAD))
    if signature is not None:
        table.add_row("signature", Text(signature.token.rsplit(".", 1)[1], style=JWT_SIGNATURE))
        if decoded is not None:
            table.add_row("", Text("payload decoded from the token · signature HMAC-SHA256(secret key)", style=RULE))
    else:
        secret_error = stages.errors.get("secret key")
        if secret_error is not None:
            table.add_row("signature", error_text(secret_error))
        else:
            table.add_row("signature", _needs(stages.signed.canonical_errors + stages.signed.jwt_errors, "every claim"))
    parts: list[RenderableType] = [table]
    if stages.secret_note:
        parts.append(Text(f"note: {stages.secret_note}", style=NOTE))
    return Group(*parts)


def _value_or_error(value: str | None, error: signing.SigningInputError | None, style: str) -> Text:
    if error is not None:
        return error_text(error)
    return outside(value or "", style)


def token_text(token: str) -> Text:
    """A JWT coloured by part, like jwt.io."""
    header, payload, sig = token.split(".")
    return Text.assemble((header, JWT_HEADER), ".", (payload, JWT_PAYLOAD), ".", (sig, JWT_SIGNATURE))


def header_view(stages: Stages) -> RenderableType:
    if stages.signature is None:
        return _needs(stages.signed.canonical_errors + stages.signed.jwt_errors, "the token")
    text = Text(f"{stages.signature.header_name}: ", style="bold")
    text.append_text(token_text(stages.signature.token))
    return text


# --- the compact form (small terminals): no rules (F1 has them), long values cut in the middle ------

ELLIPSIS = "…"


class MiddleCut:
    """One line of text; wider than the space, it loses its middle to '…' (head kept longer than tail).

    The whole value stays in the copies and in the f6 view.
    """

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        line = cut_middle(self.text, options.max_width).copy()
        line.end = "\n"
        line.no_wrap = True
        yield line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(min(8, self.text.cell_len), min(options.max_width, self.text.cell_len))


def cut_middle(text: Text, width: int) -> Text:
    """`text` itself when it fits in `width` cells, else its head, '…' and its tail (2:1)."""
    if text.cell_len <= width or width < 3:
        return text
    keep = width - 1
    head = max(1, keep * 2 // 3)
    tail = keep - head
    cut = text[:head]
    cut.append(ELLIPSIS, style=NOTE)
    if tail:
        cut.append_text(text[len(text) - tail :])
    return cut


def compact_canonical_view(stages: Stages, previous: Stages | None = None) -> RenderableType:
    """The four canonical lines as they are, one screen line each."""
    parts: list[RenderableType] = []
    rows = (
        (stages.method, "method", METHOD),
        (stages.canonical_uri, "path", URI),
        (stages.canonical_query, "query", QUERY),
        (stages.payload_hash, "body", HASH),
    )
    for index, (value, field_name, style) in enumerate(rows):
        error = stages.errors.get(field_name)
        if error is not None:
            parts.append(error_text(error))
            continue
        cell = Text(value or "", style=style, end="")
        old = getattr(previous, _CANONICAL_ATTRS[index], None) if previous is not None else None
        span = changed_span(old, value or "") if old is not None else None
        if span is not None:
            cell.stylize(CHANGED, *span)
        if value == "":
            cell = Text("(empty query)", style=f"italic {LABEL}", end="")
        if index < 3:
            cell.append(NEWLINE_MARK, style=NEWLINE)
        parts.append(MiddleCut(cell))
    parts.extend(unfilled_notes(stages))
    return Group(*parts)


def compact_digest_view(stages: Stages) -> RenderableType:
    if stages.digest is None:
        return _needs(stages.canonical_errors, "the canonical request")
    return MiddleCut(Text(stages.digest, style=DIGEST, end=""))


def compact_jwt_view(stages: Stages) -> RenderableType:
    """The decoded payload, one claim a line: iss, dig, ts."""
    decoded = stages.decoded_payload if stages.signature is not None else None
    if decoded is None:
        return jwt_view(stages)
    rows: list[RenderableType] = []
    ts = decoded.get("ts")
    claims = (
        ("iss", str(decoded.get("iss"))),
        ("dig", str(decoded.get("dig"))),
        ("ts ", describe_ts(ts, stages.now) if isinstance(ts, int) else str(ts)),
    )
    for label, value in claims:
        rows.append(MiddleCut(Text.assemble((label + " ", LABEL), (value, JWT_PAYLOAD), end="")))
    if stages.secret_note:
        rows.append(MiddleCut(Text(f"note: {stages.secret_note}", style=NOTE, end="")))
    return Group(*rows)


def compact_header_view(stages: Stages) -> RenderableType:
    """The token alone (the header's name is in the stage's title)."""
    if stages.signature is None:
        return _needs(stages.canonical_errors + stages.jwt_errors, "the token")
    text = token_text(stages.signature.token)
    text.end = ""
    return MiddleCut(text)
