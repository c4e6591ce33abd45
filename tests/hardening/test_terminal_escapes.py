"""Text from outside never reaches the terminal as control sequences.

A real loopback server (escape_server.py) puts OSC 52 (clipboard), OSC 2 (title), CSI and C1
controls and bidi marks in every field it controls: the envelope's code and message, a header
value, the reason phrase, the body, the sandbox object with its canonical request, userData
encrypted with the user's key, and a minted data token. The real `mp-explorer` runs in tmux
against it (`set-clipboard on`: an OSC 52 that got through would land in tmux's buffers); after
every answer was drawn, tmux must hold no buffer and the pane's title must be the one it started
with, and the screen must show each escape as text. Pilot tests check each pane's text, and the
CLI tests check `decrypt`, `verify`, `sign --curl` and the error messages.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from explorer import crypto, safe_text
from explorer.cli import main
from explorer.client import Exchange
from explorer.request import WireRequest
from explorer.tui import exchange_view
from explorer.tui.response import plain
from tests.hardening import escape_server, tally
from tests.hardening.escape_server import HOSTILE, SHOWN
from tests.tmux_harness import TmuxSession, TmuxTimeout, squash
from tests.tui_support import SIZE, app_for, pane_text, send_and_wait

SUITE = "terminal escapes"
OSC = escape_server.OSC2
RAW_CONTROLS = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))] + ["\u202e"]


def has_raw_control(text: str) -> list[str]:
    """The raw control characters (and bidi overrides) in `text`, line feeds and tabs apart."""
    return sorted({char for char in text if char in RAW_CONTROLS})


@pytest.fixture(scope="module")
def user_key(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    key = crypto.generate_private_key(2048)
    path = tmp_path_factory.mktemp("escape-key") / "key.pem"
    path.write_bytes(crypto.private_key_pem(key))
    return key, path


# --- the core function ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "multiline", "shown"),
    [
        ("\x1b]52;c;ZWNobyBwd25lZA==\x1b\\", False, "\\x1b]52;c;ZWNobyBwd25lZA==\\x1b\\"),
        ("\x1b]2;pwned\x07", False, "\\x1b]2;pwned\\x07"),
        ("a\x9b2Jb\x7f", False, "a\\x9b2Jb\\x7f"),
        ("line\none\ttab\r", False, "line\\none\\ttab\\r"),
        ("line\none\ttab\r\n", True, "line\none\ttab\\r\n"),
        ("\u202eabc\u200b\ufeff\u2028", True, "\\u202eabc\\u200b\\ufeff\\u2028"),
        ("\ud800 lone", False, "\\ud800 lone"),
        ("plain ünïcödé 中文 ✓", False, "plain ünïcödé 中文 ✓"),
    ],
)
def test_visible_writes_each_control_as_its_escape(text: str, multiline: bool, shown: str) -> None:
    assert safe_text.visible(text, multiline=multiline) == shown
    assert "".join(piece for piece, _ in safe_text.pieces(text, multiline=multiline)) == shown
    tally.count(SUITE, "core")


def test_every_control_character_is_escaped() -> None:
    every = "".join(chr(c) for c in range(0x00, 0xA0)) + "\u061c\u180e\u200b\u200e\u200f\u2066\u2069\ufeff"
    assert has_raw_control(safe_text.visible(every)) == []
    assert has_raw_control(safe_text.visible(every, multiline=True)) == []
    tally.count(SUITE, "core")


# --- Pilot: each pane's text ------------------------------------------------------------------


def _exchange(server: escape_server.EscapeServer) -> Exchange:
    from explorer import client

    wire = WireRequest("GET", f"{server.url}/mp-api/v1/apps/a/user-open-data?openData=t", (("X-A", "b"),), b"")
    return client.send(wire, timeout=10)


def test_every_pane_shows_escapes_as_text(user_key: tuple[Any, Path]) -> None:
    """The renderables themselves, for all three answers: no raw control character anywhere."""
    from explorer.tui.private_key import KeyStatus

    key, _ = user_key
    user_data = crypto.encrypt_user_data(key.public_key(), escape_server.PLAINTEXT_JSON)
    with escape_server.running(user_data) as server:
        for expected in ("success", "rejection", "raw text"):
            exchange = _exchange(server)
            assert server.answered[-1] == expected
            raw = plain(exchange_view.raw_view(exchange), width=400)
            decrypted = plain(exchange_view.decrypted_view(exchange, KeyStatus(key), "GET\n/x/\n\nabc").body, 400)
            for text in (raw, decrypted, plain(exchange_view.summary(exchange), 400)):
                assert has_raw_control(text.replace("\n", "")) == [], (expected, text)
            assert "\\x1b]2;pwned\\x07" in squash(raw + decrypted), expected
            tally.count(SUITE, "Pilot")


async def test_the_explorer_shows_a_hostile_server_as_text(user_key: tuple[Any, Path]) -> None:
    key, path = user_key
    user_data = crypto.encrypt_user_data(key.public_key(), escape_server.PLAINTEXT_JSON)
    with escape_server.running(user_data) as server:
        app = app_for(server.url, private_key=str(path))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            seen = []
            for expected in ("success", "rejection", "raw text"):
                await send_and_wait(app, pilot)
                assert server.answered[-1] == expected
                raw, decrypted = pane_text(app, "raw"), pane_text(app, "decrypted")
                assert has_raw_control(raw.replace("\n", "") + decrypted.replace("\n", "")) == [], expected
                seen.append(squash(raw + decrypted))
            # The envelope's message, the verdict's canonical request and the raw body, as text.
            assert all(squash(shown) in seen[0] for shown in SHOWN[:3]), seen[0]
            assert "\\x1b]52;c;ZWNobyBwd25lZA==\\x1b\\" in seen[1]
            assert "upstreamsays\\x1b]52" in seen[2]
            # ctrl+t: the minted token's scope reaches a notification, the token a form field.
            await pilot.press("ctrl+t")
            await app.workers.wait_for_complete()
            await pilot.pause()
            messages = [str(n.message) for n in app._notifications]
            minted = [m for m in messages if "minted" in m]
            assert minted and "\\x1b]52;c;" in minted[-1] and has_raw_control(minted[-1]) == [], messages
    tally.count(SUITE, "Pilot", 4)


# --- tmux: the real app, the terminal's clipboard and title ----------------------------------


def _tmux_state(term: TmuxSession) -> tuple[str, str]:
    buffers = term.run("list-buffers").strip()
    title = term.run("display-message", "-p", "-t", "app", "#{pane_title}").strip()
    return buffers, title


def _answer(screen: str) -> str:
    """'200', '401' or '502' (the raw pane's title), 'cancelled', or '' while sending."""
    if "send cancelled" in screen:
        return "cancelled"
    found = re.search(r"raw · (200|401|502)", screen)
    return found.group(1) if found else ""


def test_a_hostile_server_cannot_write_the_clipboard_or_the_title(user_key: tuple[Any, Path], tmp_path: Path) -> None:
    key, path = user_key
    user_data = crypto.encrypt_user_data(key.public_key(), escape_server.PLAINTEXT_JSON)
    secret = tmp_path / "sk"
    secret.write_text("a-test-secret-key-of-32-bytes-ok")
    home = tmp_path / "home"
    home.mkdir()
    with escape_server.running(user_data) as server:
        args = [
            "--base-url", server.url, "--app-id", "app", "--access-key-id", "ak",
            "--secret-key-file", str(secret), "--data-token", "t", "--ts", "1700000000",
            "--private-key", str(path),
        ]  # fmt: skip
        with TmuxSession.start(args, home=home) as term:
            term.wait_for("1 · canonical request")
            term.wait_interactive()
            before = _tmux_state(term)
            assert before[0] == "", before
            assert "pwned" not in before[1]
            # The server answers 200, 401, 502 in turn; a send cancelled by a late key is sent again.
            seen: dict[str, str] = {}
            last = ""
            for _ in range(10):
                if len(seen) == 3:
                    break
                term.keys("C-s")
                try:
                    screen = term.wait_for(lambda s, last=last: _answer(s) not in ("", last), timeout=6)
                except TmuxTimeout:
                    continue  # a key lost to a busy machine (an escape sequence cut in two): press again
                last = _answer(screen)
                if last != "cancelled":
                    seen[last] = screen
                assert _tmux_state(term) == before, _tmux_state(term)
            screens = [seen["200"], seen["401"], seen["502"]]
            term.keys("C-t")
            screens.append(term.wait_for("minted a new data token", what="the mint notification"))
            # Every redraw so far went through the terminal: nothing was obeyed.
            assert _tmux_state(term) == before, _tmux_state(term)
    # What is in view shows its escapes as text (the Pilot tests read every pane whole; here rows wrap).
    assert all("\\x1b]" in squash(screen) for screen in screens[:2]), screens[:2]
    assert "tok␛]2;pwned␇en" in squash(screens[3]), "the minted data token in its field, each control as one mark"
    tally.count(SUITE, "tmux", 4)


# --- the command line ---------------------------------------------------------------------------


def test_decrypt_shows_escapes_in_the_plaintext(user_key: tuple[Any, Path], capsys: pytest.CaptureFixture[str]) -> None:
    key, path = user_key
    for plaintext in (escape_server.PLAINTEXT_JSON, json.dumps({"openId": "x\u202ey\u009b"})):
        ciphertext = crypto.encrypt_user_data(key.public_key(), plaintext)
        assert main(["decrypt", ciphertext, "--private-key", str(path)]) == 0
        out, _err = capsys.readouterr()
        assert has_raw_control(out.replace("\n", "")) == [], out
        assert "\\u202e" in out or "\\u001b" in out
        tally.count(SUITE, "CLI")


def test_decrypt_refuses_control_characters_as_a_wrong_key(
    user_key: tuple[Any, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    key, path = user_key
    ciphertext = crypto.encrypt_user_data(key.public_key(), f"user-{HOSTILE}")
    assert main(["decrypt", ciphertext, "--private-key", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "not printable text" in err and "\\x1b]52;c;" in err
    assert has_raw_control(err.replace("\n", "")) == [], err
    tally.count(SUITE, "CLI")


def test_verify_detail_and_errors_show_escapes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    token = f"a.b.c{HOSTILE}"
    code = main(["verify", token, "--path", "/x", "--secret-key", "k" * 32, "--now", "1700000000"])
    out, err = capsys.readouterr()
    assert code == 1 and has_raw_control((out + err).replace("\n", "")) == [], out + err
    # A file name with escapes, named in an error message.
    missing = str(tmp_path / f"no{OSC}such")
    assert main(["decrypt", "AAAA", "--private-key", missing]) == 2
    out, err = capsys.readouterr()
    assert has_raw_control(err.replace("\n", "")) == [] and "\\x1b]2;pwned\\x07" in err, err
    tally.count(SUITE, "CLI", 2)


def test_sign_curl_carries_a_body_with_escapes_as_base64(capsys: pytest.CaptureFixture[str]) -> None:
    body = f'{{"a":"{HOSTILE}"}}'
    argv = ["sign", "--access-key-id", "ak", "--secret-key", "k" * 32, "--ts", "1700000000", "--path", "/x"]
    assert main([*argv, "--body", body, "--curl"]) == 0
    out, _ = capsys.readouterr()
    assert has_raw_control(out.replace("\n", "")) == [], out
    # The command still sends exactly the signed bytes.
    assert "base64 -d" in out and "--data-binary @-" in out
    tally.count(SUITE, "CLI")


@pytest.mark.parametrize("command", ["sign-curl", "decrypt"])
def test_a_latin1_stdout_gets_escapes_not_a_traceback(command: str, user_key: tuple[Any, Path], tmp_path: Path) -> None:
    key, path = user_key
    entry = Path(sys.executable).with_name("mp-explorer")
    if command == "decrypt":
        ciphertext = crypto.encrypt_user_data(key.public_key(), '{"openId":"用户-é"}')
        argv = [str(entry), "decrypt", ciphertext, "--private-key", str(path)]
    else:
        argv = [str(entry), "sign", "--access-key-id", "ak", "--secret-key", "k" * 32, "--ts", "1700000000"]
        argv += ["--path", "/x", "--body", '{"name":"用户"}', "--curl"]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONIOENCODING": "latin-1"}
    result = subprocess.run(argv, capture_output=True, env=env, timeout=60, check=False)
    out, err = result.stdout.decode("latin-1"), result.stderr.decode("latin-1")
    assert result.returncode == 0, err
    assert "Traceback" not in out + err
    if command == "decrypt":
        assert "\\u7528\\u6237-é" in out, out
    else:
        assert "base64 -d" in out, out  # exact bytes, in ASCII
    tally.count(SUITE, "CLI")
