"""Small text helpers shared by the code generators."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable


def comment_safe(text: str, limit: int = 100) -> str:
    """Text for a one-line comment: printable ASCII only (anything else shown as '?'), shortened."""
    shown = "".join(ch if " " <= ch <= "~" else "?" for ch in text)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def fill(template: str, values: dict[str, str]) -> str:
    """Replace each @@NAME@@ marker in one pass (a substituted value is never scanned again)."""
    return re.sub(r"@@([A-Z_]+)@@", lambda match: values[match.group(1)], template)


def rule_lines(
    constants: Iterable[tuple[str, bool, bool]],
    declare: Callable[[str, str], str],
    *,
    literal: Callable[[bool], str] = lambda value: str(value).lower(),
    comment: str = " //",
) -> str:
    """One declaration per signing rule (ExportRequest.rule_constants()), a comment on those off the spec's default."""
    off_default = f"{comment} not the spec's default ({{}})"
    return "\n".join(
        declare(name, literal(value)) + ("" if value == default else off_default.format(literal(default)))
        for name, value, default in constants
    )
