"""`mp-explorer sandbox` as a user runs it: a real process, one JSON line, Ctrl+C, reused keys."""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from explorer import client, crypto, signing
from explorer.request import RequestSpec, wire_request
from explorer.sandbox.demo import load_or_create_demo_app

ROOT = Path(__file__).resolve().parent.parent
LINE_KEYS = {"base_url", "app_id", "access_key_id", "secret_key", "private_key_path", "public_key_path"}


def start(home: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "MP_EXPLORER_HOME": str(home), "PYTHONUNBUFFERED": "0"}
    return subprocess.Popen(
        [sys.executable, "-m", "explorer", "sandbox", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def first_line(process: subprocess.Popen, timeout: float = 20.0) -> dict:
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    if not ready:
        process.kill()
        raise AssertionError(f"no JSON line within {timeout} s; stderr: {process.communicate()[1]}")
    line = process.stdout.readline()
    assert line.endswith("\n"), (line, process.communicate()[1])
    return json.loads(line)


def stop(process: subprocess.Popen, sig: int = signal.SIGINT) -> tuple[int, str, str]:
    process.send_signal(sig)
    out, err = process.communicate(timeout=15)
    return process.returncode, out, err


def open_data(line: dict, data_token: str) -> client.Exchange:
    spec = RequestSpec(
        "GET",
        f"/mp-api/v1/apps/{line['app_id']}/user-open-data",
        (("openData", data_token),),
        access_key_id=line["access_key_id"],
        secret_key=line["secret_key"],
    )
    return client.send(wire_request(spec, spec.sign(), line["base_url"]))


def mint(line: dict, scope: str = "openid") -> dict:
    import httpx

    return httpx.post(f"{line['base_url']}/sandbox/v1/apps/{line['app_id']}/data-tokens", json={"scope": scope}).json()


def test_cli_serves_signs_decrypts_and_stops_on_sigint(tmp_path: Path) -> None:
    process = start(tmp_path, "--port", "0")
    try:
        line = first_line(process)
        assert set(line) == LINE_KEYS
        assert line["base_url"].startswith("http://127.0.0.1:")
        minted = mint(line)
        exchange = open_data(line, minted["dataToken"])
        assert exchange.code == "000000", exchange.envelope
        key = crypto.load_private_key(Path(line["private_key_path"]).read_bytes())
        assert crypto.decrypt_user_data(key, exchange.user_data) == minted["openId"]
    finally:
        code, rest, err = stop(process)
    assert code == 0, err
    assert rest == ""  # stdout carried exactly one line
    assert "Traceback" not in err
    assert "listening on" in err and "Ctrl+C" in err
    assert line["secret_key"] not in err and minted["dataToken"] not in err  # logs carry no secrets
    assert "/user-open-data -> 000000" in err

    private = Path(line["private_key_path"])
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert stat.S_IMODE((private.parent / "demo-app.json").stat().st_mode) == 0o600
    public_before = Path(line["public_key_path"]).read_bytes()

    again = start(tmp_path, "--port", "0")
    try:
        second = first_line(again)
    finally:
        code, _, err = stop(again, signal.SIGTERM)
    assert code == 0 and "Traceback" not in err
    assert Path(second["public_key_path"]).read_bytes() == public_before
    assert {k: second[k] for k in ("app_id", "access_key_id", "secret_key", "private_key_path")} == {
        k: line[k] for k in ("app_id", "access_key_id", "secret_key", "private_key_path")
    }


def test_demo_app_is_reused_and_private_files_are_0600(tmp_path: Path) -> None:
    first = load_or_create_demo_app(tmp_path)
    second = load_or_create_demo_app(tmp_path)
    assert first.created and not second.created
    assert (first.app_id, first.secret_key, first.private_key_pem) == (
        second.app_id,
        second.secret_key,
        second.private_key_pem,
    )
    assert stat.S_IMODE(first.private_key_path.stat().st_mode) == 0o600
    key = crypto.load_private_key(first.private_key_pem)
    assert crypto.public_key_pem(key) == first.public_key_pem


def test_non_loopback_host_warns(tmp_path: Path) -> None:
    process = start(tmp_path, "--host", "0.0.0.0", "--port", "0")
    try:
        line = first_line(process)
        assert line["base_url"].startswith("http://127.0.0.1:")
    finally:
        code, _, err = stop(process, signal.SIGTERM)
    assert code == 0
    assert "warning" in err.lower() and "0.0.0.0" in err


def test_port_in_use_is_one_clear_line_and_exit_1(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = start(tmp_path, "--port", str(port))
        out, err = process.communicate(timeout=20)
    assert process.returncode == 1
    assert out == ""
    assert f"port {port}" in err and "in use" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--app-id", "a1", "--secret-key", "s"], ["--access-key-id", "--public-key"]),
        (["--ts-window", "-3"], ["--ts-window"]),
        (["--port", "70000"], ["--port"]),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], words: list[str]) -> None:
    process = start(tmp_path, *args)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 2 and out == ""
    for word in words:
        assert word in err


def test_user_supplied_app(tmp_path: Path) -> None:
    key = crypto.generate_private_key(2048)
    public = tmp_path / "mine.pub.pem"
    public.write_bytes(crypto.public_key_pem(key))
    process = start(
        tmp_path / "home",
        "--port", "0",
        "--app-id", "my_app",
        "--access-key-id", "my_ak",
        "--secret-key", "my-secret-key-of-reasonable-length-0123",
        "--public-key", str(public),
        "--ts-window", "60",
    )  # fmt: skip
    try:
        line = first_line(process)
        assert line["app_id"] == "my_app" and line["access_key_id"] == "my_ak"
        assert line["private_key_path"] is None and line["public_key_path"] is None
        assert line["secret_key"] is None  # the caller's own secret key is never echoed
        line["secret_key"] = "my-secret-key-of-reasonable-length-0123"
        minted = mint(line, "email")
        exchange = open_data(line, minted["dataToken"])
        assert crypto.decrypt_user_data(key, exchange.user_data).endswith("@example.com")
        # The window given on the command line is the one the sandbox reports.
        spec = RequestSpec("GET", "/mp-api/v1/apps/my_app/skus", access_key_id="my_ak", secret_key=line["secret_key"])
        stale = spec.__class__(**{**spec.__dict__, "ts": signing.now_ts() - 100})
        rejected = client.send(wire_request(stale, stale.sign(), line["base_url"]))
        assert rejected.sandbox["reason"] == "ts_too_old" and rejected.sandbox["ts_window"] == 60
    finally:
        code, _, err = stop(process)
    assert code == 0 and "Traceback" not in err
    assert not (tmp_path / "home" / "sandbox").exists()  # no demo keys made for a user's app


def test_sandbox_never_imports_textual() -> None:
    code = (
        "import sys, explorer.sandbox.runner, explorer.commands.sandbox; "
        "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith(('textual.', 'explorer.tui'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_sigint_stops_it_even_when_started_as_a_background_job(tmp_path: Path) -> None:
    # A shell without job control starts `cmd &` with SIGINT ignored; the sandbox must still stop on it.
    env = {**os.environ, "MP_EXPLORER_HOME": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "explorer", "sandbox", "--port", "0", "--quiet"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    first_line(process)
    code, _, err = stop(process, signal.SIGINT)
    assert code == 0 and "sandbox stopped" in err and "Traceback" not in err, err
