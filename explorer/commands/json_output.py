"""JSON the commands print with `--json`: always valid JSON, never a terminal control.

Two things `json.dumps` lets through on its own:
- A float that is not finite (a token's claim written `1e999`, or `NaN`, which Python's JSON reader
  accepts) comes out as the bare word `Infinity` or `NaN`, which no strict JSON reader takes. Here it
  is the string "Infinity", "-Infinity" or "NaN".
- With `ensure_ascii=False` (kept for readable non-ASCII text), DEL, C1 controls, bidi and
  zero-width marks and lone surrogates come out as themselves, and a terminal obeys some of them.
  Here each is written as its `\\uXXXX` escape, which reads back as the same string.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from explorer.safe_text import HIDDEN_RANGES

# json.dumps already escapes C0 controls; inside its output these can only stand in strings.
_HIDDEN = re.compile(f"[{HIDDEN_RANGES}]")


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


def dumps(value: Any, *, indent: int | None = 2, ensure_ascii: bool = True) -> str:
    """`value` as JSON text any strict reader takes and any terminal shows as it is."""
    text = json.dumps(_finite(value), indent=indent, ensure_ascii=ensure_ascii, allow_nan=False)
    if ensure_ascii:
        return text
    return _HIDDEN.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
