"""The doctor in the real `mp-explorer` in tmux: a curl command pasted (bracketed paste), the mistake
named on screen, and ctrl+l filling the explorer's form from the same paste."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.doctor_signer import APP, EMPTY, HOST, make_token
from tests.tmux_harness import TmuxSession, console_command

pytestmark = pytest.mark.tmux

NO_SLASH = make_token(f"GET\n{APP}/user-open-data\nopenData=abc123\n{EMPTY}")
CURL = f"curl -sS -X GET \\\n  '{HOST}{APP}/user-open-data?openData=abc123' \\\n  -H 'X-Mp-Open-Api-Token: {NO_SLASH}'"


def test_pasting_a_curl_command_into_the_doctor(tmp_path: Path) -> None:
    args = ["--base-url", "http://127.0.0.1:9", "--ts", "1700000000", "--access-key-id", "ak-test"]
    # ESCDELAY: Textual waits 100 ms for the rest of an escape sequence; on a loaded machine the
    # paste's closing '\x1b[201~' can arrive later than that, and its ESC is then read as the
    # escape key (which leaves the doctor). A second is longer than any such stall seen here.
    command = ["env", "ESCDELAY=1000", str(console_command()), *args]
    with TmuxSession.start(home=tmp_path, command=command) as term:
        term.wait_for("1 · canonical request")
        term.wait_interactive()
        term.keys("C-n")
        term.wait_for("doctor · paste a failing request")
        term.run("set-buffer", "-b", "doctor-paste", CURL)
        term.run("paste-buffer", "-p", "-d", "-b", "doctor-paste", "-t", "app")  # -p: as a bracketed paste
        screen = term.wait_for("[trailing-slash-missing]", what="the named mistake")
        assert "FAIL dig" in screen
        assert f"signer {APP}/user-open-data" in screen
        term.keys("C-l")
        screen = term.wait_for(lambda s: "doctor · paste" not in s and "1 · canonical request" in s)
        term.wait_for(f"{APP}/user-open-data/", what="the imported path in the canonical request")
        assert "openData=abc123" in term.screen()
