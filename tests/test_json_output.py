"""`--json` output: strict JSON any reader takes, with nothing a terminal obeys, for any value."""

from __future__ import annotations

import json
import math
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.commands import json_output
from explorer.safe_text import HIDDEN_RANGES

VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(alphabet=st.characters(codec=None, categories=None), max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(alphabet=st.characters(codec=None, categories=None), max_size=6), inner, max_size=4)
    ),
    max_leaves=15,
)
RAW_HIDDEN = re.compile(f"[{HIDDEN_RANGES}]")


def _refuse(constant: str) -> object:
    raise ValueError(f"not JSON: {constant}")


def _expected(value: object) -> object:
    """What a strict reader should read back: each non-finite float as its name."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {key: _expected(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_expected(item) for item in value]
    return value


@settings(max_examples=300, deadline=None)
@given(VALUES, st.booleans())
def test_any_value_reads_back_strictly_and_shows_nothing_hidden(value: object, ascii_only: bool) -> None:
    text = json_output.dumps(value, ensure_ascii=ascii_only)
    assert RAW_HIDDEN.search(text.replace("\n", "")) is None
    assert json.loads(text, parse_constant=_refuse) == _expected(value)
