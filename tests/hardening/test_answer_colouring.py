"""A hostile answer body must not stall the panes that colour it.

The raw and decrypted panes colour pretty JSON with explorer.tui.json_colours, on a body cut to
exchange_view.MAX_BODY_SHOWN characters. A cut can leave a string open; when that made the string
pattern fail, every escaped quote inside it started another scan to the end: a server answering
`{"a": "\\"\\"\\"…"}` froze the explorer for seconds. Each case here is coloured in a child process
at twenty times the panes' size, where a quadratic scan would take many minutes: the child's
generous timeout tells a hang from a slow machine, and nothing here times a figure.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from explorer.tui import exchange_view
from explorer.tui.json_colours import json_text
from tests.hardening import tally

SUITE = "answer colouring"
SIZE = exchange_view.MAX_BODY_SHOWN * 20

CASES = {
    "a string of escaped quotes, cut open": {"a": '"' * SIZE},
    "a string of backslashes, cut open": {"a": "\\" * SIZE},
    "escaped quotes and backslashes, cut open": {"a": '\\"' * (SIZE // 2)},
    "many strings of escaped quotes": ['"' * 100] * (SIZE // 100),
    "a key of escaped quotes, cut open": {'"' * SIZE: 1},
    "long runs of spaces between keys": {"k" * 50 + str(index): " " * 2000 for index in range(SIZE // 2000)},
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_hostile_body_is_coloured_in_one_pass(name: str) -> None:
    pretty = json.dumps(CASES[name], indent=2)
    cut = pretty[: len(pretty) - 7]  # and cut, as the panes cut a long body
    probe = (
        "import sys, json\n"
        "from explorer.tui.json_colours import json_text\n"
        "text = sys.stdin.read()\n"
        "print(json_text(text).plain == text)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], input=cut, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "True"
    # At the panes' own size, in this process, the text is kept as it is.
    shown = cut[: exchange_view.MAX_BODY_SHOWN]
    assert json_text(shown).plain == shown
    tally.count(SUITE, "bodies")
