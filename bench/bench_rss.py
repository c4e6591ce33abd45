"""Peak RSS of the running explorer against Posting, both in tmux.

    .venv/bin/python bench/bench_rss.py [--quick] [--explorer-arg=--no-history]

mp-explorer (no arguments) in tmux (tests/tmux_harness.py): wait until the embedded sandbox's
app is in the form, then ctrl+s (GetUserOpenId on the sandbox; sent again if the first key came
too early and was lost) and wait for the decrypted answer ("raw · 200" and the user's openid on
screen). The help screen is never opened (it alone raises the peak by ~23 MiB). Posting (its own
venv, throwaway HOME/XDG dirs, bench/posting_env.py): wait for its first frame, then let it idle
for IDLE seconds. Then read VmHWM (the peak resident set) from /proc/<pid>/status of the app's
process: the pane's process (`#{pane_pid}`), or its single child when the pane's process is a
wrapper that did not exec the app (the harness runs `exec env -i ... app`, so normally it is
the app itself; its command line is checked). Runs alternate; medians in MiB.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

from common import Row, interleave, report
from posting_env import FIRST_FRAME as POSTING_FRAME
from posting_env import posting_command, posting_env

from tests.tmux_harness import TmuxSession, TmuxTimeout, column

IDLE = 2.0
OPENID = re.compile(r"\b[0-9a-f]{32}\b")


def app_pid(term: TmuxSession, name: str) -> int:
    """The pid of the process running `name` in the pane (the pane's process, or its one child)."""
    pid = int(term.run("display-message", "-p", "-t", "app", "#{pane_pid}").strip())
    for _ in range(3):
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        if name in cmdline and not cmdline.startswith(("env ", "sh ", "/bin/sh ")):
            return pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        if len(children) != 1:
            raise RuntimeError(f"cannot tell which process is {name}: {pid} ({cmdline!r}) has children {children}")
        pid = int(children[0])
    raise RuntimeError(f"no process running {name} under the pane")


def peak_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    kib = int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.M).group(1))  # type: ignore[union-attr]
    return kib / 1024


def explorer_peak(home: Path, args: tuple[str, ...] = ()) -> float:
    def ready(screen: str) -> bool:
        return "embedded sandbox · app" in screen and "1 · canonical request" in screen

    def answered(screen: str) -> bool:
        return "raw · 200" in screen and bool(OPENID.search(column(screen, 2, separator="\n")))

    with TmuxSession.start(list(args), home=home) as term:
        term.wait_for(ready, what="the embedded sandbox's app in the form")
        # Not term.wait_interactive(): it opens the help screen, which alone adds ~23 MiB to the peak.
        # A ctrl+s sent too early is lost (never late), so it is sent again until the answer shows.
        for attempt in range(10):
            term.keys("C-s")
            try:
                term.wait_for(answered, timeout=3.0, what="the decrypted answer")
                break
            except TmuxTimeout:
                if attempt == 9:
                    raise
        return peak_mib(app_pid(term, "mp-explorer"))


def posting_peak(command: list[str], home: Path) -> float:
    with TmuxSession.start(home=home, command=command) as term:
        term.wait_for(lambda s: all(text in s for text in POSTING_FRAME), what="Posting's first frame")
        time.sleep(IDLE)
        return peak_mib(app_pid(term, "posting"))


def measure(quick: bool = False, args: tuple[str, ...] = ()) -> list[Row]:
    runs = 2 if quick else 5
    posting = posting_command()
    with tempfile.TemporaryDirectory(prefix="mpx-bench-") as tmp:
        home = Path(tmp)
        cases = {"ours": lambda: explorer_peak(home, args)}
        if posting:
            wrapped = [*posting_env(home / "posting-home"), *posting]
            cases["posting"] = lambda: posting_peak(wrapped, home)
        samples = interleave(cases, runs, warm_up=False)
    ours = "mp-explorer after a send" + (f" ({' '.join(args)})" if args else "")
    return [Row("peak RSS (VmHWM)", ours, "Posting idle", "MiB",
                samples["ours"], samples.get("posting", []), limit=1.0,
                note="" if posting else "Posting could not be installed")]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--explorer-arg", action="append", default=[], metavar="ARG",
        help="an argument for mp-explorer, repeatable (e.g. --explorer-arg=--no-history: the send history's share)",
    )  # fmt: skip
    options = parser.parse_args()
    report(measure(options.quick, tuple(options.explorer_arg)))


if __name__ == "__main__":
    main()
