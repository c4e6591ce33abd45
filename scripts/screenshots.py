"""Screenshots of the real explorer: screenshots/<name>.svg and .png (PNG through headless Chromium).

    .venv/bin/python scripts/screenshots.py            # all of them
    .venv/bin/python scripts/screenshots.py start help # some of them

Runs ExplorerApp headless at 160x50 (after-send-80x24 at 80x24) against a real embedded sandbox whose
demo app (fresh keys) lives
in a temporary MP_EXPLORER_HOME, so no real keys are ever shown; secrets stay masked (the default).
Debian/Ubuntu packages for the PNGs: chromium fonts-firacode fonts-symbola. Without Chromium the
SVGs are still written and the script says how to get the PNGs.
"""

from __future__ import annotations

import asyncio
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "screenshots"
SIZE = (160, 50)
# The screens taken at another size than SIZE (the compact form of a small terminal).
SIZES = {"after-send-80x24": (80, 24)}
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=2",
]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def svg_size(svg: Path) -> tuple[int, int]:
    match = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg.read_text(encoding="utf-8"))
    if match is None:
        raise ValueError(f"{svg}: no viewBox")
    return math.ceil(float(match.group(1))), math.ceil(float(match.group(2)))


def svg_to_png(chromium: str, svg: Path, png: Path) -> None:
    """Render one SVG to PNG at twice its size with headless Chromium."""
    width, height = svg_size(svg)
    with tempfile.TemporaryDirectory(prefix="mpx-chromium-") as profile:
        result = subprocess.run(
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                f"--screenshot={png}",
                svg.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    if result.returncode != 0 or not png.exists():
        raise RuntimeError(f"chromium could not render {svg.name}: {result.stderr.strip()[-500:]}")


# --- the states --------------------------------------------------------------------------------


async def settle(pilot: Any) -> None:
    """Wait for workers (sandbox start, mint, send) and for the stage flashes to fade."""
    from explorer.tui.stage_views import StageView

    app = pilot.app
    for _ in range(200):
        await app.workers.wait_for_complete()
        await pilot.pause()
        busy = app.sandbox_life.starting or any(view.has_class("-changed") for view in app.query(StageView))
        if not busy:
            return
        await pilot.pause(0.05)
    raise RuntimeError("the explorer did not settle")


async def send(pilot: Any) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)
    if pilot.app.response.last_exchange is None:
        raise RuntimeError("the request was not sent")


async def send_small(pilot: Any) -> None:
    """Send, then scroll the narrow form to the credentials: the secret key shows masked."""
    await send(pilot)
    pilot.app.form.scroll_to_widget(pilot.app.form.query_one("#secret-key"), animate=False, top=True)
    await settle(pilot)


async def help_screen(pilot: Any) -> None:
    await pilot.press("f1")
    await settle(pilot)


async def doctor_screen(pilot: Any) -> None:
    """ctrl+n, then a curl command pasted whose token forgot the trailing '/' (made for the demo app)."""
    from textual import events

    from explorer import signing

    app = pilot.app
    state = app.form.state()
    path, query = f"/mp-api/v1/apps/{state.app_id}/user-open-data", [("openData", state.data_token)]
    token = signing.sign_with_rules(
        method="GET", path=path, query=query, access_key_id=state.access_key_id, secret_key=state.secret_key,
        rules=signing.Rules(trailing_slash=False),
    ).token  # fmt: skip
    curl = f"curl -sS '{state.target}{path}?openData={state.data_token}' \\\n  -H 'X-Mp-Open-Api-Token: {token}'"
    await pilot.press("ctrl+n")
    await pilot.pause()
    app.post_message(events.Paste(curl))
    await settle(pilot)


Step = Callable[[Any], Awaitable[None]]


async def nothing(pilot: Any) -> None:
    return None


def states() -> dict[str, tuple[dict[str, Any], Step, Callable[[Any], None]]]:
    """name -> (Settings overrides, what to do after start-up, a check on the app)."""
    from explorer import signing

    def sent_ok(app: Any) -> None:
        if app.response.last_exchange.code != "000000" or app.sandbox_life.minted["openId"] not in app.query_one(
            "#response-decrypted"
        ).plain_text(width=200):
            raise RuntimeError("after-send: the decrypted openid is not on screen")

    def rejected(app: Any) -> None:
        if (app.response.last_exchange.sandbox or {}).get("reason") != "digest_mismatch":
            raise RuntimeError("rejected: the sandbox did not answer digest_mismatch")

    def started(app: Any) -> None:
        if app.stages.signature is None:
            raise RuntimeError("start: the stages are not filled")

    def helped(app: Any) -> None:
        if type(app.screen).__name__ != "HelpScreen":
            raise RuntimeError("help: the help screen is not open")

    def diagnosed(app: Any) -> None:
        if "[trailing-slash-missing]" not in getattr(app.screen, "report_text", ""):
            raise RuntimeError("doctor: the mistake is not named on screen")

    return {
        "start": ({}, nothing, started),
        "after-send": ({}, send, sent_ok),
        "after-send-80x24": ({}, send_small, sent_ok),
        # Signed without the appended '/': the sandbox computes another canonical request and says where.
        "rejected": ({"rules": signing.Rules(trailing_slash=False)}, send, rejected),
        "help": ({}, help_screen, helped),
        "doctor": ({}, doctor_screen, diagnosed),
    }


async def capture(name: str, sandbox: Any, overrides: dict[str, Any], step: Step, check: Callable) -> Path:
    from explorer.tui.app import ExplorerApp
    from explorer.tui.settings import Settings

    app = ExplorerApp(Settings(sandbox=sandbox, preload_client=False, **overrides))
    async with app.run_test(size=SIZES.get(name, SIZE)) as pilot:
        await settle(pilot)
        await step(pilot)
        check(app)
        if not app.masked:
            raise RuntimeError("secrets must be masked in screenshots")
        svg = OUT / f"{name}.svg"
        app.save_screenshot(filename=svg.name, path=str(OUT))
    return svg


def main(argv: list[str]) -> int:
    home = tempfile.mkdtemp(prefix="mpx-screenshots-")
    os.environ["MP_EXPLORER_HOME"] = home  # a throwaway demo app: never the user's keys
    os.environ.pop("NO_COLOR", None)
    sys.path.insert(0, str(ROOT))
    from explorer.sandbox.runner import start_background

    wanted = states()
    names = argv or list(wanted)
    unknown = [name for name in names if name not in wanted]
    if unknown:
        print(f"unknown screenshot(s): {', '.join(unknown)}; known: {', '.join(wanted)}", file=sys.stderr)
        return 2
    OUT.mkdir(exist_ok=True)
    svgs = []
    sandbox = start_background(data_dir=Path(home))
    try:
        for name in names:
            overrides, step, check = wanted[name]
            svgs.append(asyncio.run(capture(name, sandbox, overrides, step, check)))
            print(f"wrote {svgs[-1].relative_to(ROOT)}")
    finally:
        sandbox.stop()
        shutil.rmtree(home, ignore_errors=True)

    chromium = find_chromium()
    if chromium is None:
        print(
            "chromium not found: the SVGs are written, the PNGs are not. "
            "Install it and the fonts (Debian/Ubuntu: apt-get install -y chromium fonts-firacode fonts-symbola) "
            "and run this again.",
            file=sys.stderr,
        )
        return 1
    for svg in svgs:
        png = svg.with_suffix(".png")
        svg_to_png(chromium, svg, png)
        print(f"wrote {png.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
