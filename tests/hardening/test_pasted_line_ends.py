"""A terminal's paste brings CR line ends; the body and the query box sign what they show.

Terminals send a paste's line breaks as CR (the byte the Enter key sends). The body box showed one
line and signed `{\\r"a":1\\r}`; the query box showed `page=1limit=20`. A paste's CR and CR LF
become LF (what Enter gives in these boxes), a notice says so, and the bytes hashed and sent are
the ones on screen: checked here on the payload hash and on the body a real loopback server got.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator

import pytest
from textual import events

from explorer.tui.fields import FieldTextArea
from tests.hardening import tally
from tests.tui_support import SIZE, app_for, send_and_wait


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[bytes]]]:
    """A loopback server that records each request body and answers a success envelope."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    bodies: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            bodies.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            answer = json.dumps({"code": "000000", "message": None, "data": {}, "success": True}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        do_GET = do_POST

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", bodies
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("paste", ['{\r"a":1\r}', '{\r\n"a":1\r\n}'], ids=["CR", "CR LF"])
async def test_a_pasted_body_is_signed_and_sent_as_shown(paste: str, recorder: tuple[str, list[bytes]]) -> None:
    url, bodies = recorder
    app = app_for(url, endpoint="SendPushMessage")
    async with app.run_test(size=SIZE) as pilot:
        app.form.set_value("body", "")
        await pilot.pause()
        body = app.query_one("#body", FieldTextArea)
        body.focus()
        body.post_message(events.Paste(paste))
        await pilot.pause()
        assert body.text == '{\n"a":1\n}'
        assert app.stages.payload_hash == sha256('{\n"a":1\n}')
        notices = [str(n.message) for n in app._notifications]
        assert any("CR became LF" in notice for notice in notices), notices
        await send_and_wait(app, pilot)
        assert bodies == [b'{\n"a":1\n}'], bodies
    tally.count("bad-input corpus", "TUI paste")


async def test_a_pasted_query_keeps_its_lines() -> None:
    app = app_for("http://127.0.0.1:9", endpoint="ListSKUs")
    async with app.run_test(size=SIZE) as pilot:
        app.form.set_value("query", "")
        await pilot.pause()
        query = app.query_one("#query", FieldTextArea)
        query.focus()
        query.post_message(events.Paste("page=1\rlimit=20"))
        await pilot.pause()
        assert query.text == "page=1\nlimit=20"
        assert app.stages.canonical_query == "limit=20&page=1"
    tally.count("bad-input corpus", "TUI paste")


async def test_a_cr_put_in_the_body_otherwise_is_drawn() -> None:
    """Not through a paste (a request file, a flag): the CR is kept and drawn as '␍'."""
    app = app_for("http://127.0.0.1:9", endpoint="SendPushMessage", body='{"a":1}\r')
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        body = app.query_one("#body", FieldTextArea)
        assert body.text == '{"a":1}\r'
        assert "␍" in body.get_line(0).plain
        assert app.stages.payload_hash == sha256('{"a":1}\r')
    tally.count("bad-input corpus", "TUI paste")
