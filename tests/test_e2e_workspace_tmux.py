"""The real `mp-explorer` in tmux: save a request, quit, reopen it with --request and send it, the
credentials coming from an `mp-explorer.env` in the working directory.

The target is a sandbox serving an app whose secret key exists only in the test and in the env
file, so a 000000 answer proves the secret came from the env file through the request file's
${MP_SECRET_KEY} reference. The request file and the history database are then searched for the
secret in every form (tests/hardening/secret_scan.py).
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from explorer import crypto
from explorer.sandbox.config import SandboxAppConfig
from explorer.sandbox.runner import start_background
from explorer.workspace import request_file
from explorer.workspace.history import History
from tests.hardening.secret_scan import Needles
from tests.tmux_harness import TmuxSession, console_command

pytestmark = pytest.mark.tmux

SECRET = "sk-ENVFILE-0b9e4c1d-only-in-mp-explorer-env"
APP_ID = "envfileapp"
ACCESS_KEY_ID = "envfileAccessKey"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Any]:
    key = crypto.generate_private_key(1024)
    app = SandboxAppConfig(APP_ID, ACCESS_KEY_ID, SECRET, crypto.public_key_pem(key))
    handle = start_background(app=app)
    try:
        yield handle
    finally:
        handle.stop()


def explorer(work: Path, *args: str) -> list[str]:
    """`mp-explorer ARGS` started in `work` (where mp-explorer.env is read from)."""
    return ["sh", "-c", f"cd {shlex.quote(str(work))} && exec {shlex.quote(str(console_command()))} {shlex.join(args)}"]


def test_save_quit_reopen_and_send_with_secrets_from_the_env_file(tmp_path: Path, sandbox: Any) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    open_id = sandbox.state.user_for(sandbox.state.require_app(APP_ID), None).open_id
    (work / "mp-explorer.env").write_text(
        f"MP_APP_ID={APP_ID}\nMP_ACCESS_KEY_ID={ACCESS_KEY_ID}\nMP_SECRET_KEY='{SECRET}'\n"
        f"MP_BASE_URL={sandbox.base_url}\n"
    )
    saved = work / "getuserpayid.request.toml"

    command = explorer(work, "--endpoint", "GetUserPayId", "--query", f"openId={open_id}")
    with TmuxSession.start(home=home, command=command) as term:
        term.wait_for("1 · canonical request")
        term.wait_interactive()
        term.keys("F8")
        term.wait_for("save request")
        term.keys("Enter")
        term.wait_for("request saved", what="the saved notification")
        term.keys("C-q")
        term.wait_for(lambda s: term.pane_dead(), what="the app to quit")

    text = saved.read_text()
    assert 'secret_key = "${MP_SECRET_KEY}"' in text
    assert f'target = "{sandbox.base_url}"' in text
    needles = Needles()
    needles.add_text("secret key", SECRET)
    assert needles.find(saved.read_bytes()) == []
    assert request_file.load(saved).query == f"openId={open_id}"

    with TmuxSession.start(home=home, command=explorer(work, "--request", saved.name)) as term:
        term.wait_for("1 · canonical request")
        term.wait_interactive()
        term.keys("C-s")
        screen = term.wait_for(lambda s: "raw · 200" in s or "raw · cancelled" in s, what="an answer")
        if "raw · cancelled" in screen:
            # On a loaded machine wait_interactive's second Escape can land after ctrl+s and cancel it.
            term.keys("C-s")
        screen = term.wait_for(lambda s: "raw · 200" in s and "000000" in s, what="a 000000 answer")
        assert SECRET not in screen
        # The send is recorded off the UI thread: wait for it before the session (and the app) goes.
        history = History(home / "history.sqlite3")
        deadline = time.monotonic() + 20
        while not history.stats()[0] and time.monotonic() < deadline:
            time.sleep(0.05)

    entry = history.entries()[0]
    assert (entry.code, entry.endpoint) == ("000000", "GetUserPayId")
    assert b'"payId"' in entry.response
    assert needles.find((home / "history.sqlite3").read_bytes()) == []
