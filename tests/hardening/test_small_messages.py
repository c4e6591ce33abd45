"""The smaller messages: each says what is wrong in a line, about the input the user gave.

A 4,000-digit number is named by its length, not echoed whole; `--private-key /dev/stdin` beside a
ciphertext from stdin is refused like `-`; TERM=dumb is refused instead of drawn in truecolor;
a send to an embedded sandbox that stopped says so instead of 'start the server'.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from explorer.cli import main
from explorer.commands.launch import terminal_problem
from tests.hardening import tally
from tests.tmux_harness import TmuxSession, console_command
from tests.tui_support import SIZE, app_for, send_and_wait

ENTRY = Path(sys.executable).with_name("mp-explorer")


@pytest.mark.parametrize(
    "argv",
    [
        ["verify", "a.b.c", "--path", "/x", "--secret-key", "k" * 32, "--max-skew", "9" * 4000],
        ["verify", "a.b.c", "--path", "/x", "--secret-key", "k" * 32, "--now", "9" * 4000],
        ["sign", "--access-key-id", "a", "--secret-key", "k" * 32, "--path", "/x", "--ts", "9" * 4000],
    ],
    ids=["max-skew", "now", "ts"],
)
def test_a_4000_digit_number_is_named_by_its_length(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    _, err = capsys.readouterr()
    assert "a number of 4000 digits is out of range" in err and len(err) < 200, err[:300]
    tally.count("bad-input corpus", "CLI")


@pytest.mark.parametrize("key", ["/dev/stdin", "/dev/fd/0", "-"])
def test_the_key_and_the_ciphertext_cannot_both_come_from_stdin(key: str, tmp_path: Path) -> None:
    result = subprocess.run(
        [str(ENTRY), "decrypt", "-", "--private-key", key],
        input=b"AAAA\n",
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        timeout=60,
        check=False,
    )
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert "cannot both come from stdin" in err and "Traceback" not in err
    tally.count("bad-input corpus", "CLI entry point")


def test_a_dumb_terminal_is_refused(tmp_path: Path) -> None:
    # The rule itself, then the real command in a terminal that says it is dumb.
    class Tty:
        def isatty(self) -> bool:
            return True

    assert terminal_problem(Tty(), Tty(), Tty(), term="xterm-256color") is None
    assert "TERM=dumb" in str(terminal_problem(Tty(), Tty(), Tty(), term="dumb"))
    command = f"env TERM=dumb {console_command()} --base-url http://127.0.0.1:9; echo exit=$?; sleep 5"
    with TmuxSession.start(home=tmp_path, command=["sh", "-c", f"sleep 0.5; {command}"]) as term:
        term.wait_for("exit=", what="the command to end", timeout=30)
        whole = term.run("capture-pane", "-p", "-J", "-S", "-", "-t", "app")
        assert "exit=2" in whole and "TERM=dumb: this terminal cannot move the cursor" in whole, whole
        state = term.run("display-message", "-p", "-t", "app", "#{alternate_on}").strip()
        assert state == "0", "nothing was drawn"
    tally.count("terminal hand-back", "tmux")


async def test_a_stopped_embedded_sandbox_is_named(tmp_path: Path) -> None:
    app = app_for(None, start_sandbox=True, data_dir=str(tmp_path / "home"))
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(400):  # the sandbox starts after the first frame, in a worker
            await pilot.pause(0.05)
            if app.sandbox_life.handle is not None and not app.sandbox_life.starting:
                break
        assert app.sandbox_life.handle is not None, app.sandbox_life.error
        await pilot.pause()
        app.sandbox_life.handle.stop()
        await send_and_wait(app, pilot)
        raw = app.query_one("#response-raw").plain_text(width=300)
        assert "the embedded sandbox" in raw and "stopped answering" in raw, raw
        assert "start the server" not in raw
    tally.count("network faults", "embedded sandbox stopped")
