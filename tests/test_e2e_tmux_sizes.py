"""The real `mp-explorer` at the terminal sizes most people use: all four stages on screen, each
showing what identifies it, and the most used keys first in the footer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from explorer.request import RequestSpec
from tests.tmux_harness import TmuxSession

pytestmark = pytest.mark.tmux

APP_ID = "mpdemo0123456789"  # as long as the embedded sandbox's own app ids
ACCESS_KEY = "ak_tmux_sizes"
SECRET = "a-test-secret-key-of-32-bytes-ok"
TS = 1700000000


def expected() -> dict[str, str]:
    spec = RequestSpec(
        method="GET",
        path=f"/mp-api/v1/apps/{APP_ID}/user-open-data",
        query=(("openData", "abc123"),),
        access_key_id=ACCESS_KEY,
        secret_key=SECRET,
        ts=TS,
    )
    signature = spec.sign()
    return {
        "canonical URI": signature.canonical_uri + "↵",
        "digest": signature.digest[:16],
        "ts": str(TS),
        "token": signature.token[:16],
    }


ARGS = [
    "--ts", str(TS),
    "--base-url", "http://127.0.0.1:9",
    "--app-id", APP_ID,
    "--access-key-id", ACCESS_KEY,
    "--secret-key", SECRET,
    "--data-token", "abc123",
    "--endpoint", "GetUserOpenId",
]  # fmt: skip


def right_of_form(screen: str) -> str:
    """Everything right of the form's border, line by line (the stages' column)."""
    lines = []
    for line in screen.splitlines():
        cut = line.find("│", 1)
        lines.append(line[cut + 1 :] if cut >= 0 else line)
    return "\n".join(lines)


@pytest.mark.parametrize(("width", "height"), [(80, 24), (100, 30), (120, 40)])
def test_every_stage_shows_what_identifies_it(width: int, height: int, tmp_path: Path) -> None:
    want = expected()
    home = tmp_path / "home"
    home.mkdir()

    def shown(screen: str) -> bool:
        stages = right_of_form(screen)
        titles = all(t in screen for t in ("1 · canonical request", "2 · digest", "3 · JWT", "4 · header"))
        footer = screen.rstrip("\n").splitlines()[-1:] or [""]
        # A capture can catch a frame half drawn: wait for one with the stages and the key bar.
        return titles and all(value in stages for value in want.values()) and footer[0].startswith(" ^s send")

    with TmuxSession.start(ARGS, home=home, width=width, height=height) as term:
        screen = term.wait_for(shown, what=f"the four stages' values at {width}x{height}")
        stages = right_of_form(screen)
        assert re.search(rf"^\s*{re.escape(want['canonical URI'])}", stages, re.M), screen
        assert re.search(rf"^\s*{want['digest']}", stages, re.M), screen  # the digest stage's own line
        assert re.search(rf"^\s*ts\s+{TS}\b", stages, re.M) or re.search(rf"\bts\s+{TS}\b", stages), screen
        assert re.search(rf"^\s*(X-Mp-Open-Api-Token: )?{re.escape(want['token'])}", stages, re.M), screen
        footer = screen.rstrip("\n").splitlines()[-1]
        assert footer.split()[:4] == ["^s", "send", "^t", "data"], footer
        assert len(screen.splitlines()) == height
        # The base URL is whole on screen (its port is never cut).
        assert "http://127.0.0.1:9" in screen
