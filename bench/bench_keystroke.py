"""Keystroke to every stage updated on screen, in Pilot: ExplorerApp against a bare echo app.

    .venv/bin/python bench/bench_keystroke.py [--quick]

The explorer (tests/tui_support.app_for: fixed keys, pinned ts, no sandbox) gets letters typed
into its data-token field, which feeds all four stages; the echo app (bench/echo_app.py) gets
the same letters in its Input, whose Changed updates a Static. 160x50 and 80x24 (the compact form),
headless; the medians are also set against one 60 Hz frame (16.7 ms).

How "on screen" is decided. Headless, Textual still composes every frame (Screen's compositor
refresh builds the update of the dirty regions and hands it to App._display), but skips turning
it into terminal bytes. The benchmark wraps App._display on the app instance: for each frame it
first does what a real driver does, CompositorUpdate.render_segments(console) (so the cost of
producing the bytes is counted, for both apps), then checks the widgets the frame was composed
from. Composing and displaying run in one synchronous call on the app's loop, so a widget whose
content was set before that call is in that frame. A keystroke is done at the first frame whose
widgets all show content derived from the new key:
  explorer: the canonical stage holds openData=<the field's new text>, the digest stage is the
            SHA-256 of that canonical request, the JWT stage's token carries that digest in its
            payload, and the header stage ends with that token;
  echo:     the Static was given the Input's new value.
Time runs from just before `pilot.press(char)` to that frame. Pilot's own overhead (it waits for
the app to go idle) is in both sides alike. Sessions of each app alternate (one warm-up session
each first); the median over all keystrokes is reported, in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import string
import time
from collections.abc import Callable
from typing import Any

from common import Row, report
from echo_app import EchoApp
from textual.app import App

from tests.tui_support import app_for

SIZE = (160, 50)
SMALL = (80, 24)  # the compact form: rules in F1, values cut in the middle
FRAME_MS = 1000 / 60  # one frame at 60 Hz
LETTERS = string.ascii_lowercase
TIMEOUT = 10.0


class FrameWatch:
    """Wraps app._display: renders each frame to terminal bytes and resolves a waiter when `done()` holds."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.check: Callable[[], bool] | None = None
        self.waiter: asyncio.Future[float] | None = None
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is None or app._batch_count:
                return
            if hasattr(renderable, "render_segments"):
                renderable.render_segments(app.console)
            if self.check is not None and self.waiter is not None and not self.waiter.done() and self.check():
                self.waiter.set_result(time.perf_counter())

        app._display = display  # type: ignore[method-assign]

    def expect(self, check: Callable[[], bool]) -> asyncio.Future[float]:
        self.check = check
        self.waiter = asyncio.get_running_loop().create_future()
        return self.waiter


def explorer_shows(app: Any, text: str) -> Callable[[], bool]:
    views = {view.stage: view for view in app.query("StageView")}

    def check() -> bool:
        canonical = views["canonical"].value
        if f"\nopenData={text}\n" not in canonical:
            return False
        digest = hashlib.sha256(canonical.encode()).hexdigest()
        if views["digest"].value != digest:
            return False
        token = views["jwt"].value
        parts = token.split(".")
        if len(parts) != 3:
            return False
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        return claims.get("dig") == digest and views["header"].value.endswith(token)

    return check


async def session(which: str, keys: int, size: tuple[int, int] = SIZE) -> list[float]:
    """One app, `keys` keystrokes; milliseconds from press to the first frame showing each."""
    app: Any = app_for() if which == "explorer" else EchoApp()
    times: list[float] = []
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        field = app.form.query_one("#data-token") if which == "explorer" else app.query_one("#field")
        field.focus()
        await pilot.pause()
        await pilot.press("end")  # focus may select the whole text; type after it instead
        await pilot.pause()
        watch = FrameWatch(app)
        for index in range(keys):
            char = LETTERS[index % len(LETTERS)]
            text = field.value + char
            check = explorer_shows(app, text) if which == "explorer" else (lambda text=text: app.shown == text)
            waiter = watch.expect(check)
            started = time.perf_counter()
            await pilot.press(char)
            shown = await asyncio.wait_for(waiter, TIMEOUT)
            times.append((shown - started) * 1000)
            if field.value != text:
                raise RuntimeError(f"{which}: the field holds {field.value!r}, expected {text!r}")
    return times


def measure(quick: bool = False) -> list[Row]:
    rounds, keys = (2, 15) if quick else (5, 40)
    ours: list[float] = []
    bare: list[float] = []
    small: list[float] = []
    bare_small: list[float] = []

    async def run() -> None:
        await session("echo", 5)  # warm-up: imports, CSS, first frames
        await session("explorer", 5)
        for _ in range(rounds):
            bare.extend(await session("echo", keys))
            ours.extend(await session("explorer", keys))
            bare_small.extend(await session("echo", keys, SMALL))
            small.extend(await session("explorer", keys, SMALL))

    asyncio.run(run())
    frame = [FRAME_MS]
    return [
        Row("keystroke → all stages on screen", "ExplorerApp", "echo app", "ms", ours, bare, limit=1.5),
        Row("keystroke → all stages, 80x24", "ExplorerApp", "echo app", "ms", small, bare_small, limit=1.5),
        Row("keystroke → all stages, 160x50", "ExplorerApp", "one 60 Hz frame", "ms", ours, frame, limit=1.0),
        Row("keystroke → all stages, 80x24", "ExplorerApp", "one 60 Hz frame", "ms", small, frame, limit=1.0),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    report(measure(parser.parse_args().quick))


if __name__ == "__main__":
    main()
