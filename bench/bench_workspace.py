"""What the workspace features cost: the fault layer with no fault set, recording a send, a request file.

    .venv/bin/python bench/bench_workspace.py [--quick]

- **fault layer, none set**: one signed GetUserPayId call through the sandbox's ASGI app as built
  (faults layer included) against the same app with the faults layer taken out, in process (the
  ASGI callable driven directly, no socket), interleaved. The goal: no measurable cost (ratio ≤ 1.05).
- **history record**: History.record of a typical send (1 KiB response) into a history of 1,000 rows,
  against the send itself (explorer.client.send to a loopback sandbox). Recording runs off the UI
  thread; listed for information.
- **request file**: render + save + load + parse of a SendPushMessage request file, against
  json.dumps + write + read + json.loads of the same fields; listed for information.
Figures are medians of interleaved samples.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import tempfile
import time
from pathlib import Path

from common import Row, interleave, report

from explorer import signing
from explorer.sandbox.app import build_app
from explorer.sandbox.fault_middleware import FaultMiddleware
from explorer.sandbox.runner import start_background
from explorer.workspace import request_file
from explorer.workspace.history import History
from tests.sandbox_support import call


def _asgi_call(app: object, scope: dict, loop: asyncio.AbstractEventLoop) -> float:
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    started = time.perf_counter()
    loop.run_until_complete(app(scope, receive, send))  # type: ignore[operator]
    elapsed = time.perf_counter() - started
    assert sent[0]["status"] == 200, sent
    return elapsed * 1e6


def _without_fault_layer(app: object) -> object:
    """The same chain of ASGI layers with the FaultMiddleware taken out (the layers above it copied)."""
    outer = copy.copy(app)
    node = outer
    while not isinstance(node.app, FaultMiddleware):  # type: ignore[attr-defined]
        node.app = copy.copy(node.app)  # type: ignore[attr-defined]
        node = node.app  # type: ignore[attr-defined]
    node.app = node.app.app  # type: ignore[attr-defined]
    return outer


def fault_layer(runs: int) -> Row:
    home = Path(tempfile.mkdtemp(prefix="mpx-bench-"))
    handle = start_background(data_dir=home)
    try:
        state = handle.state
        with_faults = build_app(state)
        without = _without_fault_layer(with_faults)
        open_id = state.user_for(state.require_app(handle.app_id), None).open_id
        path = f"/mp-api/v1/apps/{handle.app_id}/users"
        query = f"openId={open_id}"
        loop = asyncio.new_event_loop()

        def scope() -> dict:
            token = signing.sign(
                method="GET",
                path=path,
                query=[("openId", open_id)],
                access_key_id=handle.access_key_id,
                secret_key=handle.secret_key,
            )
            return {
                "type": "http",
                "method": "GET",
                "path": path,
                "raw_path": path.encode(),
                "query_string": query.encode(),
                "headers": [(b"x-mp-open-api-token", token.token.encode())],
                "client": ("127.0.0.1", 1),
                "server": ("127.0.0.1", 2),
                "scheme": "http",
                "http_version": "1.1",
                "root_path": "",
            }

        samples = interleave(
            {
                "with": lambda: _asgi_call(with_faults, scope(), loop),
                "without": lambda: _asgi_call(without, scope(), loop),
            },
            runs,
        )
        loop.close()
    finally:
        handle.stop()
    return Row(
        "sandbox call, no fault set",
        "with the faults layer",
        "without it",
        "µs",
        samples["with"],
        samples["without"],
        limit=1.05,
        note="signing the request included in both",
    )


def history_record(runs: int) -> Row:
    home = Path(tempfile.mkdtemp(prefix="mpx-bench-"))
    handle = start_background(data_dir=home)
    try:
        history = History(home / "history.sqlite3")
        open_id = handle.state.user_for(handle.state.require_app(handle.app_id), None).open_id
        exchange = call(handle, "GET", "/users", query=(("openId", open_id),))
        for _ in range(1000):
            history.record_exchange(exchange)

        def record() -> float:
            started = time.perf_counter()
            history.record_exchange(exchange)
            return (time.perf_counter() - started) * 1000

        def send() -> float:
            started = time.perf_counter()
            call(handle, "GET", "/users", query=(("openId", open_id),))
            return (time.perf_counter() - started) * 1000

        samples = interleave({"record": record, "send": send}, runs)
    finally:
        handle.stop()
    return Row(
        "record one send (1,000 rows kept)",
        "History.record",
        "the send itself",
        "ms",
        samples["record"],
        samples["send"],
        note=f"history file {history.path.stat().st_size // 1024} KiB",
    )


def request_files(runs: int) -> Row:
    folder = Path(tempfile.mkdtemp(prefix="mpx-bench-"))
    saved = request_file.SavedRequest(
        endpoint="SendPushMessage",
        method="POST",
        path="/mp-api/v1/apps/{appId}/message/send",
        body=b'{\n  "pushToken": "{pushToken}",\n  "templateId": "tpl_1",\n  "language": "en"\n}',
        secret_key_ref="${MP_SECRET_KEY}",
    )

    def ours() -> float:
        started = time.perf_counter()
        request_file.save(saved, folder / "a.request.toml")
        assert request_file.load(folder / "a.request.toml") == saved
        return (time.perf_counter() - started) * 1e6

    def plain_json() -> float:
        started = time.perf_counter()
        fields = {**saved.__dict__, "body": saved.body.decode()}
        (folder / "a.json").write_text(json.dumps(fields))
        json.loads((folder / "a.json").read_text())
        return (time.perf_counter() - started) * 1e6

    samples = interleave({"ours": ours, "json": plain_json}, runs)
    return Row(
        "request file save + open",
        "TOML (atomic write)",
        "plain json",
        "µs",
        samples["ours"],
        samples["json"],
    )


def measure(quick: bool = False) -> list[Row]:
    return [
        fault_layer(300 if quick else 2000),
        history_record(30 if quick else 200),
        request_files(50 if quick else 300),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    report(measure(parser.parse_args().quick))


if __name__ == "__main__":
    main()
