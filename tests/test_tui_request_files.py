"""Request files in the explorer: the form <-> file functions, and the save and open screens in Pilot."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from textual.app import App

from explorer.tui.history_screen import HistoryScreen, summary_line
from explorer.tui.model import FormState
from explorer.tui.request_files_screen import OpenRequestScreen, SaveRequestScreen
from explorer.tui.request_io import form_fill, history_fill, saved_from_form
from explorer.workspace import request_file
from explorer.workspace.history import History
from explorer.workspace.request_file import SavedRequest

SANDBOX_URL = "http://127.0.0.1:41234"
STATE = FormState(
    target=SANDBOX_URL,
    endpoint="GetUserOpenId",
    method="GET",
    path="/mp-api/v1/apps/{appId}/user-open-data",
    query="openData={dataToken}",
    body="",
    app_id="app1",
    access_key_id="ak1",
    secret_key="the-secret-key-value-1234567890ab",
    data_token="dt_1",
    private_key="-----BEGIN PRIVATE KEY-----\nMIIE...",
    passphrase="the-passphrase",
    ts="1700000000",
    timeout="7.5",
)


def test_saving_the_form_writes_references_not_secrets() -> None:
    result = saved_from_form(STATE, ts_pinned=True, sandbox_url=SANDBOX_URL)
    saved = result.request
    assert (saved.target, saved.ts, saved.timeout) == ("sandbox", 1700000000, "7.5")
    assert (saved.secret_key_ref, saved.passphrase_ref, saved.private_key) == (
        "${MP_SECRET_KEY}",
        "${MP_PRIVATE_KEY_PASSPHRASE}",
        "",
    )
    assert any("pasted private key is not saved" in note for note in result.notes)
    text = request_file.render(saved)
    for secret in (STATE.secret_key, STATE.passphrase, "MIIE"):
        assert secret not in text


def test_a_real_target_and_a_clock_ts_and_a_kept_reference() -> None:
    state = FormState(target="https://dip-cb.binanceapi.com", endpoint=None, private_key="~/k.pem", ts="17")
    previous = SavedRequest(secret_key_ref="${PROD_SK}")
    saved = saved_from_form(state, ts_pinned=False, sandbox_url=SANDBOX_URL, previous=previous).request
    assert (saved.target, saved.ts, saved.private_key, saved.endpoint) == (
        "https://dip-cb.binanceapi.com",
        None,
        "~/k.pem",
        None,
    )
    assert saved.secret_key_ref == "${PROD_SK}"


def test_opening_resolves_references_and_names_the_unset_ones() -> None:
    saved = saved_from_form(STATE, ts_pinned=True, sandbox_url=SANDBOX_URL).request
    fill = form_fill(saved, {"MP_SECRET_KEY": "sk-from-env"}.get, sandbox_url="http://127.0.0.1:5555")
    assert fill.values["secret-key"] == "sk-from-env"
    assert "passphrase" not in fill.values  # unset: the field keeps what it holds
    assert fill.problems == ("passphrase: MP_PRIVATE_KEY_PASSPHRASE is not set (in an env file or the environment)",)
    assert (fill.values["target"], fill.values["ts"], fill.ts, fill.endpoint) == (
        "http://127.0.0.1:5555",
        "1700000000",
        1700000000,
        "GetUserOpenId",
    )
    no_sandbox = form_fill(saved, {}.get, sandbox_url=None)
    assert "target" not in no_sandbox.values
    assert any("embedded sandbox, which is not running" in p for p in no_sandbox.problems)


def test_a_multipart_form_saves_its_file_not_its_summary() -> None:
    state = FormState(endpoint="UploadFile", method="POST", body="(multipart summary)", file="/tmp/cover.png")
    saved = saved_from_form(state, ts_pinned=False, sandbox_url=None).request
    assert (saved.body, saved.file) == (b"", "/tmp/cover.png")


class Host(App[None]):
    """A bare app to push the screens onto."""

    def __init__(self) -> None:
        super().__init__()
        self.results: list[Any] = []


async def test_the_save_screen_writes_the_file_and_reports_errors_in_place(tmp_path: Path) -> None:
    saved = saved_from_form(STATE, ts_pinned=True, sandbox_url=SANDBOX_URL).request
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        (tmp_path / "a-file").write_text("x")
        app.push_screen(SaveRequestScreen(saved, tmp_path / "a-file" / "x.request.toml"), app.results.append)
        await pilot.pause()
        # A path under a file cannot be written: the error shows, the screen and the typed path stay.
        await pilot.press("enter")
        await pilot.pause()
        assert "cannot write it" in str(app.screen.query_one("#save-error").content)
        field = app.screen.query_one("#save-path")
        assert field.value.endswith("x.request.toml")  # type: ignore[attr-defined]
        field.value = str(tmp_path / "mine")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [tmp_path / "mine.request.toml"]
    assert request_file.load(tmp_path / "mine.request.toml") == saved


async def test_the_open_screen_lists_a_folder_and_picks_a_file(tmp_path: Path) -> None:
    for name in ("b", "a", "evil\x1b[2Jname"):
        request_file.save(SavedRequest(endpoint="ListSKUs"), tmp_path / f"{name}.request.toml")
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(OpenRequestScreen(tmp_path), app.results.append)
        await pilot.pause()
        options = app.screen.query_one("#open-list")
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]  # type: ignore[attr-defined]
        assert shown[:2] == ["a.request.toml", "b.request.toml"]
        assert "\x1b" not in shown[2] and "\\x1b[2J" in shown[2]
        await pilot.press("down", "enter")
        await pilot.pause()
    assert app.results == [tmp_path / "b.request.toml"]


async def test_the_open_screen_says_when_a_folder_has_none_and_escape_cancels(tmp_path: Path) -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(OpenRequestScreen(tmp_path / "missing"), app.results.append)
        await pilot.pause()
        assert "no *.request.toml files" in str(app.screen.query_one("#open-error").content)
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


async def test_a_folder_as_the_save_path_gets_the_default_name(tmp_path: Path) -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(SaveRequestScreen(SavedRequest(endpoint="ListSKUs"), tmp_path), app.results.append)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [tmp_path / "listskus.request.toml"]


# --- the history view --------------------------------------------------------------------------


def record(history: History, index: int, **extra: Any) -> int:
    values: dict[str, Any] = {
        "method": "POST",
        "url": f"http://127.0.0.1:1/mp-api/v1/apps/a/skus?n={index}",
        "headers": [("X-Mp-Open-Api-Token", f"h.p.{index}"), ("Content-Type", "application/json")],
        "body": b'{"skuId": "s%d"}' % index,
        "status": 200,
        "code": "000000",
        "message": None,
        "error": None,
        "elapsed": 0.02,
        "response": b'{"code":"000000","data":{}}',
        "endpoint": "CreateSKUInAudit",
        "form": {"target": "sandbox", "app_id": "a", "timeout": "9", "ts": 1700000000 + index},
    }
    values.update(extra)
    return history.record(**values)


async def test_the_history_view_lists_newest_first_shows_one_and_loads_it(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3")
    first = record(history, 1)
    second = record(history, 2, message="bad \x1b[31m news", code="900001", status=400)
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(HistoryScreen(history), app.results.append)
        await pilot.pause()
        options = app.screen.query_one("#history-list")
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]  # type: ignore[attr-defined]
        assert prompts[0].lstrip().startswith(str(second)) and prompts[1].lstrip().startswith(str(first))
        detail = str(app.screen.query_one("#history-detail").content)
        assert "X-Mp-Open-Api-Token: h.p.2" in detail and "\x1b" not in detail and "\\x1b[31m" in detail
        await pilot.press("down")
        await pilot.pause()
        assert "h.p.1" in str(app.screen.query_one("#history-detail").content)
        await pilot.press("enter")
        await pilot.pause()
    [loaded] = app.results
    assert loaded.id == first and loaded.body == b'{"skuId": "s1"}'


async def test_the_history_title_counts_in_words(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3")
    record(history, 1)
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(HistoryScreen(history), app.results.append)
        await pilot.pause()
        assert str(app.screen.query_one("#history-list").border_title).startswith("history · 1 send, newest first")


async def test_at_80_columns_the_history_shows_its_title_and_one_line_a_send(tmp_path: Path) -> None:
    # The compact OptionList had `border: none !important`: the title (how many sends, what enter
    # does) never showed; and each row wrapped onto two lines, the path on its own.
    history = History(tmp_path / "h.sqlite3")
    for index in (1, 2, 3):
        record(history, index, url=f"http://127.0.0.1:1/mp-api/v1/apps/{'a' * 40}/user-open-data?openData={index}")
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(HistoryScreen(history), app.results.append)
        await pilot.pause()
        options = app.screen.query_one("#history-list")
        assert options.styles.border_top[0] not in ("", "none", "hidden")
        assert options.region.height > 0 and options.virtual_size.height == 3  # one line a send
        first = options.render_line(0).text  # type: ignore[attr-defined]
        assert "200 000000" in first and first.rstrip().endswith("…")


async def test_an_empty_history_says_so(tmp_path: Path) -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(HistoryScreen(History(tmp_path / "none.sqlite3")), app.results.append)
        await pilot.pause()
        assert "no sends recorded yet" in str(app.screen.query_one("#history-detail").content)
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


def test_history_fill_reproduces_the_wire_values(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3")
    token = "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJhazEiLCJkaWciOiJ4IiwidHMiOjE3MDAwMDAwMDV9.sig"
    entry_id = record(
        history, 5, url="http://127.0.0.1:1/mp-api/v1/apps/a/users?openId=a%20b&x=1",
        headers=[("X-Mp-Open-Api-Token", token)],
    )  # fmt: skip
    entry = history.get(entry_id)
    assert entry is not None
    fill = history_fill(entry, sandbox_url="http://127.0.0.1:9999")
    assert fill.values["path"] == "/mp-api/v1/apps/a/users"
    assert fill.values["query"] == "openId=a%20b&x=1"
    assert (fill.values["access-key-id"], fill.values["ts"], fill.ts) == ("ak1", "1700000005", 1700000005)
    assert (fill.values["target"], fill.values["body"], fill.endpoint) == (
        "http://127.0.0.1:9999",
        '{"skuId": "s5"}',
        "CreateSKUInAudit",
    )
    assert "secret-key" not in fill.values


async def test_the_save_screens_prompt_is_shown_whole_at_80_columns(tmp_path: Path) -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(SaveRequestScreen(SavedRequest(endpoint="ListSKUs"), tmp_path), app.results.append)
        await pilot.pause()
        box = app.screen.query_one("SaveRequestScreen > Vertical")
        label = app.screen.query_one("SaveRequestScreen Label")
        # Wider than its box, the prompt's end was clipped: it must wrap inside the box instead.
        assert box.content_region.contains_region(label.region)
        shown = " ".join(strip.text.strip() for strip in label.render_lines(label.content_region.reset_offset))
        assert " ".join(str(label.content).split()) == " ".join(shown.split())


def test_a_history_row_marks_a_cut_path(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3")
    long_query = "openData=" + "d" * 80
    record(history, 1, url=f"http://127.0.0.1:1/mp-api/v1/apps/a/user-open-data?{long_query}")
    record(history, 2)
    cut, whole = sorted(history.entries(), key=lambda entry: entry.id)
    row = summary_line(cut)
    assert "/mp-api/v1/apps/a/user-open-data?openData=ddd" in row and row.endswith("d…") and long_query not in row
    assert summary_line(whole).endswith("200 000000   20 ms  /mp-api/v1/apps/a/skus?n=2")
    assert "…" not in summary_line(whole)


async def test_saving_over_another_file_asks_once(tmp_path: Path) -> None:
    other = tmp_path / "other.request.toml"
    other.write_text("the user's own file\n")
    request = SavedRequest(endpoint="ListSKUs")
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(SaveRequestScreen(request, other), app.results.append)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert "exists: enter again replaces it" in str(app.screen.query_one("#save-error").content)
        assert other.read_text() == "the user's own file\n"
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [other]
    assert request_file.load(other) == request

    # The file the request was opened from is saved over without a question.
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(SaveRequestScreen(request, other, replaces=other), app.results.append)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [other]


def test_a_sandbox_request_opens_without_a_secret_key_warning_while_the_sandbox_runs() -> None:
    # The form keeps the embedded sandbox's key, which is what signs a sandbox request: an unset
    # MP_SECRET_KEY is no problem there, but still is for a real target or a stopped sandbox.
    state = replace(STATE, passphrase="")
    saved = saved_from_form(state, ts_pinned=False, sandbox_url=SANDBOX_URL).request
    assert saved.target == "sandbox" and saved.secret_key_ref == "${MP_SECRET_KEY}"
    running = form_fill(saved, {}.get, sandbox_url="http://127.0.0.1:5555")
    assert running.problems == () and "secret-key" not in running.values
    stopped = form_fill(saved, {}.get, sandbox_url=None)
    assert any(p.startswith("secret key: MP_SECRET_KEY is not set") for p in stopped.problems)
    real = form_fill(
        replace(saved, target="https://dip-cb.binanceapi.com"), {}.get, sandbox_url="http://127.0.0.1:5555"
    )
    assert real.problems == ("secret key: MP_SECRET_KEY is not set (in an env file or the environment)",)
