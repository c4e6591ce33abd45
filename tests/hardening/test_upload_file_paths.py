"""UploadFile's file field under hostile paths: each is named in the payload hash row, never read
when it cannot be one regular file, never a traceback, and the field keeps what was typed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.widgets import Select

from explorer.tui.model import FormState, compute
from tests.tui_support import app_for, stage

CASES = [
    ("a\x00b.png", "holds a NUL character"),
    ("~no_such_user_mpx/cover.png", "does not exist"),
    ("x" * 5000 + ".png", "cannot be read"),
    ("\x1b[31mred.png", "does not exist"),
    ("\u202egnp.exe", "does not exist"),
    ("/dev/zero", "is not a regular file"),
    ("/", "is not a regular file"),
    ("", ""),  # empty: the built-in sample, no error
]


@pytest.mark.parametrize(("path", "words"), CASES, ids=[f"case{index}" for index in range(len(CASES))])
def test_compute_names_the_file_without_raising(path: str, words: str) -> None:
    state = FormState(
        endpoint="UploadFile",
        method="POST",
        path="/mp-api/v1/apps/{appId}/files/upload",
        app_id="app1",
        access_key_id="ak",
        secret_key="a-test-secret-key-of-32-bytes-ok",
        file=path,
    )
    stages = compute(state, ts=1700000000, now=1700000000)
    if not words:
        assert stages.signature is not None and stages.multipart is not None
        return
    error = stages.errors["body"]
    assert error.field == "file" and words in error.message
    assert "\x00" not in error.message and "\x1b" not in error.message and "\u202e" not in error.message
    assert len(error.message) < 200


async def test_the_explorer_shows_each_hostile_path_in_the_stage_and_keeps_going(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    app = app_for()
    async with app.run_test(size=(120, 40)) as pilot:
        app.query_one("#endpoint", Select).value = "UploadFile"
        await pilot.pause()
        await pilot.pause()
        assert not app.query_one("#file-row").has_class("-hidden")
        for path, words in [*CASES[:-1], (str(fifo), "is not a regular file")]:
            app.form.set_value("file", path)
            await pilot.pause()
            await pilot.pause()
            shown = stage(app, "canonical").plain_text(width=300)
            assert "✗ file: " in shown and words in shown, (path[:40], shown)
            assert "\x1b" not in shown and "\u202e" not in shown and "\x00" not in shown
            assert app.form.value("file") == path
            assert "Traceback" not in str(app.screen.render())
        app.form.set_value("file", "")
        await pilot.pause()
        await pilot.pause()
        assert app.stages.multipart is not None and app.stages.signature is not None
