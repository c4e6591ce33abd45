"""The headless core and the headless commands never load the UI or the network stack.

Checked in a fresh interpreter each time: a static import graph cannot see an import hidden
inside a function, and this process has long since imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import load_vectors

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("textual", "httpx", "starlette", "uvicorn")
VECTOR = load_vectors()["decryption"][0]


def _loaded_after(code: str, tmp_path: Path | None = None) -> dict:
    """Run `code` in a fresh interpreter; return which HEAVY packages ended up in sys.modules."""
    probe = f"""
import contextlib, io, json, sys
{code}
print(json.dumps({{name: name in sys.modules for name in {HEAVY!r}}}))
"""
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "module",
    [
        "explorer.signing",
        "explorer.signing.stage_results",
        "explorer.exchange",
        "explorer.crypto",
        "explorer.endpoints",
        "explorer.environment",
        "explorer.request",
        "explorer.export",
        "explorer.doctor",
        "explorer.multipart",
        "explorer.known_values",
        "explorer.plurals",
        "explorer.export.python",
        "explorer.export.node",
        "explorer.export.go",
        "explorer.export.java",
        "explorer.export.php",
        "explorer.safe_text",
    ],
)
def test_core_module_imports_nothing_heavy(module: str) -> None:
    loaded = _loaded_after(f"import {module}")
    assert not any(loaded.values()), f"{module} pulled in {[k for k, v in loaded.items() if v]}"


def _run_main(argv: list[str]) -> str:
    # Output is swallowed; the exit code must be a clean one (not a crash).
    return f"""
from explorer.cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    code = main({argv!r})
assert code in (0, 1), code
"""


SIGN = ["--path", "/mp-api/v1/apps/x/user-open-data", "--query", "openData=abc", "--ts", "1700000000"]
KEYS = ["--access-key-id", "ak", "--secret-key", "sk"]


@pytest.mark.parametrize(
    "argv",
    [
        ["sign", *SIGN, *KEYS],
        ["sign", *SIGN, *KEYS, "--curl"],
        ["sign", *SIGN, *KEYS, "--json"],
        ["verify", "a.b.c", *SIGN[:4], "--secret-key", "sk"],
        ["doctor", "--curl", "curl https://h/mp-api/v1/apps/x/skus -H 'X-Mp-Open-Api-Token: a.b.c'", "--json"],
        ["sign", *SIGN[:4], "--code", "python"],
        ["sign", *SIGN, *KEYS, "--code", "httpie"],
    ],
    ids=["sign", "sign-curl", "sign-json", "verify", "doctor", "sign-code-program", "sign-code-httpie"],
)
def test_sign_and_verify_commands_stay_headless(argv: list[str]) -> None:
    loaded = _loaded_after(_run_main(argv))
    assert not any(loaded.values()), loaded


def test_decrypt_and_keygen_commands_stay_headless(tmp_path: Path) -> None:
    key = tmp_path / "key.pem"
    key.write_text(VECTOR["private_key_pem"])
    decrypt = _run_main(["decrypt", VECTOR["ciphertext"], "--private-key", str(key)])
    assert not any(_loaded_after(decrypt).values())
    keygen = _run_main(["keygen", "--out", str(tmp_path / "keys"), "--bits", "1024"])
    assert not any(_loaded_after(keygen).values())
    assert (tmp_path / "keys" / "private_key.pem").exists()


def test_help_does_not_load_cryptography() -> None:
    code = """
from explorer.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main(["decrypt", "--help"])
    except SystemExit:
        pass
assert "cryptography" not in sys.modules
"""
    assert not any(_loaded_after(code).values())


def test_sandbox_command_and_server_never_load_textual() -> None:
    # The sandbox is headless too: it needs Starlette and uvicorn, never the explorer's UI.
    code = """
import explorer.commands.sandbox, explorer.sandbox.app, explorer.sandbox.runner
from explorer.cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    try:
        main(["sandbox", "--help"])
    except SystemExit:
        pass
"""
    loaded = _loaded_after(code)
    assert loaded["textual"] is False, loaded
    assert loaded["starlette"] and loaded["uvicorn"], "the probe did not load the sandbox at all"


def test_launch_flags_parse_without_textual() -> None:
    # `mp-explorer --help` and flag errors answer before the UI loads.
    code = """
from explorer.commands import launch
launch.parser().parse_args(["--ts", "1700000000", "--endpoint", "GetUserOpenId"])
"""
    assert _loaded_after(code)["textual"] is False


@pytest.mark.parametrize(
    "module",
    [
        "explorer.workspace.env_files",
        "explorer.workspace.request_file",
        "explorer.workspace.history",
        "explorer.workspace.capped_read",
    ],
)
def test_workspace_modules_import_nothing_heavy(module: str) -> None:
    # The headless commands (sign, sandbox, history) read env files and the history through these.
    loaded = _loaded_after(f"import {module}")
    assert not any(loaded.values()), f"{module} pulled in {[k for k, v in loaded.items() if v]}"


def test_history_command_stays_headless(tmp_path: Path) -> None:
    code = f"""
import os
os.environ["MP_EXPLORER_HOME"] = {str(tmp_path)!r}
{_run_main(["history"])}
"""
    assert not any(_loaded_after(code).values())


def test_explorer_start_leaves_what_keys_open_unloaded() -> None:
    # Cold start to the first frame pays for every module imported before it: the doctor, the
    # save/open dialogs (tomllib), the installed-version lookup (importlib.metadata) and the history's
    # SQLite and data directory load only when a key, a palette command, --version or a send asks.
    code = """
