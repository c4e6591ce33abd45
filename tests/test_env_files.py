"""Environment files: mp-explorer.env and --env FILE, and their precedence (flag > env file > environment)
for the explorer's launch settings, `sign` and `sandbox`.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from explorer import client, crypto
from explorer.cli import main
from explorer.commands import launch
from explorer.request import RequestSpec, wire_request
from explorer.workspace.env_files import EnvFileError, load_environment
from tests.test_sandbox_cli import first_line, stop

ROOT = Path(__file__).resolve().parent.parent
NAMES = ("MP_APP_ID", "MP_ACCESS_KEY_ID", "MP_SECRET_KEY", "MP_PRIVATE_KEY_PATH", "MP_BASE_URL", "MP_PUBLIC_KEY_PATH")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean working directory and no MP_* variables from the outer environment."""
    for name in (*NAMES, "MP_PRIVATE_KEY_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- the loader --------------------------------------------------------------------------------


def test_default_file_then_env_files_in_order_over_the_process(workdir: Path) -> None:
    (workdir / "mp-explorer.env").write_text("A=default\nB=default\nC=default\n")
    (workdir / "one.env").write_text("export B='one'\nC=one\n")
    (workdir / "two.env").write_text('C="two"  # a comment\n')
    env = load_environment(["one.env", "two.env"], process={"A": "process", "D": "process"})
    assert [env.get(name) for name in "ABCDE"] == ["default", "one", "two", "process", None]
    assert [env.source(name) for name in "ABCD"] == ["mp-explorer.env", "one.env", "two.env", "the environment"]
    assert env.files == ("mp-explorer.env", "one.env", "two.env")


def test_references_resolve_against_earlier_values_and_the_process(workdir: Path) -> None:
    (workdir / "a.env").write_text("ROOT=/keys\nKEY=${ROOT}/mp.pem\nHOME_KEY=${HOME}/x\nLITERAL='$notavar'\n")
    env = load_environment(["a.env"], process={"HOME": "/home/me"})
    assert (env.get("KEY"), env.get("HOME_KEY"), env.get("LITERAL")) == ("/keys/mp.pem", "/home/me/x", "$notavar")


def test_values_never_reach_os_environ(workdir: Path) -> None:
    (workdir / "mp-explorer.env").write_text("MP_SECRET_KEY=from-file\n")
    assert load_environment().get("MP_SECRET_KEY") == "from-file"
    assert "MP_SECRET_KEY" not in os.environ


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"GOOD=1\nthis is not a pair 'secret\n", "line 2: cannot parse"),
        (b"A=\xff\xfe\n", "not UTF-8"),
        (b"A=" + b"x" * 300_000, "KiB"),
    ],
    ids=["syntax", "not-utf8", "too-big"],
)
def test_bad_files_are_clear_errors_that_echo_nothing(workdir: Path, content: bytes, message: str) -> None:
    (workdir / "bad.env").write_bytes(content)
    with pytest.raises(EnvFileError, match=message) as raised:
        load_environment(["bad.env"])
    assert "secret" not in str(raised.value)
    assert str(raised.value).startswith("bad.env")


def test_missing_and_directory_env_files(workdir: Path) -> None:
    with pytest.raises(EnvFileError, match=r"--env nope\.env: no such file"):
        load_environment(["nope.env"])
    (workdir / "adir").mkdir()
    with pytest.raises(EnvFileError, match="is a directory"):
        load_environment(["adir"])
    assert load_environment().files == ()  # no default file: nothing to read, no error


# --- the explorer's launch settings ------------------------------------------------------------


def settings(*argv: str):
    return launch.settings_from_args(launch.parser().parse_args(list(argv)))


