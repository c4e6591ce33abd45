"""Resident memory of `mp-explorer sandbox` while a client stores many large SKUs.

    .venv/bin/python bench/bench_sandbox_memory.py [--count 1000] [--size 1000000] [--source DIR]

Starts the sandbox (`python -m explorer sandbox --port 0 --quiet`, fresh MP_EXPLORER_HOME), uploads
a cover image, then sends COUNT CreateSKUInAudit calls whose names.en is SIZE characters, then
COUNT of the largest SKU the current sandbox keeps (evicting the big ones, if any were kept), and
prints VmRSS (from /proc/<pid>/status) before, after the big SKUs and after the others, with the
answers counted. `--source DIR` runs the sandbox from another source tree (e.g. an older commit
unpacked with `git archive COMMIT explorer | tar -x -C DIR`) to compare before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import common  # noqa: F401  (puts the project root on sys.path)
import httpx

from tests.hardening.sandbox_memory import huge_sku, largest_kept_sku, store, upload_cover
from tests.hardening.sandbox_requests import Target


def rss_mib(pid: int) -> float:
    for row in Path(f"/proc/{pid}/status").read_text().splitlines():
        if row.startswith("VmRSS:"):
            return int(row.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--source", type=Path, help="run the sandbox from this source tree")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MP_")}
    home = tempfile.mkdtemp(prefix="mp-explorer-bench-home-")
    env["MP_EXPLORER_HOME"] = home
    if args.source:
        env["PYTHONPATH"] = str(args.source.resolve())
    process = subprocess.Popen(
        [sys.executable, "-m", "explorer", "sandbox", "--port", "0", "--quiet"],
        env=env,
        cwd=home,  # not the project root: `-m` puts the working directory first on sys.path
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = json.loads(process.stdout.readline())
        where = Target(line["base_url"], line["app_id"], line["access_key_id"], line["secret_key"])
        with httpx.Client(base_url=where.base_url, timeout=120) as client:
            file_id = upload_cover(client, where)
            before = rss_mib(process.pid)
            big = store(client, where, (huge_sku(file_id, args.size) for _ in range(args.count)))
            after_big = rss_mib(process.pid)
            kept = store(client, where, (largest_kept_sku(file_id) for _ in range(args.count)))
            after_kept = rss_mib(process.pid)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)
    source = args.source or "this tree"
    print(f"sandbox from {source}: VmRSS at start {before:.1f} MiB")
    print(f"  after {args.count} SKUs with a {args.size:,}-character name: {after_big:.1f} MiB  answers {big}")
    kept_size = len(largest_kept_sku(file_id))
    print(f"  after {args.count} SKUs of {kept_size:,} bytes: {after_kept:.1f} MiB  answers {kept}")


if __name__ == "__main__":
    main()
