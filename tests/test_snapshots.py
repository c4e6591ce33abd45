"""SVG snapshots of the explorer's main screens at 160x50, and at 80x24 and 120x40 (the compact form),
every input fixed (see snapshot_support).

Update the baselines after an intended UI change, then look at them and commit tests/__snapshots__/:

    .venv/bin/pytest tests/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from explorer import signing
from tests import snapshot_support as snap


@pytest.fixture(scope="module")
def replay() -> Iterator[str]:
    with snap.replay_sandbox() as base_url:
        yield base_url


@pytest.fixture(autouse=True)
def _frozen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import explorer.client
    import explorer.tui.stage_views

    monkeypatch.setenv("MP_EXPLORER_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(explorer.client, "time", snap.frozen_client_clock())
    # A changed stage flashes its border for FLASH_SECONDS; shortened here and waited out below.
    monkeypatch.setattr(explorer.tui.stage_views, "FLASH_SECONDS", 0.05)


async def settle(pilot: Any) -> None:
    """Wait for workers and for every stage flash to end, so the frame no longer moves."""
    from explorer.tui.stage_views import StageView

    app = pilot.app
    for _ in range(100):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(view.has_class("-changed") for view in app.query(StageView)):
            return
        await pilot.pause(0.02)
    raise AssertionError("a stage kept flashing")


async def send(pilot: Any) -> None:
    await settle(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert pilot.app.response.last_exchange is not None


def test_start_with_every_stage_filled(snap_compare: Any) -> None:
    assert snap_compare(snap.explorer(), terminal_size=snap.SIZE, run_before=settle)


def test_after_send_raw_and_decrypted(snap_compare: Any, replay: str) -> None:
    assert snap_compare(snap.explorer(), terminal_size=snap.SIZE, run_before=send)


def test_rejected_signature_with_its_diff(snap_compare: Any, replay: str) -> None:
    # Signed without the appended '/': the sandbox's verifier computes another canonical request.
    app = snap.explorer(rules=signing.Rules(trailing_slash=False))
    assert snap_compare(app, terminal_size=snap.SIZE, run_before=send)


def test_f1_help(snap_compare: Any) -> None:
    async def open_help(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)

    assert snap_compare(snap.explorer(), terminal_size=snap.SIZE, run_before=open_help)


def test_a_field_error_in_the_stages(snap_compare: Any) -> None:
    async def bad_method(pilot: Any) -> None:
        await settle(pilot)
        pilot.app.form.set_value("method", "G E T")
        await pilot.pause()
        await settle(pilot)
        assert pilot.app.stages.signed.canonical_errors

    assert snap_compare(snap.explorer(), terminal_size=snap.SIZE, run_before=bad_method)


# --- the sizes most terminals have: the compact form, all four stages on screen ----------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_start_at_a_small_size(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(snap.explorer(), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_after_send_at_a_small_size(snap_compare: Any, replay: str, size: tuple[int, int]) -> None:
    assert snap_compare(snap.explorer(), terminal_size=size, run_before=send)


# --- the stand-in itself: honest only if the app really decrypts it and the verdict is the sandbox's ---


async def test_the_replayed_user_data_is_a_real_pkcs1_block_the_app_decrypts(replay: str) -> None:
    from tests.tui_support import pane_text

    app = snap.explorer()
    async with app.run_test(size=snap.SIZE) as pilot:
        await send(pilot)
        assert app.response.last_exchange.code == "000000"
        assert snap.OPENID in pane_text(app, "decrypted")
        assert "42 ms" in pane_text(app, "raw")
    from explorer import crypto

    key = crypto.load_private_key(snap.PRIVATE_KEY.read_bytes())
    user_data = snap.deterministic_user_data(snap.OPENID, snap.PRIVATE_KEY.read_bytes())
    assert crypto.decrypt_user_data(key, user_data) == snap.OPENID
    assert user_data == snap.deterministic_user_data(snap.OPENID, snap.PRIVATE_KEY.read_bytes())


async def test_the_replayed_rejection_is_the_sandboxs_digest_mismatch(replay: str) -> None:
    app = snap.explorer(rules=signing.Rules(trailing_slash=False))
    async with app.run_test(size=snap.SIZE) as pilot:
        await send(pilot)
        assert app.response.last_exchange.code == "900002"
        assert app.response.last_exchange.sandbox["reason"] == "digest_mismatch"
        assert app.response.last_exchange.sandbox["skew"] == 60
