"""The explorer's JSON colouring is rich's Syntax(..., "json", theme="monokai"), without pygments."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.syntax import Syntax

from explorer.tui.json_colours import json_text

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def _colours(renderable: object, text: str) -> list[tuple[str, str | None]]:
    """Each character shown, with its foreground colour."""
    console = Console(width=10_000, color_system="truecolor", force_terminal=True)
    shown: list[tuple[str, str | None]] = []
    for segment in console.render(renderable, console.options.update(no_wrap=True)):  # type: ignore[arg-type]
        colour = segment.style.color.name if segment.style and segment.style.color else None
        shown.extend((char, colour) for char in segment.text if char != "\n")
    assert "".join(char for char, _ in shown) == text.replace("\n", "")
    return shown


@settings(max_examples=200, deadline=None)
@given(JSON)
def test_every_character_has_the_colour_syntax_gives_it(value: object) -> None:
    pretty = json.dumps(value, indent=2, ensure_ascii=False)
    ours = _colours(json_text(pretty), pretty)
    theirs = _colours(Syntax(pretty, "json", theme="monokai", background_color="default"), pretty)
    assert ours == theirs


def test_the_envelope_of_a_real_answer() -> None:
    pretty = json.dumps(
        {"code": "000000", "message": None, "data": {"userData": "a+b/c==", "n": -1.5e-3, "ok": True}}, indent=2
    )
    ours = _colours(json_text(pretty), pretty)
    assert ours == _colours(Syntax(pretty, "json", theme="monokai", background_color="default"), pretty)
    assert ('"', "#ff4689") in ours and ("1", "#ae81ff") in ours and ("t", "#66d9ef") in ours


def test_escapes_made_visible_keep_their_string_colour() -> None:
    from explorer.safe_text import visible

    raw = json.dumps({"k\u009b": "a\u202eb\x7f", "n": [1, "\ud800"]}, indent=2, ensure_ascii=False)
    pretty = visible(raw, multiline=True)
    assert "\\x9b" in pretty and "\\u202e" in pretty
    ours = _colours(json_text(pretty), pretty)
    assert ours == _colours(Syntax(pretty, "json", theme="monokai", background_color="default"), pretty)
