"""Every endpoint from the explorer against the embedded sandbox: pick it, press ctrl+s, read 000000.

Nothing is typed: the placeholders are filled from what the sandbox handed out (the data token's
openId, a push token minted on demand, the uploaded file, the created SKU).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Select

from explorer import multipart
from explorer.tui.app import ExplorerApp
from explorer.tui.settings import Settings
from tests.tui_support import pane_text, send_and_wait, stage, workers_done

# A data directory of its own for each test (the demo app and its keys are made there).
pytestmark = pytest.mark.usefixtures("explorer_home")


async def _ready(app: ExplorerApp, pilot: Any) -> None:
    for _ in range(100):
        await workers_done(app)
        await pilot.pause()
        if (
            app.sandbox_life.handle is not None
            and not app.sandbox_life.starting
            and app.sandbox_life.minted is not None
        ):
            return
    raise AssertionError("the embedded sandbox did not come up")


async def _pick(app: ExplorerApp, pilot: Any, name: str) -> None:
    app.query_one("#endpoint", Select).value = name
    await pilot.pause()
    await workers_done(app)  # e.g. the push token minted on demand
    await pilot.pause()


@pytest.mark.slow  # eleven sends through the explorer, one after the other
async def test_every_endpoint_in_the_pickers_order_answers_000000(tmp_path: Path) -> None:
    app = ExplorerApp(Settings(start_sandbox=True, data_dir=str(tmp_path / "sandbox"), preload_client=False))
    async with app.run_test(size=(160, 50)) as pilot:
        await _ready(app, pilot)
        names = [str(value) for _label, value in app.query_one("#endpoint", Select)._options if value != Select.NULL]
        assert len(names) == 11
        answers: dict[str, str | None] = {}
        for name in names:
            await _pick(app, pilot, name)
            assert app.form.value("method") != ""  # the template is in
            await send_and_wait(app, pilot)
            exchange = app.response.last_exchange
            assert exchange is not None
            answers[name] = exchange.code
            assert exchange.code == "000000", (name, pane_text(app, "raw"))
            assert "000000" in pane_text(app, "raw")
            if name == "UploadFile":
                # The payload hash stage hashed exactly the bytes that went out.
                assert app.stages.signed.payload_hash == hashlib.sha256(exchange.request.body).hexdigest()
                assert exchange.request.body.count(multipart.sample_png()) == 1
                assert "multipart/form-data; boundary=" in (exchange.request.header("content-type") or "")
                assert "PNG" not in app.form.value("body")  # the binary part is summarised, never pasted
                assert "sample.png" in app.form.value("body")
        assert answers == dict.fromkeys(names, "000000")
        # The flow's values came from the sandbox: the SKU created is the one the later calls named.
        sku_id = app.known.sku_id
        assert sku_id is not None and sku_id in app.sandbox_life.handle.state.app(app.sandbox_life.handle.app_id).skus
        assert app.known.file_id in app.sandbox_life.handle.state.app(app.sandbox_life.handle.app_id).files
        assert "not filled in" not in stage(app, "canonical").plain_text(width=200)
