"""Time to first frame: the real `mp-explorer` next to a minimal Textual app, in tmux and headless.

Run from the repository root:  .venv/bin/python bench/bench_startup.py [--runs N]

In tmux (160x50, one private server per run, as in tests/test_e2e_tmux.py): from `new-session` to the
first `capture-pane` (polled every 5 ms) that shows all four stage titles (mp-explorer with no
arguments: the embedded sandbox starts after that frame) or "ready" (bench/minimal_app.py). Runs are
interleaved after one warm-up each (warm .pyc, the demo app's keys already made). Headless: a fresh
interpreter per run, from its first line to the first frame of App.run(headless=True) (both imports
included). Prints the median in ms of each and the ratio; no timings are asserted anywhere.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.tmux_harness import TmuxSession, console_command  # noqa: E402

STAGE_TITLES = ("1 · canonical request", "2 · digest", "3 · JWT", "4 · header")
POLL = 0.005
DEADLINE = 30.0

HEADLESS = """
import time; t0 = time.perf_counter()
import os, sys
sys.path.insert(0, {root!r}); sys.path.insert(0, {bench!r})
which = sys.argv[1]
if which == "explorer":
    from explorer.tui.app import ExplorerApp
    from explorer.tui.settings import Settings
    app = ExplorerApp(Settings(start_sandbox=True))
else:
    from minimal_app import MinimalApp
    app = MinimalApp()

async def first_frame(pilot):
    # auto_pilot starts once the app is ready (first screen composed, mounted and refreshed).
    print(f"{{(time.perf_counter() - t0) * 1000:.1f}}")
    app.exit()

app.run(headless=True, size=(160, 50), auto_pilot=first_frame)
"""


def tmux_first_frame(command: list[str], shows: tuple[str, ...], home: Path) -> float:
    """ms from new-session to the first capture that shows every string in `shows`."""
    started = time.perf_counter()
    with TmuxSession.start(home=home, command=command) as term:
        base = term._base("capture-pane", "-p", "-t", "app")
        while True:
            screen = subprocess.run(base, capture_output=True, text=True, timeout=10).stdout
            if all(text in screen for text in shows):
                return (time.perf_counter() - started) * 1000
            if time.perf_counter() - started > DEADLINE:
                raise RuntimeError(f"no first frame after {DEADLINE:g} s; last screen:\n{screen}")
            time.sleep(POLL)


def headless_first_frame(which: str, home: Path) -> float:
    env = {"MP_EXPLORER_HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    result = subprocess.run(
        [sys.executable, "-c", HEADLESS.format(root=str(ROOT), bench=str(ROOT / "bench")), which],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=ROOT,
    )
    if result.returncode != 0:
        raise RuntimeError(f"headless {which} failed: {result.stderr[-800:]}")
    return float(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs of each, interleaved (default 5)")
    args = parser.parse_args()

    explorer = [str(console_command())]
    minimal = [sys.executable, str(ROOT / "bench" / "minimal_app.py")]
    with tempfile.TemporaryDirectory(prefix="mpx-bench-") as tmp:
        home = Path(tmp)
        cases = {
            "tmux      mp-explorer": lambda: tmux_first_frame(explorer, STAGE_TITLES, home),
            "tmux      minimal app": lambda: tmux_first_frame(minimal, ("ready",), home),
            "headless  mp-explorer": lambda: headless_first_frame("explorer", home),
            "headless  minimal app": lambda: headless_first_frame("minimal", home),
        }
        for run in cases.values():  # warm-up: .pyc, the demo app's keys
            run()
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.runs):
            for name, run in cases.items():
                times[name].append(run())

    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"time to first frame, median of {args.runs} (ms)  [{sys.platform}, Python {sys.version.split()[0]}]")
    for name, values in times.items():
        spread = ", ".join(f"{v:.0f}" for v in values)
        print(f"  {name}  {medians[name]:7.1f}   ({spread})")
    for where in ("tmux", "headless"):
        ratio = medians[f"{where:<9} mp-explorer"] / medians[f"{where:<9} minimal app"]
        print(f"  {where}: mp-explorer / minimal = {ratio:.2f}x")


if __name__ == "__main__":
    main()
