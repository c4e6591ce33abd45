"""Run every benchmark, print one table, and rewrite bench/RESULTS.md.

    .venv/bin/python bench/run.py [--quick]

Each benchmark is a module of its own (bench/bench_*.py, runnable alone with the same flag);
this runs them one after the other, each measuring the project and its comparison side by side.
--quick takes fewer repeats (under ~2 minutes); figures are medians, noisy on a busy machine.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable

import bench_doctor
import bench_keystroke
import bench_pipeline
import bench_rss
import bench_sandbox
import bench_sign_cli
import bench_startup
import bench_workspace
import textual
from common import BENCH, Row, table

BENCHMARKS: list[tuple[str, Callable[[bool], list[Row]]]] = [
    ("pipeline per edit", bench_pipeline.measure),
    ("keystroke to screen", bench_keystroke.measure),
    ("cold start (tmux)", bench_startup.measure),
    ("sign --token, cold", bench_sign_cli.measure),
    ("sandbox throughput", bench_sandbox.measure),
    ("peak RSS", bench_rss.measure),
    ("doctor diagnosis", bench_doctor.measure),
    ("workspace", bench_workspace.measure),
]

HOW = """\
- **pipeline per edit** (`bench_pipeline.py`): `explorer.tui.model.compute(FormState)`, what the explorer
  runs on every edit (canonical request → digest → JWT → header, the secret-key note, the base URL check and
  the token's payload decoded), on the form state a fresh explorer builds with the spec's get-open-data
  vector put in, against the seed's token function (`tests/seed_oracle.py`) on the same inputs, same
  process. Both produce the vector's token (checked). Samples are batch means (timeit), batches alternate.
  `signing.sign` alone is listed for information.
- **keystroke → all stages on screen** (`bench_keystroke.py`): Pilot, 160x50. Letters typed into the
  explorer's data-token field (it feeds all four stages) and into a bare app's Input whose Changed updates
  a Static. `App._display` is wrapped: every composed frame is turned into terminal bytes
  (`render_segments`, as a real driver would) and the widgets it was composed from are checked; a
  keystroke ends at the first frame where all four stages show values derived from the new text (canonical
  holds it, digest = SHA-256 of that canonical, the token's `dig` is that digest, the header carries that
  token), or the echo Static holds the new value. Sessions of the two apps alternate.
- **cold start → first frame** (`bench_startup.py`): one private tmux server per run (160x50), from
  `new-session` to the first `capture-pane` (polled every 5 ms) showing the first frame: the four stage
  titles (mp-explorer, no arguments), "Hello, world" (`hello_app.py`), Posting's title, URL placeholder and
  Response pane (Posting in a throwaway venv, throwaway HOME/XDG dirs). A warm-up each, then interleaved.
- **`sign --token`, cold** (`bench_sign_cli.py`): the whole process, fork to exit, with the vector's
  inputs (the token printed is checked), against `python -c "import jwt"`, both the venv's interpreter.
- **sandbox throughput** (`bench_sandbox.py`): `mp-explorer sandbox` and a bare Starlette route
  (`bare_starlette.py`, same uvicorn, same settings) each in its own process; `loadgen.py` in a third:
  8 keep-alive connections, a fixed number of requests, one in flight per connection. The GetUserOpenId
  request is signed before timing; every answer is checked for code 000000.
- **peak RSS** (`bench_rss.py`): VmHWM from `/proc/<pid>/status` of the app's process in the tmux pane:
  mp-explorer after launch, the embedded sandbox up, a ctrl+s GetUserOpenId and its decrypted answer on
  screen (the help screen is never opened: it alone adds ~23 MiB); Posting after its first frame and 2 s idle.
- **doctor diagnosis** (`bench_doctor.py`): `explorer.doctor.diagnose` on a POST with a query and a JSON body
  whose token's `dig` no catalogue mistake explains (every single and every pair is built and hashed), and on one
  that forgot the trailing `/`; single diagnoses, median in ms, against the 50 ms goal (ratio ≤ 1).
- **workspace** (`bench_workspace.py`): a signed sandbox call driven straight into the ASGI app with the
  faults layer in place and no fault set, against the same chain of layers without it (goal: no measurable
  cost, ≤ 1.05×); recording one send into a 1,000-row history against the send itself; saving and opening
  a request file against plain JSON of the same fields.
"""


def code_version() -> str:
    """The commit measured, and whether the working tree had changes on top (they are measured too).

    bench/RESULTS.md itself does not count: the previous run rewrote it.
    """
    root = str(BENCH.parent)
    try:
        head = subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        status = subprocess.run(
            ["git", "-C", root, "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True
        )
    except OSError:
        return "unknown (no git)"
    text = head.stdout.strip() or "unknown"
    changed = [line[3:] for line in status.stdout.splitlines() if line[3:] != "bench/RESULTS.md"]
    return f"{text}-dirty (working tree with uncommitted changes)" if changed else text


def machine() -> list[str]:
    return [
        f"- CPUs: {os.cpu_count()} ({platform.machine()}), {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()} ({sys.executable})",
        f"- Textual {textual.__version__}",
        f"- code: {code_version()}",
        f"- date: {datetime.datetime.now(datetime.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
    ]


def write_results(rows: list[Row], command: str, seconds: float) -> None:
    lines = [
        "# Benchmark results",
        "",
        "Regenerated by `bench/run.py`; every figure is a median, ratio = ours / comparison.",
        "",
        table(rows, markdown=True),
        "",
        "## Machine",
        "",
        *machine(),
        "",
        "## Command",
        "",
        f"    {command}",
        "",
        f"Took {seconds:.0f} s. Spread of every row (min / median / max, sample count):",
        "",
        *(f"- {row.spread()}" for row in rows),
        "",
        "## How each is measured",
        "",
        HOW,
    ]
    (BENCH / "RESULTS.md").write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (under ~2 minutes)")
    args = parser.parse_args()
    started = time.perf_counter()
    rows: list[Row] = []
    for name, measure in BENCHMARKS:
        print(f"… {name}", file=sys.stderr, flush=True)
        rows += measure(args.quick)
    seconds = time.perf_counter() - started
    print(table(rows))
    print()
    for row in rows:
        print("  " + row.spread())
    command = ".venv/bin/python bench/run.py" + (" --quick" if args.quick else "")
    write_results(rows, command, seconds)
    print(f"\n{seconds:.0f} s; written to {BENCH / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