from explorer.commands import launch
args = launch.parser().parse_args(["--ts", "1700000000"])
launch.settings_from_args(args)
import explorer.tui.app
later = ["explorer.doctor", "explorer.tui.request_files_screen", "explorer.tui.history_screen",
         "explorer.tui.code_view", "explorer.tui.doctor_screen", "tomllib", "importlib.metadata",
         "sqlite3", "explorer.sandbox.demo", "explorer.exchange"]
loaded = [name for name in later if name in sys.modules]
assert not loaded, loaded
"""
    assert _loaded_after(code)["textual"] is True


def test_sign_token_leaves_what_it_does_not_print_unloaded() -> None:
    # `sign --token` is timed as a cold process (bench/bench_sign_cli.py): the escaping of error
    # messages (safe_text's patterns) loads when an error is printed, the --json writer for --json,
    # the calendar date (datetime) when a ts is shown with its date; typing is for type checkers only
    # on this path (`TYPE_CHECKING = False` blocks).
    code = f"""
from explorer.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.redirect_stderr(io.StringIO()):
    code = main({["sign", *SIGN, *KEYS, "--token"]!r})
assert code == 0 and out.getvalue().count(".") == 2, (code, out.getvalue())
later = ["explorer.safe_text", "explorer.commands.json_output", "datetime", "typing"]
loaded = [name for name in later if name in sys.modules]
assert not loaded, loaded
"""
    assert not any(_loaded_after(code).values())


def test_a_usage_error_still_shows_control_characters_escaped() -> None:
    # The escaping loads when the error is printed, not before: it must still happen.
    code = r"""
from explorer.cli import main
with contextlib.redirect_stderr(io.StringIO()) as err:
    code = main(["--request", "/nonexistent/saved\x1b]0;t\x07.request.toml"])
assert code == 2 and "\\x1b" in err.getvalue() and "\x1b" not in err.getvalue(), err.getvalue()
"""
    assert not any(_loaded_after(code).values())


def test_a_send_and_the_embedded_sandbox_leave_the_doctor_and_the_toml_reader_unloaded(tmp_path: Path) -> None:
    # Peak memory after a send is benchmarked (bench/bench_rss.py). The sandbox's 900002 diagnosis
    # loads the doctor on the first rejection, recording a send loads neither it (its escaping is for a
    # failed write) nor tomllib (read when a request file is opened).
    code = f"""
import os, types
os.environ["MP_EXPLORER_HOME"] = {str(tmp_path)!r}
import explorer.sandbox.app, explorer.sandbox.runner
from explorer.tui.workspace_actions import WorkspaceActions
from explorer.workspace.history import History
settings = types.SimpleNamespace(opened_request=None, opened_request_path=None, history=History(), env_lookup=None)
app = types.SimpleNamespace(settings=settings, sandbox_life=types.SimpleNamespace(handle=None))
wire = types.SimpleNamespace(method="GET", url="http://127.0.0.1:9/p", headers=[("a", "b")], body=b"")
exchange = types.SimpleNamespace(request=wire, error_kind=None, error=None, sent_headers=None, status=200,
                                 code="000000", message=None, elapsed=0.01, body=b"{{}}")
state = types.SimpleNamespace(target="http://127.0.0.1:9", app_id="app", timeout="10", file="")
actions = WorkspaceActions(app)
actions.record(exchange, endpoint="GetUserOpenId", state=state, ts=1700000000)
actions.flush()
assert [entry.url for entry in settings.history.entries()] == ["http://127.0.0.1:9/p"]
loaded = [name for name in ("explorer.doctor", "tomllib") if name in sys.modules]
assert not loaded, loaded
"""
    loaded = _loaded_after(code)
    assert loaded["starlette"] and not loaded["textual"], loaded


def test_showing_an_answer_leaves_pygments_unloaded() -> None:
    # The raw and decrypted panes colour JSON with explorer.tui.json_colours; rich's Syntax would load
    # pygments' lexers and styles (~1.4 MiB of the peak memory bench/bench_rss.py measures).
    code = """
import json, os
from rich.console import Console
from explorer.tui import exchange_view
from explorer.tui.json_colours import json_text
Console(file=open(os.devnull, "w")).print(json_text(json.dumps({"code": "000000", "data": [1, True]}, indent=2)))
assert "pygments" not in sys.modules and "rich.syntax" not in sys.modules, "pygments loaded"
"""
    assert _loaded_after(code)["httpx"] is False  # and the view stays off the network stack


def test_the_explorer_keeps_httpx_command_line_tool_unloaded() -> None:
    # httpx imports its `httpx` command (click, pygments, rich.syntax) when it can; the explorer's
    # process marks it absent first. This fails if httpx stops treating that import as optional.
    code = """
from explorer.commands import launch
launch.skip_httpx_command_line()
import httpx
import explorer.client
assert callable(httpx.Client) and callable(httpx.AsyncClient)
assert "pygments" not in sys.modules and "click" not in sys.modules, "httpx loaded its command line"
"""
    assert _loaded_after(code)["httpx"] is True


def test_launching_marks_httpx_command_line_absent_first(monkeypatch: pytest.MonkeyPatch) -> None:
    from explorer.commands import launch

    calls: list[str] = []
    monkeypatch.setattr(launch, "skip_httpx_command_line", lambda: calls.append("skipped"))
    monkeypatch.setattr(launch, "terminal_problem", lambda *args, **kwargs: "no terminal here")
    assert launch.run(launch.parser().parse_args([])) == 2
    assert calls == ["skipped"]
