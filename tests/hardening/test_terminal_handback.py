"""The terminal is always handed back, and the explorer never hangs on streams it cannot use.

In tmux (the real `mp-explorer`): stdin from /dev/null or a pipe, and stderr redirected to a file,
are refused with a line that says what to do (before, the first spun a CPU forever and the second
drew on the file); SIGTERM and SIGHUP end the explorer as ctrl+q does, so the pane is back on its
main screen with the cursor shown and mouse reporting off.
"""

from __future__ import annotations

import os
import shlex
import signal
from pathlib import Path

import pytest

from tests.hardening import tally
from tests.tmux_harness import TmuxSession, console_command

SUITE = "terminal hand-back"
ARGS = ["--base-url", "http://127.0.0.1:9", "--app-id", "app", "--access-key-id", "ak", "--ts", "1700000000"]


def _state(term: TmuxSession) -> str:
    """'alternate cursor mouse' flags of the pane: '0 1 0' is a terminal handed back."""
    return term.run("display-message", "-p", "-t", "app", "#{alternate_on} #{cursor_flag} #{mouse_any_flag}").strip()


@pytest.mark.parametrize(
    ("name", "redirect", "says"),
    [
        ("stdin-dev-null", "</dev/null", "stdin is not one"),
        ("stdin-pipe", "", "stdin is not one"),
        ("stderr-to-a-file", "2>{log}", "stderr, which is redirected"),
    ],
)
def test_streams_that_are_not_a_terminal_are_refused(name: str, redirect: str, says: str, tmp_path: Path) -> None:
    log = tmp_path / "log"
    command = shlex.join([str(console_command()), *ARGS]) + " " + redirect.format(log=shlex.quote(str(log)))
    if name == "stdin-pipe":
        command = f"echo x | {command}"
    if name == "stderr-to-a-file":
        # The refusal itself goes to the redirected stderr: show it on the pane afterwards.
        command = f"{command}; echo exit=$?; cat {shlex.quote(str(log))}"
    else:
        command = f"{command}; echo exit=$?"
    # A moment first: the window takes its final size after the session starts.
    with TmuxSession.start(home=tmp_path, command=["sh", "-c", f"sleep 0.5; {command}; sleep 5"]) as term:
        screen = term.wait_for(lambda s: "exit=" in s, what="the command to end", timeout=30)
        assert "exit=2" in screen, screen
        # The whole pane with its history, wrapped lines joined.
        whole = term.run("capture-pane", "-p", "-J", "-S", "-", "-t", "app")
        assert says in whole, whole
        assert _state(term).split()[0] == "0", "never drew the explorer's screen"
    tally.count(SUITE, "tmux")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_hands_the_terminal_back(signum: signal.Signals, tmp_path: Path) -> None:
    # A shell stays in the pane after the explorer ends, so the pane's state is the live terminal's.
    command = shlex.join([str(console_command()), *ARGS]) + "; echo exit=$?; sleep 60"
    with TmuxSession.start(home=tmp_path, command=["sh", "-c", command]) as term:
        term.wait_for("1 · canonical request")
        term.wait_interactive()
        assert _state(term).split()[0] == "1", "the explorer runs on the alternate screen"
        shell = int(term.run("display-message", "-p", "-t", "app", "#{pane_pid}").strip())
        children = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()
        assert len(children) == 1, children
        os.kill(int(children[0]), signum)
        term.wait_for("exit=", what="the explorer to end", timeout=20)
        assert _state(term) == "0 1 0", _state(term)
    tally.count(SUITE, "tmux")


def test_ctrl_q_hands_the_terminal_back_the_same_way(tmp_path: Path) -> None:
    """The reference the signals are held to."""
    command = shlex.join([str(console_command()), *ARGS]) + "; echo exit=$?; sleep 60"
    with TmuxSession.start(home=tmp_path, command=["sh", "-c", command]) as term:
        term.wait_for("1 · canonical request")
        term.wait_interactive()
        term.keys("C-q")
        term.wait_for("exit=", what="the explorer to end", timeout=20)
        assert _state(term) == "0 1 0", _state(term)