def test_explorer_precedence(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in NAMES[:4]:
        monkeypatch.setenv(name, f"env-{name}")
    (workdir / "mp-explorer.env").write_text(
        "MP_ACCESS_KEY_ID=file-ak\nMP_SECRET_KEY=file-sk\nMP_PRIVATE_KEY_PATH=/f.pem\n"
    )
    (workdir / "later.env").write_text("MP_SECRET_KEY=later-sk\nMP_PRIVATE_KEY_PASSPHRASE=pp\n")
    plain = settings()
    assert plain.app_id == "env-MP_APP_ID"  # only the environment has it
    assert plain.access_key_id == "file-ak"  # the file wins over the environment
    assert (plain.secret_key, plain.private_key, plain.passphrase) == ("file-sk", "/f.pem", None)
    layered = settings("--env", "later.env")
    assert (layered.secret_key, layered.passphrase) == ("later-sk", "pp")
    flagged = settings("--env", "later.env", "--access-key-id", "flag-ak", "--secret-key", "flag-sk")
    assert (flagged.access_key_id, flagged.secret_key) == ("flag-ak", "flag-sk")  # a flag wins over both
    (workdir / "sk.txt").write_text("file-flag-sk\n")
    assert settings("--secret-key-file", "sk.txt").secret_key == "file-flag-sk"


def test_explorer_base_url_from_an_env_file(workdir: Path) -> None:
    assert settings().start_sandbox is True
    (workdir / "real.env").write_text("MP_BASE_URL=https://dip-cb.binanceapi.com\n")
    real = settings("--env", "real.env")
    assert (real.base_url, real.start_sandbox) == ("https://dip-cb.binanceapi.com", False)
    assert settings("--env", "real.env", "--base-url", "http://127.0.0.1:1").base_url == "http://127.0.0.1:1"
    (workdir / "bad.env").write_text("MP_BASE_URL=ftp://nowhere\n")
    with pytest.raises(Exception, match=r"MP_BASE_URL \(bad.env\)"):
        settings("--env", "bad.env")


# --- sign --------------------------------------------------------------------------------------


def sign_json(*argv: str) -> tuple[int, dict | None, str]:
    out, err = io.StringIO(), io.StringIO()
    base = ["sign", "--path", "/mp-api/v1/apps/x/users", "--ts", "1700000000", "--json"]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([*base, *argv])
    return code, (json.loads(out.getvalue()) if code == 0 else None), err.getvalue()


def token_for(secret_key: str, access_key_id: str) -> str:
    code, signed, _ = sign_json("--secret-key", secret_key, "--access-key-id", access_key_id)
    assert code == 0 and signed is not None
    return signed["token"]


def test_sign_precedence(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MP_ACCESS_KEY_ID", "env-ak")
    monkeypatch.setenv("MP_SECRET_KEY", "env-sk")
    assert sign_json()[1]["token"] == token_for("env-sk", "env-ak")  # type: ignore[index]
    (workdir / "mp-explorer.env").write_text("MP_SECRET_KEY=file-sk\n")
    assert sign_json()[1]["token"] == token_for("file-sk", "env-ak")  # type: ignore[index]
    (workdir / "b.env").write_text("MP_SECRET_KEY=b-sk\nMP_ACCESS_KEY_ID=b-ak\n")
    assert sign_json("--env", "b.env")[1]["token"] == token_for("b-sk", "b-ak")  # type: ignore[index]
    flagged = sign_json("--env", "b.env", "--secret-key", "flag-sk")[1]
    assert flagged is not None and flagged["token"] == token_for("flag-sk", "b-ak")


def test_sign_reports_a_bad_env_file_as_usage(workdir: Path) -> None:
    (workdir / "mp-explorer.env").write_text("MP_SECRET_KEY='unterminated\n")
    code, _, err = sign_json("--secret-key", "x", "--access-key-id", "y")
    assert code == 2
    assert "mp-explorer.env, line 1: cannot parse" in err
    assert "unterminated" not in err and "Traceback" not in err


def test_sign_missing_key_message_names_env_files(workdir: Path) -> None:
    code, _, err = sign_json("--access-key-id", "ak")
    assert code == 2 and "MP_SECRET_KEY (in the environment or an env file)" in err


# --- sandbox -----------------------------------------------------------------------------------


def sandbox_values(*argv: str):
    from explorer.commands import sandbox

    parser = __import__("argparse").ArgumentParser()
    sandbox.register(parser.add_subparsers())
    return sandbox._app_values(parser.parse_args(["sandbox", *argv]))


@pytest.fixture
def public_key(workdir: Path) -> Path:
    key = crypto.generate_private_key(1024)
    path = workdir / "pub.pem"
    path.write_bytes(crypto.public_key_pem(key))
    return path


def test_sandbox_precedence(workdir: Path, monkeypatch: pytest.MonkeyPatch, public_key: Path) -> None:
    monkeypatch.setenv("MP_APP_ID", "env-app")
    monkeypatch.setenv("MP_ACCESS_KEY_ID", "env-ak")
    monkeypatch.setenv("MP_SECRET_KEY", "env-sk")
    # Three of four in the environment and no flag: the demo app (MP_* set for `sign` change nothing).
    assert sandbox_values() is None
    (workdir / "mp-explorer.env").write_text(f"MP_PUBLIC_KEY_PATH={public_key}\nMP_SECRET_KEY=file-sk\n")
    values = sandbox_values()
    assert values is not None
    assert (values["app_id"], values["access_key_id"], values["secret_key"]) == ("env-app", "env-ak", "file-sk")
    assert values["public_key"] == public_key
    (workdir / "sk.txt").write_text("flag-file-sk\n")
    flagged = sandbox_values("--secret-key-file", "sk.txt", "--app-id", "flag-app")
    assert (flagged["app_id"], flagged["secret_key"]) == ("flag-app", "flag-file-sk")


def test_sandbox_incomplete_own_app_names_what_is_missing(workdir: Path) -> None:
    with pytest.raises(Exception, match=r"--public-key \(or MP_PUBLIC_KEY_PATH\)"):
        sandbox_values("--app-id", "a", "--access-key-id", "b", "--secret-key", "c")


def test_sandbox_process_serves_the_app_of_the_env_file(workdir: Path, public_key: Path) -> None:
    (workdir / "app.env").write_text(
        f"MP_APP_ID=envapp\nMP_ACCESS_KEY_ID=envak\nMP_SECRET_KEY='s3cr3t from file'\nMP_PUBLIC_KEY_PATH={public_key}\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in NAMES}
    env["MP_EXPLORER_HOME"] = str(workdir / "home")
    process = subprocess.Popen(
        [sys.executable, "-m", "explorer", "sandbox", "--port", "0", "--env", "app.env", "--quiet"],
        cwd=workdir,
        env={**env, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = first_line(process)
    try:
        users = httpx.get(f"{line['base_url']}/sandbox/v1/apps/envapp/users").json()["users"]
        spec = RequestSpec(
            "GET",
            "/mp-api/v1/apps/envapp/users",
            (("openId", users[0]["openId"]),),
            access_key_id="envak",
            secret_key="s3cr3t from file",
        )
        answer = client.send(wire_request(spec, spec.sign(), line["base_url"]))
    finally:
        code, _, err = stop(process)
    assert answer.code == "000000", answer.envelope
    assert (line["app_id"], line["access_key_id"], line["secret_key"]) == ("envapp", "envak", None)
    assert code == 0
    assert "s3cr3t" not in err


# --- a request file in the mix: flag > request file > env file > environment ----------------


def test_explorer_request_file_between_flags_and_env_files(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from explorer.workspace import request_file
    from explorer.workspace.request_file import SavedRequest

    monkeypatch.setenv("MP_APP_ID", "env-app")
    (workdir / "mp-explorer.env").write_text("MP_SECRET_KEY=file-sk\nPROD_SK=prod-sk\nMP_BASE_URL=http://127.0.0.1:7\n")
    request_file.save(
        SavedRequest(
            endpoint="ListSKUs",
            method="GET",
            path="/mp-api/v1/apps/{appId}/skus",
            query="page=1\nlimit=5",
            target="sandbox",
            timeout="3",
            ts=1700000000,
            access_key_id="req-ak",
            secret_key_ref="${PROD_SK}",
            file="",
        ),
        workdir / "list.request.toml",
    )
    opened = settings("--request", "list.request.toml")
    assert (opened.endpoint, opened.query, opened.timeout, opened.ts) == (
        "ListSKUs",
        "page=1\nlimit=5",
        3.0,
        1700000000,
    )
    assert (opened.access_key_id, opened.app_id) == ("req-ak", "env-app")  # file, then the environment
    assert opened.secret_key == "prod-sk"  # the file's reference, resolved from the env file
    assert (opened.start_sandbox, opened.base_url) == (True, None)  # the file's target beats MP_BASE_URL
    assert opened.opened_request is not None and opened.opened_request.secret_key_ref == "${PROD_SK}"
    flagged = settings("--request", "list.request.toml", "--timeout", "9", "--secret-key", "flag-sk", "--ts", "5")
    assert (flagged.timeout, flagged.secret_key, flagged.ts) == (9.0, "flag-sk", 5)
    assert settings().history is not None and settings("--no-history").history is None


def test_explorer_bad_request_files_are_usage_errors(workdir: Path) -> None:
    from explorer.commands.errors import UsageError

    with pytest.raises(UsageError, match=r"--request: nope\.toml: cannot read it"):
        settings("--request", "nope.toml")
    (workdir / "bad.request.toml").write_text("format = 1\nsecret_key = 'plain-secret'\n")
    with pytest.raises(UsageError, match="must be a") as raised:
        settings("--request", "bad.request.toml")
    assert "plain-secret" not in str(raised.value)
    (workdir / "bin.request.toml").write_text("format = 1\nbody_base64 = '/w=='\n")
    with pytest.raises(UsageError, match="not UTF-8 text"):
        settings("--request", "bin.request.toml")


# --- decrypt and doctor read env files too -------------------------------------------------------


def run_main(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_decrypt_takes_the_key_path_and_passphrase_from_an_env_file(workdir: Path) -> None:
    key = crypto.generate_private_key(1024)
    (workdir / "key.pem").write_bytes(crypto.private_key_pem(key, "pass phrase 1"))
    user_data = crypto.encrypt_user_data(key.public_key(), '{"openId":"env-file-user"}')
    assert run_main("decrypt", user_data)[0] == 2  # no key anywhere: a usage error naming both ways
    (workdir / "mp-explorer.env").write_text(f"MP_PRIVATE_KEY_PATH={workdir / 'key.pem'}\nKEY_PASS='pass phrase 1'\n")
    code, out, err = run_main("decrypt", user_data, "--passphrase-env", "KEY_PASS")
    assert code == 0, err
    assert "env-file-user" in out


def test_doctor_checks_the_signature_with_the_env_files_secret_key(workdir: Path) -> None:
    from tests.doctor_signer import APP, EMPTY, HOST, NOW, SK, make_token

    token = make_token(f"GET\n{APP}/user-open-data/\nopenData=abc123\n{EMPTY}")
    argv = ["doctor", "--url", f"{HOST}{APP}/user-open-data?openData=abc123", "--token", token, "--now", str(NOW)]
    assert "cannot be checked without the secret key" in run_main(*argv)[1]
    (workdir / "mp-explorer.env").write_text(f"MP_SECRET_KEY={SK}\n")
    code, out, _ = run_main(*argv)
    assert code == 0, out
    assert "ok   signature  HMAC-SHA256 with the secret key matches" in out
