"""Pretty JSON coloured the way the explorer has always shown it (monokai), without pygments.

rich's Syntax reads JSON through pygments, whose lexers and styles stay in memory (~1.4 MiB of the
explorer's peak) for what four regular expressions do: keys, strings, numbers and the constants
true, false and null, on the text json.dumps(indent=2) wrote. tests/test_json_colours.py holds the
colours equal to Syntax(..., "json", theme="monokai") character by character.
"""

from __future__ import annotations

import re

from rich.style import Style
from rich.text import Text

# Monokai's colours for the tokens of pygments' JSON lexer; the text's own colour for punctuation.
PLAIN = Style(color="#f8f8f2")
_STYLES = {
    "key": Style(color="#ff4689"),
    "string": Style(color="#e6db74"),
    "number": Style(color="#ae81ff"),
    "constant": Style(color="#66d9ef"),
}
# A string runs to its closing quote, or to the end of the text: the panes cut a long body, and a
# string left open there must not fail to match. Failing, it made every escaped quote inside it the
# start of another attempt to the end: quadratic, seconds for a hostile 20,000-character body.
_STRING = r'"(?:[^"\\]|\\.)*(?:"|\\?\Z)'
_TOKEN = re.compile(
    rf"(?P<key>{_STRING})(?=\s*:)"
    rf"|(?P<string>{_STRING})"
    r"|(?P<number>-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<constant>\b(?:true|false|null)\b)"
)


def json_text(pretty: str) -> Text:
    """`pretty` (JSON as json.dumps wrote it, escapes already made visible) as coloured Text."""
    text = Text(pretty, style=PLAIN)
    for match in _TOKEN.finditer(pretty):
        text.stylize(_STYLES[match.lastgroup or "string"], match.start(), match.end())
    return text
