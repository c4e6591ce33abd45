"""When the embedded sandbox cannot start, the explorer says so once and never sends elsewhere."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from tests.hardening import tally
from tests.tui_support import SIZE, app_for, send_and_wait


async def test_a_sandbox_that_cannot_start_leaves_no_target(tmp_path: Path) -> None:
    not_a_directory = tmp_path / "a-file"
    not_a_directory.write_text("not a data directory")
    app = app_for(None, start_sandbox=True, data_dir=str(not_a_directory / "home"))
    async with app.run_test(size=SIZE) as pilot:
        target = app.form.query_one("#target", Input)
        for _ in range(200):  # the sandbox starts after the first frame, in a worker
            await app.workers.wait_for_complete()
            await pilot.pause(0.05)
            if not app.sandbox_life.starting:
                break
        assert target.value == ""
        assert "dip-cb" not in target.placeholder and "did not start" in target.placeholder
        messages = [str(n.message) for n in app._notifications]
        assert [m for m in messages if "did not start" in m] and len(messages) == 1, messages
        await send_and_wait(app, pilot)
        assert "cannot send: base URL" in app.query_one("#response-raw").plain_text(width=200)
    tally.count("bad-input corpus", "TUI sandbox start")
