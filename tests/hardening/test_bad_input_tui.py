"""The bad-input corpus through the explorer (Pilot): each case put in the way a user would.

One app per input; between cases the field goes back to where it was. For every case: the words
the corpus names show where the user is looking, the app did not crash and shows no traceback,
it still answers an edit in another field, and the field still holds what was put in.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from textual import events

from explorer.tui.app import ExplorerApp
from tests.hardening import corpus, tally
from tests.hardening.corpus import Case
from tests.tui_support import SIZE, app_for, send_and_wait, stage

WIDE = 40_000  # render stages this wide so a long value is one searchable line
PLACES = ("canonical", "digest", "jwt", "header", "key-status", "target-hint", "decrypted", "send", "notice")


class EnvelopeServer:
    """A loopback Open API that answers every request with the envelope set last."""

    def __init__(self) -> None:
        self.body = b"{}"
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(owner.body)))
                self.end_headers()
                with contextlib.suppress(OSError):
                    self.wfile.write(owner.body)

            do_GET = do_POST = _answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer_user_data(self, user_data: str) -> None:
        envelope = {"code": "000000", "message": "success", "data": {"openId": "o1", "userData": user_data}}
        self.body = json.dumps(envelope).encode()

    @contextlib.contextmanager
    def running(self) -> Iterator[EnvelopeServer]:
        thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()
            thread.join(2)


@pytest.fixture(scope="module")
def envelope_server() -> Iterator[EnvelopeServer]:
    with EnvelopeServer().running() as server:
        yield server


def _hint(app: ExplorerApp, hint_id: str) -> str:
    return str(app.query_one(f"#{hint_id}").render())


def place_text(app: ExplorerApp, place: str) -> str:
    """The text at one place on screen, where a user reads the outcome of what they put in."""
    if place in ("canonical", "digest", "jwt", "header"):
        return stage(app, place).plain_text(width=WIDE)
    if place == "key-status":
        return _hint(app, "private-key-status")
    if place == "target-hint":
        return _hint(app, "target-hint")
    if place in ("decrypted", "send"):
        pane = "decrypted" if place == "decrypted" else "raw"
        return app.query_one(f"#response-{pane}").plain_text(width=2000)  # type: ignore[attr-defined]
    if place == "notice":
        return "\n".join(str(notification.message) for notification in app._notifications)
    raise KeyError(place)


async def settle(app: ExplorerApp, pilot: Any) -> None:
    await pilot.pause()
    await pilot.pause()


async def put(app: ExplorerApp, pilot: Any, field_id: str, text: str) -> None:
    """Clear a field and paste `text` into it, as a terminal delivers a paste to the focused field."""
    widget = app.query_one(f"#{field_id}")
    widget.focus()
    app.form.set_value(field_id, "")  # handled before the paste: messages arrive in order
    if text:
        app.post_message(events.Paste(text))
    await settle(app, pilot)


def _text(value: corpus.Value) -> str:
    return value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else value


async def drive(app: ExplorerApp, pilot: Any, case: Case, files: dict[str, str], server: Any) -> tuple[str, str]:
    """Put the case's value in; return (field id, what the field must hold)."""
    value = case.build()
    if case.input == "private-key":
        if isinstance(value, bytes) or value.startswith("x" * 100):
            path = Path(files["folder"]) / f"{case.name}.key"
            path.write_bytes(value if isinstance(value, bytes) else value.encode())
            text = str(path)
        else:
            text = value
        await put(app, pilot, "private-key", text)
        held = case.kept(text) if case.kept else text
        return "private-key", held
    if case.input == "passphrase":
        await put(app, pilot, "private-key", files["encrypted"])
        await put(app, pilot, "passphrase", _text(value))
        return "passphrase", _text(value)
    if case.input == "user-data":
        server.answer_user_data(_text(value))
        await send_and_wait(app, pilot)
        return "", ""
    text = _text(value)
    await put(app, pilot, case.input, text)
    held = case.kept(value) if case.kept else text
    if any(shown.place == "send" for shown in case.tui):
        await send_and_wait(app, pilot)
    return case.input, held


async def still_responsive(app: ExplorerApp, pilot: Any, case: Case) -> str | None:
    """Edit another field and see the stages follow; None when they did."""
    # The other field goes back with the reset that follows every case.
    other, text, seen = ("path", "/still/responsive", "/still/responsive/")
    if case.input != "method":
        other, text, seen = ("method", "PATCH", "PATCH")
    app.form.set_value(other, text)
    await settle(app, pilot)
    ok = seen in stage(app, "canonical").plain_text(width=WIDE)
    return None if ok else "the stages did not follow an edit in another field"


async def check(app: ExplorerApp, pilot: Any, case: Case, files: dict[str, str], server: Any) -> list[str]:
    """Every failure of one case, as sentences (empty when it passed)."""
    problems: list[str] = []
    field_id, held = await drive(app, pilot, case, files, server)
    for shown in case.tui:
        text = place_text(app, shown.place)
        missing = [word for word in shown.words if word not in text]
        if missing:
            problems.append(f"{shown.place} lacks {missing!r}; it shows {text[:400]!r}")
    if app.return_code is not None or app._exception is not None or not app.is_running:
        problems.append(f"the app stopped ({app._exception!r})")
        return problems
    # Every place a message can land: the stages, the hints, both panes and the notifications.
    shown = "".join(place_text(app, place) for place in PLACES)
    if "Traceback" in shown or "Traceback" in str(app.screen.render()):
        problems.append("a traceback is on screen")
    if field_id and app.form.value(field_id) != held:
        got = app.form.value(field_id)
        problems.append(f"{field_id} holds {got[:80]!r} ({len(got)} chars), not {held[:80]!r} ({len(held)} chars)")
    responsive = await still_responsive(app, pilot, case)
    if responsive:
        problems.append(responsive)
    return problems


async def reset(app: ExplorerApp, pilot: Any, baseline: dict[str, str]) -> None:
    for field_id, value in baseline.items():
        if app.form.value(field_id) != value:
            app.form.set_value(field_id, value)
    # One pause: the next case's own settle waits for the rest of the recompute.
    await pilot.pause()
    app.clear_notifications()


FIELDS = ("target", "method", "path", "query", "body", "app-id", "access-key-id", "secret-key", "data-token")
FIELDS += ("ts", "private-key", "passphrase", "timeout")


@pytest.mark.parametrize("input_name", sorted({case.input for case in corpus.cases_for("TUI")}))
async def test_bad_input_in_the_explorer(
    input_name: str, key_files: dict[str, str], envelope_server: EnvelopeServer
) -> None:
    cases = corpus.cases_for("TUI", input_name)
    target = envelope_server.url if input_name == "user-data" else "http://127.0.0.1:9"
    app = app_for(target, private_key=key_files["good"])
    failures: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        baseline = {field_id: app.form.value(field_id) for field_id in FIELDS}
        for case in cases:
            problems = await check(app, pilot, case, key_files, envelope_server)
            if problems:
                failures.append(f"{case.name}: " + "; ".join(problems))
            else:
                tally.count("bad-input corpus", "TUI")
            await reset(app, pilot, baseline)
    assert not failures, "\n".join(failures)


def test_every_tui_case_names_its_words_and_its_place() -> None:
    for case in corpus.cases_for("TUI"):
        assert all(shown.place in PLACES and shown.words for shown in case.tui), case.name
    assert len(corpus.CASES) >= 80
