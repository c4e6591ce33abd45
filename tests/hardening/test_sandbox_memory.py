"""The sandbox's memory is bounded by size: many large SKUs leave `mp-explorer sandbox`'s RSS bounded.

The real command runs as a child process (fresh MP_EXPLORER_HOME). First 200 SKUs with a 1 MB
name each: every one is refused with 900001 (names are short). Then 1,000 of the largest SKU the
sandbox keeps (about 28 KiB of JSON each, 28 MiB in all): they are stored until the total budget
(MAX_STORED_SKU_BYTES) is reached and the oldest are evicted, so ListSKUs still answers and the
server's resident memory stays within a bound. `bench/bench_sandbox_memory.py` prints the figures
for the full 1,000 x 1 MB case.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from explorer.sandbox.state import MAX_SKU_BYTES, MAX_STORED_SKU_BYTES
from tests.hardening import tally
from tests.hardening.sandbox_memory import huge_sku, largest_kept_sku, store, target, upload_cover
from tests.hardening.sandbox_process import base_env, running_sandbox
from tests.hardening.sandbox_requests import send

HUGE = 200
KEPT = 1_000
# Stored SKUs are at most MAX_STORED_SKU_BYTES of JSON; as Python objects (dicts of str) they take
# about twice that, and parsing a 1 MB body needs a few MB at a time. Before the size bounds the
# 1 MB names alone took the server past 200 MiB here (1.19 GB for 1,000 of them).
RSS_GROWTH_BOUND_KIB = 2 * MAX_STORED_SKU_BYTES // 1024 + 16 * 1024


def test_many_large_skus_leave_the_sandbox_small(tmp_path: Path) -> None:
    env = base_env(MP_EXPLORER_HOME=str(tmp_path / "home"))
    with running_sandbox(["--port", "0", "--quiet"], env=env) as sandbox:
        where = target(sandbox)
        with httpx.Client(base_url=where.base_url, timeout=60) as client:
            file_id = upload_cover(client, where)
            assert len(largest_kept_sku(file_id)) < MAX_SKU_BYTES
            before = sandbox.rss_kib()
            refused = store(client, where, (huge_sku(file_id) for _ in range(HUGE)))
            after_huge = sandbox.rss_kib()
            kept = store(client, where, (largest_kept_sku(file_id) for _ in range(KEPT)))
            after_kept = sandbox.rss_kib()
            listed = send(client, where, "GET", "/skus", query=[("limit", "50")])
        assert sandbox.process.poll() is None
    print(
        f"\nsandbox memory: VmRSS {before:,} KiB; after {HUGE} x 1 MB SKUs {after_huge:,} KiB; "
        f"after {KEPT:,} x {len(largest_kept_sku(file_id)):,}-byte SKUs {after_kept:,} KiB"
    )
    assert refused == {"400 900001": HUGE}, refused
    assert kept == {"200 000000": KEPT}, kept
    assert listed.json()["code"] == "000000" and len(listed.json()["data"]["skus"]) == 50
    growth = max(after_huge, after_kept) - before
    assert growth < RSS_GROWTH_BOUND_KIB, f"server RSS grew {growth:,} KiB (bound {RSS_GROWTH_BOUND_KIB:,})"
    assert "Traceback" not in sandbox.stderr, sandbox.stderr[-2000:]
    tally.count("sandbox memory", "SKUs sent", HUGE + KEPT)
