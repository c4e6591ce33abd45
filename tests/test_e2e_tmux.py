"""The real `mp-explorer` command in a real terminal (tmux): launch, send, copy, help, a bad field.

Without tmux these tests fail (with how to install it): they are the only check that the
installed console command starts, draws and answers keys in a terminal.
"""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

import pytest

from tests import tmux_harness
from tests.tmux_harness import TmuxSession, column, squash

pytestmark = pytest.mark.tmux

STAGE_TITLES = ("1 · canonical request", "2 · digest", "3 · JWT", "4 · header")
OPENID = re.compile(r"\b[0-9a-f]{32}\b")


def stages_drawn(screen: str) -> bool:
    return all(title in screen for title in STAGE_TITLES)


def vector_args(vector: dict) -> list[str]:
    return [
        "--ts", str(vector["ts"]),
        "--base-url", "http://127.0.0.1:9",
        "--app-id", "ozSQnakAm7apa6ew7crPYd",
        "--access-key-id", vector["access_key_id"],
        "--secret-key", vector["secret_key"],
        "--data-token", "abc123",
        "--endpoint", "GetUserOpenId",
    ]  # fmt: skip


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def open_data_vector(vectors: dict) -> dict:
    vector = next(v for v in vectors["signing"] if v["name"] == "get-open-data")
    assert vector["path"] == "/mp-api/v1/apps/ozSQnakAm7apa6ew7crPYd/user-open-data"
    assert vector["query"] == [["openData", "abc123"]]
    return vector


def test_tmux_is_installed() -> None:
    # Fails (not skips) on a machine without tmux, with the install command in the message.
    assert tmux_harness.tmux_path()
    assert tmux_harness.console_command().exists(), "mp-explorer is not installed in this venv (pip install -e .)"


def test_missing_tmux_is_a_clear_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tmux_harness.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match=r"tmux is not installed.*apt-get install -y tmux"):
        tmux_harness.tmux_path()


def test_launch_with_no_args_then_ctrl_s_decrypts_a_sandbox_users_openid(home: Path) -> None:
    # A capture can catch a frame half drawn: every wait names all it needs on one screen.
    def ready(screen: str) -> bool:
        hint = re.search(r"embedded sandbox · app (\S+)", screen)
        field = re.search(r"app id\s+(\S+)", screen)
        return stages_drawn(screen) and bool(hint and field and hint.group(1) == field.group(1))

    def answered(screen: str) -> bool:
        return "raw · 200" in screen and len(OPENID.findall(column(screen, 2, separator="\n"))) == 1

    with TmuxSession.start([], home=home) as term:
        screen = term.wait_for(ready, what="the sandbox's app in the form")
        base_url = re.search(r"base URL\s+(http://127\.0\.0\.1:\d+)", screen)
        app_id = re.search(r"app id\s+(\S+)", screen)
        assert base_url and app_id, screen
        demo = json.loads((home / "sandbox" / "demo-app.json").read_text(encoding="utf-8"))
        assert app_id.group(1) == demo["app_id"], screen  # the demo app made in MP_EXPLORER_HOME

        term.keys("C-s")
        screen = term.wait_for(answered, what="the response and one openid in the decrypted pane")
        decrypted = column(screen, 2, separator="\n")
        assert "RSA PKCS#1 v1.5" in decrypted, screen
        shown = OPENID.findall(decrypted)

        with urllib.request.urlopen(f"{base_url.group(1)}/sandbox/v1/apps/{app_id.group(1)}/users", timeout=5) as r:
            users = json.load(r)["users"]
        assert shown[0] in [user["openId"] for user in users]


def test_the_vectors_inputs_show_its_canonical_request_digest_and_token(home: Path, open_data_vector: dict) -> None:
    expected = open_data_vector["expected"]
    method, uri, query, payload_hash = expected["canonical_request"].split("\n")
    checks = {
        "method": rf"method\s+{method}↵",
        "canonical URI": rf"canonical URI\s+{re.escape(uri)}↵",
        "canonical query": rf"canonical query\s+{re.escape(query)}↵",
        "payload hash": rf"payload hash\s+{payload_hash}\s",
        "digest": rf"\s{expected['digest']}\s",
    }

    def shows_the_vector(screen: str) -> bool:
        # The token wraps inside the header stage: rejoin the right-hand column.
        lines_ok = all(re.search(pattern, screen) for pattern in checks.values())
        return stages_drawn(screen) and lines_ok and expected["token"] in squash(column(screen, 1))

    with TmuxSession.start(vector_args(open_data_vector), home=home) as term:
        screen = term.wait_for(shows_the_vector, what="the vector's canonical lines, digest and token")
        for name, pattern in checks.items():
            assert re.search(pattern, screen), name
        assert not list(home.iterdir()), "a --base-url launch must not create the sandbox's demo app"


def test_ctrl_y_copies_the_token_through_osc52(home: Path, open_data_vector: dict) -> None:
    token = open_data_vector["expected"]["token"]
    with TmuxSession.start(vector_args(open_data_vector), home=home) as term:
        term.wait_for(lambda s: stages_drawn(s) and token in squash(column(s, 1)), what="the token")
        assert term.buffer() is None
        term.wait_interactive()
        term.keys("C-y")
        assert term.wait_for_buffer() == token
        term.wait_for("copied token via terminal (OSC 52)")


def test_f1_opens_help_and_escape_closes_it(home: Path, open_data_vector: dict) -> None:
    with TmuxSession.start(vector_args(open_data_vector), home=home) as term:
        term.wait_for(stages_drawn)
        assert "escape closes" not in term.screen()
        term.wait_interactive()  # opens and closes the command palette once keys are read
        term.keys("F1")
        help_shown = ("escape closes", "Canonical request", "Rule:")
        term.wait_for(lambda s: all(text in s for text in help_shown), what="the help screen")
        term.keys("Escape")
        screen = term.wait_for(lambda s: "escape closes" not in s and stages_drawn(s), what="help closed")
        assert "Rule:" not in screen


def test_a_bad_method_names_the_field_in_the_stages_and_the_app_keeps_going(home: Path, open_data_vector: dict) -> None:
    with TmuxSession.start(vector_args(open_data_vector), home=home) as term:
        term.wait_for(stages_drawn)
        term.wait_interactive()
        # endpoint -> method, and the text right behind it in ONE terminal read: the focus moves as
        # the tab arrives, so the letters land in the method field (the input selects its text on
        # focus), not in the endpoint select that was focused when they were read.
        term.keys("Tab", "G", "Space", "E", "Space", "T")
        named = ("✗ method: 'G E T' is not an HTTP method", "waits for the canonical request (fix: method)")
        screen = term.wait_for(lambda s: all(text in s for text in named), what="the method error in the stages")
        assert open_data_vector["expected"]["digest"] not in screen
        # Still running and still recomputing: clear the field and type a good verb in ONE terminal
        # read. Textual would run ctrl+u after the letters queued behind it (leaving "T" or "");
        # the form's fields run their own bindings in arrival order, so nothing typed is lost.
        term.keys("C-u", "P", "O", "S", "T")
        screen = term.wait_for(lambda s: re.search(r"method\s+POST↵", s) is not None, what="POST in the stage")
        assert "✗ method" not in screen
        assert not term.pane_dead()
