"""Cold start to first frame in a real terminal (tmux): mp-explorer, a Textual hello-world, Posting.

    .venv/bin/python bench/bench_startup.py [--quick]

Each run gets its own tmux server (tests/tmux_harness.py: 160x50, `-f /dev/null`, an empty
environment but PATH/HOME/TERM, a temporary MP_EXPLORER_HOME). Time runs from just before
`new-session` to the first `capture-pane` (polled every 5 ms) that shows the first frame:
  mp-explorer (no arguments: it starts the embedded sandbox after its first frame)
              all four stage titles;
  hello-world bench/hello_app.py's "Hello, world";
  Posting     its title, the URL bar's placeholder and the Response pane (bench/posting_env.py),
              with a throwaway HOME and XDG dirs.
All run with the venv's interpreter (Posting with its own venv's). One warm-up run each (.pyc
written, the demo app's keys made), then runs interleaved; medians in milliseconds. The poll
and tmux's own start are in every figure alike.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import BENCH, Row, interleave, report
from posting_env import FIRST_FRAME as POSTING_FRAME
from posting_env import posting_command, posting_env

from tests.tmux_harness import TmuxSession, console_command

STAGE_TITLES = ("1 · canonical request", "2 · digest", "3 · JWT", "4 · header")
HELLO_FRAME = ("Hello, world",)
POLL = 0.005
DEADLINE = 30.0


def capture(term: TmuxSession) -> str:
    base = term._base("capture-pane", "-p", "-t", "app")
    return subprocess.run(base, capture_output=True, text=True, timeout=10).stdout


def wait_first_frame(term: TmuxSession, shows: tuple[str, ...], started: float) -> float:
    """Poll until every string in `shows` is on screen; ms since `started`."""
    while True:
        screen = capture(term)
        if all(text in screen for text in shows):
            return (time.perf_counter() - started) * 1000
        if time.perf_counter() - started > DEADLINE:
            raise RuntimeError(f"no first frame after {DEADLINE:g} s; last screen:\n{screen}")
        time.sleep(POLL)


def first_frame(command: list[str], shows: tuple[str, ...], home: Path) -> float:
    started = time.perf_counter()
    with TmuxSession.start(home=home, command=command) as term:
        return wait_first_frame(term, shows, started)


def programs(home: Path) -> dict[str, tuple[list[str], tuple[str, ...]] | None]:
    """name -> (command, first-frame marks); None for Posting when it cannot be installed."""
    posting = posting_command()
    return {
        "mp-explorer": ([str(console_command())], STAGE_TITLES),
        "hello-world": ([sys.executable, str(BENCH / "hello_app.py")], HELLO_FRAME),
        "Posting": ([*posting_env(home / "posting-home"), *posting], POSTING_FRAME) if posting else None,
    }


def measure(quick: bool = False) -> list[Row]:
    runs = 3 if quick else 10
    with tempfile.TemporaryDirectory(prefix="mpx-bench-") as tmp:
        home = Path(tmp)
        cases = {
            name: (lambda spec=spec: first_frame(spec[0], spec[1], home))
            for name, spec in programs(home).items()
            if spec is not None
        }
        samples = interleave(cases, runs)
    posting = samples.get("Posting", [])
    note = "" if posting else "Posting could not be installed"
    return [
        Row("cold start → first frame (tmux)", "mp-explorer", "hello-world", "ms",
            samples["mp-explorer"], samples["hello-world"], limit=1.3),
        Row("cold start → first frame (tmux)", "mp-explorer", "Posting", "ms",
            samples["mp-explorer"], posting, limit=0.6, note=note),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    report(measure(parser.parse_args().quick))


if __name__ == "__main__":
    main()
