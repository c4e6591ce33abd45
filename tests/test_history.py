"""The send history: real exchanges recorded exactly, newest first, the caps, clearing, the command."""

from __future__ import annotations

import contextlib
import io
import json
import stat
from pathlib import Path

import pytest

from explorer.cli import main
from explorer.sandbox.runner import SandboxHandle
from explorer.workspace.history import History
from tests.sandbox_support import call, shared_sandbox


@pytest.fixture(scope="module")
def sandbox() -> SandboxHandle:
    return shared_sandbox()


def exchange(sandbox: SandboxHandle):
    minted = sandbox.mint_data_token()
    return call(sandbox, "GET", "/user-open-data", query=(("openData", minted["dataToken"]),))


def test_a_real_exchange_is_recorded_exactly(tmp_path: Path, sandbox: SandboxHandle) -> None:
    history = History(tmp_path / "h.sqlite3")
    sent = exchange(sandbox)
    assert sent.code == "000000"
    entry_id = history.record_exchange(sent, endpoint="GetUserOpenId", form={"app_id": sandbox.app_id})
    entry = history.get(entry_id)
    assert entry is not None
    assert (entry.method, entry.url, entry.body) == (sent.request.method, sent.request.url, sent.request.body)
    assert entry.token == sent.request.header("X-Mp-Open-Api-Token")
    assert (entry.status, entry.code, entry.endpoint) == (200, "000000", "GetUserOpenId")
    assert entry.response == sent.body and not entry.response_truncated
    assert entry.elapsed == pytest.approx(sent.elapsed)
    assert entry.form == {"app_id": sandbox.app_id}
    assert stat.S_IMODE((tmp_path / "h.sqlite3").stat().st_mode) == 0o600


def test_newest_first_and_the_row_cap(tmp_path: Path, sandbox: SandboxHandle) -> None:
    history = History(tmp_path / "h.sqlite3", max_rows=5)
    ids = [history.record_exchange(exchange(sandbox)) for _ in range(8)]
    assert [entry.id for entry in history.entries()] == ids[::-1][:5]
    assert history.stats()[0] == 5


def test_the_byte_cap_holds_and_the_file_stays_small(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    history = History(path, max_bytes=200_000, max_response_bytes=50_000)
    for index in range(300):
        history.record(
            method="POST",
            url=f"http://127.0.0.1/x/{index}",
            headers=[("X-Mp-Open-Api-Token", f"a.b.{index}")],
            body=bytes([index % 256]) * 20_000,
            status=200,
            code="000000",
            message=None,
            error=None,
            elapsed=0.01,
            response=b"r" * 80_000,
        )
    rows, total = history.stats()
    assert total <= 200_000 and 1 <= rows <= 3
    newest = history.entries(1)[0]
    assert newest.url.endswith("/299") and newest.response_truncated and len(newest.response) == 50_000
    # Deleted rows free their pages for the next ones: 300 rows of 70 KB did not pile up in the file.
    assert path.stat().st_size < 2 * 200_000 + 64 * 1024


def test_clear_leaves_no_token_in_the_file(tmp_path: Path, sandbox: SandboxHandle) -> None:
    path = tmp_path / "h.sqlite3"
    history = History(path)
    sent = exchange(sandbox)
    history.record_exchange(sent)
    token = sent.request.header("X-Mp-Open-Api-Token")
    assert token is not None and token.encode() in path.read_bytes()
    assert history.clear() == 1
    assert history.entries() == []
    assert token.encode() not in path.read_bytes()


def test_an_unusable_history_path_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    from explorer.workspace.history import HistoryError

    with pytest.raises(HistoryError, match="cannot open it"):
        History(tmp_path / "file" / "h.sqlite3").record(
            method="GET", url="u", headers=[], body=b"", status=None, code=None, message=None, error="e",
            elapsed=None, response=b"",
        )  # fmt: skip


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["history", *argv])
    return code, out.getvalue(), err.getvalue()


def test_the_history_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MP_EXPLORER_HOME", str(tmp_path))
    assert run_cli()[1].startswith("no sends recorded")
    history = History()
    assert history.path == tmp_path / "history.sqlite3"
    entry_id = history.record(
        method="GET",
        url="http://127.0.0.1:1/mp-api/v1/apps/a/users?openId=\x1b[31mred",
        headers=[("X-Mp-Open-Api-Token", "h.p.s")],
        body=b"",
        status=400,
        code="900001",
        message="invalid parameter: \x07bell",
        error=None,
        elapsed=0.012,
        response=b'{"code":"900001"}\n\x1b[2J',
    )
    code, listing, _ = run_cli()
    assert code == 0 and f"{entry_id:>5}" in listing and "400 900001" in listing
    assert "\x1b" not in listing and "\\x1b[31mred" in listing
    code, shown, _ = run_cli("--show", str(entry_id))
    assert code == 0 and "X-Mp-Open-Api-Token: h.p.s" in shown and "\\x07bell" in shown
    assert "\x1b" not in shown and "\x07" not in shown
    assert json.loads(run_cli("--json")[1])[0]["id"] == entry_id
    assert run_cli("--show", "999")[0] == 1
    assert run_cli("--show", "x")[0] == 2
    assert run_cli("--limit", "0")[0] == 2
    code, cleared, _ = run_cli("--clear")
    assert (code, cleared.split(" (")[0]) == (0, "history cleared: 1 send deleted")
    assert History().entries() == []


def test_a_damaged_file_is_an_error_and_clear_removes_it(tmp_path: Path) -> None:
    from explorer.workspace.history import HistoryError

    path = tmp_path / "h.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(HistoryError, match=r"h\.sqlite3"):
        History(path).entries()
    assert History(path).clear() == 0
    assert not path.exists()
    assert History(path).entries() == []


def test_show_as_json_escapes_what_a_terminal_obeys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `--show N --json` keeps non-ASCII text readable, so C1 controls, bidi marks and lone
    # surrogates from a server must be written as \u escapes, not as themselves.
    monkeypatch.setenv("MP_EXPLORER_HOME", str(tmp_path))
    hostile = "caf\u00e9 \u009b31m \u202egnp.exe \x7f"
    entry_id = History().record(
        method="GET",
        url="http://127.0.0.1:1/x",
        headers=[],
        body=b"",
        status=200,
        code="000000",
        message=hostile,
        error=None,
        elapsed=0.01,
        response=hostile.encode("utf-8") + b" \xed\xa0\x80",
    )
    code, shown, _ = run_cli("--show", str(entry_id), "--json")
    assert code == 0
    for raw in ("\u009b", "\u202e", "\x7f"):
        assert raw not in shown
    assert "café" in shown  # readable text stays readable
    full = json.loads(shown)
    assert hostile in full["response"]
