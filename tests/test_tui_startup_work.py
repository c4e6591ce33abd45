"""What the explorer does before its first frame: no work there that could wait until after it.

Cold start to the first frame pays for every restyle, import and computation done before it; each
test here fails if one of the deferred pieces becomes eager again.
"""

from __future__ import annotations

import gc

import pytest
from textual.dom import DOMNode
from textual.screen import Screen

from explorer.tui.app import ExplorerApp
from tests.tui_support import app_for


@pytest.mark.parametrize(
    ("size", "classes"),
    [((80, 24), {"-narrow", "-short"}), ((120, 40), {"-medium", "-short"}), ((200, 60), {"-wide", "-tall"})],
)
async def test_the_breakpoint_classes_cost_no_restyle_of_the_screen_before_the_first_frame(
    monkeypatch: pytest.MonkeyPatch, size: tuple[int, int], classes: set[str]
) -> None:
    # Set after the widgets were styled, each class restyled the whole tree again before the first frame.
    restyled_before_mount: list[DOMNode] = []
    mounted: list[bool] = []
    update_styles, on_mount = ExplorerApp.update_styles, ExplorerApp.on_mount

    def counting_update_styles(self: ExplorerApp, node: DOMNode, animate: bool = True) -> None:
        if not mounted and isinstance(node, Screen):
            restyled_before_mount.append(node)
        update_styles(self, node, animate)

    def marking_on_mount(self: ExplorerApp) -> None:
        mounted.append(True)
        on_mount(self)

    monkeypatch.setattr(ExplorerApp, "update_styles", counting_update_styles)
    monkeypatch.setattr(ExplorerApp, "on_mount", marking_on_mount)
    app = app_for()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert mounted, "the probe never saw the app mount"
        assert restyled_before_mount == []
        breakpoints = {"-narrow", "-medium", "-wide", "-short", "-tall"}
        assert app.screen.classes & breakpoints == classes


def test_one_cell_marks_exactly_what_visible_escapes_without_a_table_in_memory() -> None:
    # The explorer's peak memory after a send is benchmarked (bench/bench_rss.py): a module-level table
    # of every hidden code point (2,000-odd entries, two copies) cost ~0.2 MiB for text that rarely has one.
    from explorer import safe_text

    tables = [name for name, value in vars(safe_text).items() if isinstance(value, dict) and len(value) > 100]
    assert tables == ["__builtins__"]
    every = "".join(chr(code) for code in range(0x110000))
    for multiline in (False, True):
        marked = safe_text.one_cell(every, multiline=multiline)
        assert len(marked) == len(every)
        changed = {char for char, mark in zip(every, marked, strict=True) if char != mark}
        assert changed == {char for char in every if safe_text.has_hidden(char, multiline=multiline)}
    assert safe_text.one_cell("a\x1bb\tc\r\u202e\x7f") == "a␛b␉c␍�␡"
    assert safe_text.one_cell("a\tb\nc\r", multiline=True) == "a\tb\nc␍"


async def test_collection_paused_for_the_first_frame_resumes_once_it_is_drawn(monkeypatch: pytest.MonkeyPatch) -> None:
    # The launcher pauses garbage collection (each collection during the start walked a growing heap
    # for nothing, ~10 % of the cold start); the app resumes it after its first frame, not before.
    during_mount: list[bool] = []
    on_mount = ExplorerApp.on_mount

    def recording_on_mount(self: ExplorerApp) -> None:
        on_mount(self)
        during_mount.append(gc.isenabled())

    monkeypatch.setattr(ExplorerApp, "on_mount", recording_on_mount)
    gc.disable()
    try:
        app = app_for(gc_paused=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert during_mount == [False]
            assert gc.isenabled()
        gc.disable()  # nobody paused it for this app: it stays as it was
        app = app_for()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_launcher_pauses_collection_until_the_app_runs_and_restores_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from explorer.commands import launch
    from explorer.commands.errors import UsageError

    seen: list[tuple[bool, bool]] = []

    def fake_run(self: ExplorerApp) -> None:  # the app's first frame is what resumes collection
        seen.append((gc.isenabled(), self.settings.gc_paused))

    monkeypatch.setattr(launch, "terminal_problem", lambda *args, **kwargs: None)
    monkeypatch.setattr(ExplorerApp, "run", fake_run)
    assert gc.isenabled()
    assert launch.run(launch.parser().parse_args(["--base-url", "http://127.0.0.1:9", "--no-history"])) == 0
    assert seen == [(False, True)] and gc.isenabled()
    with pytest.raises(UsageError):
        launch.run(launch.parser().parse_args(["--endpoint", "NoSuchEndpoint"]))
    assert gc.isenabled()
