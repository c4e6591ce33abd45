"""`mp-explorer` with no subcommand: flags, environment, help, and no Textual before the handler."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from explorer.commands import launch
from explorer.commands.errors import UsageError


def assert_fresh_import_leaves_out(statement: str, forbidden: tuple[str, ...]) -> None:
    """Run `statement` in a fresh interpreter; fail naming any forbidden top-level package it loaded."""
    code = (
        f"import sys; {statement}; "
        f"bad = [m for m in sys.modules if m.split('.')[0] in {forbidden!r}]; print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_launch_module_imports_no_textual_nor_httpx() -> None:
    assert_fresh_import_leaves_out(
        "import explorer.commands.launch as l; l.parser().parse_args([])", ("textual", "httpx", "uvicorn", "starlette")
    )


def test_app_module_defers_httpx_and_the_sandbox() -> None:
    assert_fresh_import_leaves_out("import explorer.tui.app", ("httpx", "uvicorn", "starlette"))


def test_help_has_examples_and_keys(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        launch.parser().parse_args(["--help"])
    out = capsys.readouterr().out
    assert "examples:" in out and "--base-url" in out and "ctrl+s send" in out


def test_no_flags_means_the_embedded_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MP_APP_ID", "MP_ACCESS_KEY_ID", "MP_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    settings = launch.settings_from_args(launch.parser().parse_args([]))
    assert settings.start_sandbox and settings.base_url is None
    assert settings.endpoint == "GetUserOpenId" and settings.ts is None
    assert settings.secret_key is None


def test_flags_and_environment_prefill(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MP_APP_ID", "app-from-env")
    monkeypatch.setenv("MP_ACCESS_KEY_ID", "ak-from-env")
    monkeypatch.setenv("MP_SECRET_KEY", "sk-from-env")
    sk_file = tmp_path / "sk.txt"
    sk_file.write_text("sk-from-file\n")
    args = launch.parser().parse_args(
        [
            "--base-url",
            "https://example.test",
            "--endpoint",
            "listskus",
            "--query",
            "page=2",
            "--query",
            "limit=5",
            "--ts",
            "1700000000",
            "--timeout",
            "2.5",
            "--secret-key-file",
            str(sk_file),
            "--method",
            "get",
            "--body",
            "{}",
        ]
    )
    settings = launch.settings_from_args(args)
    assert not settings.start_sandbox and settings.base_url == "https://example.test"
    assert settings.endpoint == "ListSKUs"
    assert settings.query == "page=2\nlimit=5"
    assert (settings.ts, settings.timeout, settings.method, settings.body) == (1700000000, 2.5, "get", "{}")
    assert (settings.app_id, settings.access_key_id) == ("app-from-env", "ak-from-env")
    assert settings.secret_key == "sk-from-file"
    assert "sk-from-file" not in repr(settings)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--endpoint", "Nope"], "--endpoint: unknown endpoint 'Nope'"),
        (["--base-url", "ftp://x"], "--base-url:"),
        (["--secret-key-file", "/nonexistent/sk"], "--secret-key-file:"),
        (["--secret-key-file", "/dev/zero"], "--secret-key-file: more than 64 MiB"),  # bounded, never hangs
    ],
)
def test_bad_flag_values_are_usage_errors(argv: list[str], message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("(", r"\(")):
        launch.settings_from_args(launch.parser().parse_args(argv))


async def test_flags_reach_the_form(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MP_EXPLORER_HOME", str(tmp_path))
    argv = ["--base-url", "http://127.0.0.1:9", "--app-id", "A1", "--access-key-id", "AK", "--secret-key", "S" * 32]
    argv += ["--endpoint", "GetUserPayId", "--query", "openId=u1", "--ts", "1700000000"]
    args = launch.parser().parse_args(argv)
    settings = launch.settings_from_args(args)
    settings.preload_client = False
    from explorer.tui.app import ExplorerApp

    app = ExplorerApp(settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.form.value("target") == "http://127.0.0.1:9"
        assert app.form.value("query") == "openId=u1"
        assert app.stages.signed.canonical_uri == "/mp-api/v1/apps/A1/users/"
        assert app.stages.ts == 1700000000 and app.ts_pinned
        assert app.stages.signature is not None


def test_clipboard_module_imports_no_textual() -> None:
    assert_fresh_import_leaves_out("import explorer.clipboard", ("textual", "httpx", "pyperclip"))


def test_model_and_renderers_import_no_textual() -> None:
    assert_fresh_import_leaves_out(
        "import explorer.tui.model, explorer.tui.render, explorer.tui.exchange_view, explorer.tui.settings,"
        " explorer.tui.sandbox_link, explorer.tui.private_key",
        ("textual", "httpx", "uvicorn"),
    )
