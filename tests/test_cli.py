"""The command line: sign, verify, decrypt, keygen. Exit codes, messages, and never a traceback.

Most cases call `explorer.cli.main` in-process (fast); a few run the real console entry in a
subprocess, including every vector through `sign --json`.
"""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer import crypto, signing
from explorer.cli import main
from explorer.export import curl_command
from explorer.request import RequestSpec, wire_request
from tests.conftest import load_vectors

ROOT = Path(__file__).resolve().parent.parent
VECTORS = load_vectors()
GET_OPEN_DATA = VECTORS["signing"][0]
AK, SK = GET_OPEN_DATA["access_key_id"], GET_OPEN_DATA["secret_key"]
LONG_SK = "a-secret-key-of-at-least-32-bytes!!"
PATH = GET_OPEN_DATA["path"]
BASE = ["--path", PATH, "--query", "openData=abc123", "--ts", "1700000000"]
CREDS = ["--access-key-id", AK, "--secret-key", SK]


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MP_ACCESS_KEY_ID", "MP_SECRET_KEY", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def cli() -> Iterator:
    """Run main(argv) in-process with optional stdin bytes; return code, stdout, stderr.

    The streams behave like a real process's under a UTF-8 locale: stdout strict (so a
    surrogate escape leaking into output fails the test), stderr with backslashreplace.
    """

    def run(*argv: str, stdin: bytes = b"") -> Result:
        out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", newline="\n")
        err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace", newline="\n")
        with pytest.MonkeyPatch.context() as streams:
            streams.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
            streams.setattr(sys, "stdout", out)
            streams.setattr(sys, "stderr", err)
            try:
                code = main(list(argv))
            except SystemExit as exc:  # argparse's own usage errors
                code = exc.code if isinstance(exc.code, int) else 1
        out.flush()
        err.flush()
        result = Result(code, out.buffer.getvalue().decode(), err.buffer.getvalue().decode())  # type: ignore[attr-defined]
        assert "Traceback" not in result.err
        return result

    yield run


def run_entry(*argv: str, stdin: bytes = b"", env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The real console entry, `python -m explorer`, in a subprocess."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MP_")}
    environment.update(env or {})
    result = subprocess.run(
        [sys.executable, "-m", "explorer", *argv],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        env=environment,
        timeout=60,
    )
    assert b"Traceback" not in result.stderr, result.stderr.decode(errors="replace")
    return result


# --- sign: outputs --------------------------------------------------------------------------


def test_sign_shows_every_stage(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("sign", *BASE, *CREDS)
    expected = GET_OPEN_DATA["expected"]
    assert r.code == 0
    for label, value in [
        ("method", "GET"),
        ("canonical URI", expected["canonical_uri"]),
        ("canonical query", expected["canonical_query"]),
        ("payload hash", expected["payload_hash"]),
        ("digest", expected["digest"]),
        ("JWT header", '{"alg":"HS256","typ":"JWT"}'),
        ("token", expected["token"]),
        ("header", expected["header"]),
    ]:
        assert any(line.startswith(label) and line.rstrip().endswith(value) for line in r.out.splitlines()), label
    assert "1700000000 = 2023-11-14 22:13:20 UTC" in r.out
    # The canonical request, line by line, each line end visible, no newline after the last.
    lines = expected["canonical_request"].split("\n")
    for line in lines[:-1]:
        assert f" {line}\\n\n" in r.out
    assert f" {lines[-1]}\n" in r.out
    assert "\x1b[" not in r.out  # not a terminal: no colour


def test_sign_notes_a_short_secret_key_on_stderr(cli) -> None:  # type: ignore[no-untyped-def]
    short = cli("sign", *BASE, *CREDS)
    assert "note: secret key is 13 bytes" in short.err and "32" in short.err
    long = cli("sign", *BASE, "--access-key-id", AK, "--secret-key", LONG_SK)
    assert long.err == ""


def test_sign_json_keys_are_the_signature_fields(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("sign", *BASE, *CREDS, "--json")
    data = json.loads(r.out)
    sig = signing.sign(
        method="GET", path=PATH, query=[("openData", "abc123")], access_key_id=AK, secret_key=SK, ts=1700000000
    )
    assert data == sig.as_dict()
    assert list(data) == list(sig.as_dict())


def test_sign_token_and_header(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("sign", *BASE, *CREDS, "--token").out == GET_OPEN_DATA["expected"]["token"] + "\n"
    assert cli("sign", *BASE, *CREDS, "--header").out == GET_OPEN_DATA["expected"]["header"] + "\n"


@pytest.mark.parametrize("pair", [("--json", "--token"), ("--token", "--header"), ("--header", "--curl")])
def test_output_flags_are_exclusive(cli, pair: tuple[str, str]) -> None:  # type: ignore[no-untyped-def]
    r = cli("sign", *BASE, *CREDS, *pair)
    assert r.code == 2 and "not allowed with" in r.err


def test_secret_never_printed(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    secret = "Sup3r-Secret-Value-0123456789abcdefXYZ"
    (tmp_path / "sk").write_text(secret + "\n")
    for flags in (["--secret-key", secret], ["--secret-key-file", str(tmp_path / "sk")]):
        for output in ([], ["--json"], ["--token"], ["--header"], ["--curl"]):
            r = cli("sign", *BASE, "--access-key-id", AK, *flags, *output)
            assert r.code == 0 and secret not in r.out + r.err
        token = cli("sign", *BASE, "--access-key-id", AK, *flags, "--token").out.strip()
        for extra in ([], ["--json"], ["--now", "1"], ["--path", "/other"]):
            r = cli("verify", token, *BASE[:4], "--access-key-id", AK, *flags, "--now", "1700000000", *extra)
            assert secret not in r.out + r.err
    bad = cli("sign", "--path", "/x?", "--access-key-id", AK, "--secret-key", secret)
    assert bad.code == 2 and secret not in bad.err


def test_sign_url_gives_base_path_and_query(cli) -> None:  # type: ignore[no-untyped-def]
    url = f"https://sandbox.example:8443{PATH}?openData=abc123"
    r = cli("sign", "--url", url, *CREDS, "--ts", "1700000000", "--token")
    assert r.out.strip() == GET_OPEN_DATA["expected"]["token"]
    curl = cli("sign", "--url", url, *CREDS, "--ts", "1700000000", "--curl").out
    assert "'https://sandbox.example:8443/mp-api/" in curl


def test_sign_url_and_query_add_up(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("sign", "--url", "https://h.example/a?x=1", "--query", "y=2", *CREDS, "--json")
    assert json.loads(r.out)["canonical_query"] == "x=1&y=2"


def test_query_value_taken_literally(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("sign", "--path", "/a", "--query", "k=a=b%20+c", "--query", "e=", *CREDS, "--json")
    # '=' after the first, '%20' and '+' are all literal characters of the value.
    assert json.loads(r.out)["canonical_query"] == "e=&k=a%3Db%2520%2Bc"


def test_env_credentials(cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MP_ACCESS_KEY_ID", AK)
    monkeypatch.setenv("MP_SECRET_KEY", SK)
    assert cli("sign", *BASE, "--token").out.strip() == GET_OPEN_DATA["expected"]["token"]
    # Flags win over the environment.
    assert cli("sign", *BASE, "--secret-key", "other", "--token").out.strip() != GET_OPEN_DATA["expected"]["token"]


def test_secret_key_file_cuts_one_newline(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    tok = GET_OPEN_DATA["expected"]["token"]
    for content, same in [(SK + "\n", True), (SK + "\r\n", True), (SK, True), (SK + "\n\n", False), (SK + " ", False)]:
        (tmp_path / "sk").write_bytes(content.encode())
        r = cli("sign", *BASE, "--access-key-id", AK, "--secret-key-file", str(tmp_path / "sk"), "--token")
        assert (r.out.strip() == tok) is same, repr(content)


def test_body_text_file_and_stdin_agree(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    vector = VECTORS["signing"][2]
    body = vector["body"].encode()
    (tmp_path / "body.json").write_bytes(body)
    common = ["--method", "POST", "--path", vector["path"], "--ts", str(vector["ts"]), "--token"]
    creds = ["--access-key-id", vector["access_key_id"], "--secret-key", vector["secret_key"]]
    outs = {
        cli("sign", *common, *creds, "--body", vector["body"]).out,
        cli("sign", *common, *creds, "--body-file", str(tmp_path / "body.json")).out,
        cli("sign", *common, *creds, "--body-file", "-", stdin=body).out,
    }
    assert outs == {vector["expected"]["token"] + "\n"}


def test_binary_body_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = bytes(range(256)) * 3
    (tmp_path / "blob").write_bytes(data)
    r = cli("sign", "--method", "POST", "--path", "/u", "--body-file", str(tmp_path / "blob"), *CREDS, "--json")
    assert json.loads(r.out)["payload_hash"] == signing.payload_hash(data)


# --- sign: curl -----------------------------------------------------------------------------


def _spec(body: bytes, content_type: str | None = None) -> tuple[RequestSpec, signing.Signature]:
    spec = RequestSpec(
        method="POST",
        path="/mp-api/v1/apps/x/files/upload",
        query=(("q", "a b&c"),),
        body=body,
        access_key_id=AK,
        secret_key=SK,
        ts=1700000000,
        content_type=content_type,
    )
    return spec, spec.sign()


@pytest.mark.parametrize(
    "body",
    [b'{"a":"it\'s \\"quoted\\" $HOME `x`"}', b"line1\nline2\n\n", "é中 \t!".encode(), b"@not-a-file", b"-d"],
)
def test_curl_one_line_form_splits_back_to_the_signed_bytes(body: bytes) -> None:
    spec, sig = _spec(body)
    wire = wire_request(spec, sig)
    argv = shlex.split(curl_command(wire, multiline=False))
    assert argv[0] == "curl" and wire.url in argv
    assert argv[argv.index("-X") + 1] == "POST"
    headers = [argv[i + 1] for i, a in enumerate(argv) if a == "-H"]
    assert f"X-Mp-Open-Api-Token: {sig.token}" in headers
    assert argv[argv.index("--data-raw") + 1].encode() == body
    # The multi-line form says the same once its continuation lines are joined.
    assert shlex.split(curl_command(wire).replace(" \\\n", " ")) == argv


def test_cli_curl_matches_the_signature(cli) -> None:  # type: ignore[no-untyped-def]
    body = '{"status":true}'
    request = ["--method", "PUT", "--path", "/s/a b", "--body", body, *CREDS, "--ts", "1"]
    token = cli("sign", *request, "--token").out.strip()
    r = cli("sign", *request, "--curl", "--base-url", "http://127.0.0.1:8000/", "--content-type", "text/plain")
    argv = shlex.split(r.out.replace(" \\\n", " "))
    assert "http://127.0.0.1:8000/s/a%20b" in argv
    assert f"X-Mp-Open-Api-Token: {token}" in argv and "Content-Type: text/plain" in argv
    assert argv[argv.index("--data-raw") + 1] == body


BASH = shutil.which("bash")
NEEDS_SHELL = pytest.mark.skipif(not (BASH and shutil.which("base64")), reason="needs bash and base64")


def _run_with_fake_curl(command: str, tmp_path: Path) -> tuple[list[bytes], bytes]:
    """Run a generated curl command in bash with `curl` replaced by a recorder of argv and stdin."""
    script = (
        f'curl() {{ for a in "$@"; do printf "%s\\0" "$a"; done > {tmp_path}/argv; cat > {tmp_path}/stdin; }}\n'
        + command
        + "\n"
    )
    subprocess.run([BASH, "-c", script], check=True, timeout=30, stdin=subprocess.DEVNULL)
    return (tmp_path / "argv").read_bytes().split(b"\0")[:-1], (tmp_path / "stdin").read_bytes()


@NEEDS_SHELL
@pytest.mark.parametrize(
    "body", [b"text with 'quotes' and \"doubles\" and $VARS and \\n", bytes(range(256)), b"\x00", "é\n".encode()]
)
def test_curl_command_run_by_a_shell_sends_the_signed_bytes(body: bytes, tmp_path: Path) -> None:
    spec, sig = _spec(body)
    wire = wire_request(spec, sig)
    argv, stdin = _run_with_fake_curl(curl_command(wire), tmp_path)
    assert wire.url.encode() in argv
    assert f"X-Mp-Open-Api-Token: {sig.token}".encode() in argv
    if b"--data-raw" in argv:
        sent = argv[argv.index(b"--data-raw") + 1]
    else:
        assert argv[argv.index(b"--data-binary") + 1] == b"@-"
        sent = stdin
    assert sent == body
    assert signing.payload_hash(sent) == sig.payload_hash


# --- sign: usage errors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--path", "/a", "--query", "novalue"], "--query: 'novalue' has no '='"),
        (["--path", "/a", "--ts", "abc"], "--ts: 'abc' is not an integer"),
        (["--path", "/a", "--ts", "1.5"], "--ts: '1.5' is not an integer"),
        (["--path", "/a", "--ts", "-1"], "--ts: -1 is out of range"),
        (["--path", "/a", "--ts", "9" * 30], "is out of range"),
        (["--path", "/a", "--ts", "9" * 5000], "a number of 5000 digits is out of range"),
        (["--path", "/a?x=1"], "error: path: contains '?'"),
        (["--path", "/a#frag"], "error: path: contains '#'"),
        (["--path", "https://h.example/a"], "error: path: is a full URL"),
        (["--path", "/a\nb"], "error: path: contains a line break"),
        (["--path", "/a", "--method", "GE T"], "error: method: 'GE T' is not an HTTP method"),
        (["--path", "/a", "--method", ""], "error: method: is empty"),
        (["--url", "/no/host"], "error: url: '/no/host' is not a full URL"),
        (["--url", "ftp://h/x"], "error: url: scheme 'ftp'"),
        (["--url", "http://[::1/x"], "error: url:"),
        (["--url", "https://h/x", "--base-url", "https://g"], "--url already gives the base URL"),
        (["--path", "/a", "--base-url", "nope", "--curl"], "error: base URL: 'nope' is not http(s)://host"),
        (["--path", "/a", "--base-url", "http://[::1", "--curl"], "error: base URL:"),
        ([], "give the request path with --path PATH or --url URL"),
        (["--path", "/a", "--query", "a=\ud800"], "error: query:"),
        (["--path", "/a", "--body", "\ud800"], "error: body:"),
        (["--path", "/a", "--content-type", "a\nX-Evil: 1"], "--content-type: 'a\\nX-Evil: 1' is not a header value"),
        (["--path", "/a", "--content-type", "\udcff"], "--content-type:"),
    ],
)
def test_sign_usage_errors(cli, argv: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    r = cli("sign", *argv, *CREDS)
    assert r.code == 2, r
    assert message in r.err and r.err.startswith("mp-explorer: error: ") and r.out == ""


@pytest.mark.parametrize(
    "argv",
    [
        ["--path", "/a", "--url", "https://h/a"],
        ["--path", "/a", "--body", "x", "--body-file", "f"],
        ["--path", "/a", "--secret-key", "x", "--secret-key-file", "f"],
        ["--path"],
        ["--bogus"],
    ],
)
def test_sign_argparse_errors(cli, argv: list[str]) -> None:  # type: ignore[no-untyped-def]
    r = cli("sign", *argv, "--access-key-id", AK)
    assert r.code == 2 and "usage: mp-explorer" in r.err and "error:" in r.err


def test_missing_credentials_name_flag_and_env(cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    r = cli("sign", "--path", "/a", "--secret-key", SK)
    assert r.code == 2 and "--access-key-id" in r.err and "MP_ACCESS_KEY_ID" in r.err
    r = cli("sign", "--path", "/a", "--access-key-id", AK)
    assert r.code == 2 and "--secret-key" in r.err and "MP_SECRET_KEY" in r.err
    monkeypatch.setenv("MP_SECRET_KEY", "")
    assert cli("sign", "--path", "/a", "--access-key-id", AK).code == 2
    r = cli("verify", "tok", "--path", "/a")
    assert r.code == 2 and "MP_SECRET_KEY" in r.err


def test_keys_that_are_not_utf8_text(cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    r = cli("sign", "--path", "/a", "--access-key-id", "\udcff", "--secret-key", SK)
    assert r.code == 2 and "the access key id is not UTF-8 text" in r.err
    monkeypatch.setenv("MP_SECRET_KEY", "sk\udcff")
    r = cli("sign", "--path", "/a", "--access-key-id", AK)
    assert r.code == 2 and "the secret key is not UTF-8 text" in r.err and "sk" not in r.err.split("error:")[1][:8]


def test_unreadable_files(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "bad-utf8").write_bytes(b"\xff\xfesecret")
    (tmp_path / "empty").write_bytes(b"")
    (tmp_path / "newline").write_bytes(b"\n")
    cases = [
        (["--body-file", str(tmp_path / "missing")], "--body-file: cannot read", "no such file"),
        (["--body-file", str(tmp_path)], "--body-file: cannot read", "directory"),
        (["--body-file", "a\0b"], "--body-file: cannot read", "null"),
        (["--secret-key-file", str(tmp_path / "missing")], "--secret-key-file: cannot read", "no such file"),
        (["--secret-key-file", str(tmp_path)], "--secret-key-file: cannot read", "directory"),
        (["--secret-key-file", str(tmp_path / "bad-utf8")], "--secret-key-file:", "not UTF-8 text"),
        (["--secret-key-file", str(tmp_path / "empty")], "--secret-key-file:", "is empty"),
        (["--secret-key-file", str(tmp_path / "newline")], "--secret-key-file:", "is empty"),
    ]
    for flags, first, second in cases:
        secret = [] if flags[0] == "--secret-key-file" else ["--secret-key", SK]
        r = cli("sign", "--path", "/a", "--access-key-id", AK, *secret, *flags)
        assert r.code == 2 and first in r.err and second in r.err, (flags, r.err)
        assert "\xff" not in r.err and "secret" not in r.err.split(":", 2)[-1].replace("secret-key", "")


def test_permission_denied(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    locked = tmp_path / "locked"
    locked.write_text("x")
    locked.chmod(0)
    real_open = open

    def deny(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        # Root reads any file, so the refusal a normal user would get is made here.
        if str(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("explorer.commands._inputs.open", deny, raising=False)
    r = cli("sign", "--path", "/a", *CREDS, "--body-file", str(locked))
    assert r.code == 2 and "permission denied" in r.err


def test_surrogate_escaped_argv_bytes_are_signed_as_bytes(cli) -> None:  # type: ignore[no-untyped-def]
    # Python hands argv bytes that are not UTF-8 over as surrogate escapes.
    r = cli("sign", "--path", "/\udcff", "--query", "a=\udcfe", "--body", "\udcfd", *CREDS, "--json")
    data = json.loads(r.out)
    assert data["canonical_uri"] == "/%FF/" and data["canonical_query"] == "a=%FE"
    assert data["payload_hash"] == signing.payload_hash(b"\xfd")


# --- verify ---------------------------------------------------------------------------------


def _token(cli, *extra: str) -> str:  # type: ignore[no-untyped-def]
    return cli("sign", *BASE, *CREDS, *extra, "--token").out.strip()


VERIFY = [*BASE[:4], "--secret-key", SK, "--now", "1700000000"]


def test_verify_valid(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("verify", _token(cli), *VERIFY, "--access-key-id", AK)
    assert (r.code, r.out, r.err) == (0, "valid\n", "")


def test_verify_token_from_stdin(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("verify", "-", *VERIFY, stdin=(_token(cli) + "\n").encode())
    assert (r.code, r.out) == (0, "valid\n")
    r = cli("verify", "-", *VERIFY, stdin=b"\xff\xfe garbage")
    assert r.code == 1 and r.out.startswith("malformed token: ")


def test_verify_digest_mismatch_shows_both_sides(cli) -> None:  # type: ignore[no-untyped-def]
    token = _token(cli)
    r = cli("verify", token, "--path", PATH, "--query", "openData=abc124", "--secret-key", SK, "--now", "1700000000")
    assert r.code == 1
    first, *rest = r.out.splitlines()
    assert first.startswith("digest mismatch: ")
    received = GET_OPEN_DATA["expected"]["digest"]
    computed_request = GET_OPEN_DATA["expected"]["canonical_request"].replace("abc123", "abc124")
    assert f'received dig       "{received}"' in rest
    assert f"computed digest    {signing.digest(computed_request)}" in rest
    for line in computed_request.split("\n")[:-1]:
        assert f"  {line}\\n" in rest
    assert f"  {computed_request.split(chr(10))[-1]}" in rest


@pytest.mark.parametrize(
    ("extra", "outcome"),
    [
        (["--secret-key", "wrong"], "bad signature: "),
        (["--access-key-id", "someone"], "issuer mismatch: "),
        (["--now", "1700000301"], "ts too old: ts is 301 s old; the window is 300 s"),
        (
            ["--now", "1699999000", "--max-skew", "999"],
            "ts in the future: ts is 1000 s in the future; the window is 999",
        ),
        (["--method", "POST"], "digest mismatch: "),
        (["--body", "x"], "digest mismatch: "),
    ],
)
def test_verify_outcomes(cli, extra: list[str], outcome: str) -> None:  # type: ignore[no-untyped-def]
    r = cli("verify", _token(cli), *VERIFY, *extra)
    assert r.code == 1 and r.out.startswith(outcome), r.out


@pytest.mark.parametrize(
    ("token", "outcome"),
    [
        ("garbage", "malformed token"),
        ("a.b.c", "malformed token"),
        ("x" * 10_000, "malformed token"),
        (signing.token({"iss": AK, "dig": "d", "ts": 1}, SK, header={"alg": "HS512"}), "algorithm not HS256"),
        (signing.token({"iss": AK, "ts": 1700000000}, SK), "missing claim"),
        (signing.token({"iss": AK, "dig": "d", "ts": "1700000000"}, SK), "mistyped claim"),
        (signing.token({"iss": AK, "dig": "é", "ts": 1700000000}, SK), "digest mismatch"),
        (signing.b64url(b"[" * 3000) + ".e30.x", "malformed token"),
    ],
)
def test_verify_bad_tokens(cli, token: str, outcome: str) -> None:  # type: ignore[no-untyped-def]
    r = cli("verify", token, *VERIFY)
    assert r.code == 1 and r.out.startswith(outcome + ": ")
    j = cli("verify", token, *VERIFY, "--json")
    data = json.loads(j.out)
    assert j.code == 1 and data["outcome"] == outcome and data["valid"] is False


def test_verify_ts_without_a_calendar_date(cli) -> None:  # type: ignore[no-untyped-def]
    token = signing.token({"iss": AK, "dig": "d", "ts": 10**40}, SK)
    r = cli("verify", token, *VERIFY)
    assert r.code == 1 and r.out.startswith("ts in the future: ") and "no calendar date" in r.out


def test_line_end_markers_are_dim_on_a_terminal() -> None:
    from explorer.commands.sign import render_canonical_request

    assert render_canonical_request("A\nB", color=True) == "  A\x1b[2m\\n\x1b[0m\n  B"
    assert render_canonical_request("A\nB") == "  A\\n\n  B"


def test_verify_json(cli) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(cli("verify", _token(cli), *VERIFY, "--json").out)
    assert data["valid"] is True and data["code"] == "valid" and data["skew"] == 0 and data["max_skew"] == 300
    assert data["expected_canonical_request"] == GET_OPEN_DATA["expected"]["canonical_request"]
    bad = json.loads(cli("verify", _token(cli), *VERIFY, "--body", "x", "--json").out)
    assert bad["code"] == "digest_mismatch" and bad["received_digest"] != bad["expected_digest"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--now", "soon"], "--now: 'soon' is not an integer"),
        (["--max-skew", "-1"], "--max-skew: -1 is out of range"),
        (["--max-skew", "5m"], "--max-skew: '5m' is not an integer"),
        (["--path", "/a?b"], "error: path: contains '?'"),
        (["--body-file", "-"], "cannot both come from stdin"),
    ],
)
def test_verify_usage_errors(cli, extra: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    r = cli("verify", "-", *VERIFY, *extra, stdin=b"tok")
    assert r.code == 2 and message in r.err


def test_verify_checks_iss_from_env(cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    token = _token(cli)
    monkeypatch.setenv("MP_ACCESS_KEY_ID", "someone")
    assert cli("verify", token, *VERIFY).out.startswith("issuer mismatch")


# --- decrypt --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("keys")
    vector = VECTORS["decryption"][0]
    key = crypto.load_private_key(vector["private_key_pem"])
    files = {
        "plain": crypto.private_key_pem(key),
        "encrypted": crypto.private_key_pem(key, "pw"),
        "public": crypto.public_key_pem(key),
        "other": VECTORS["decryption"][1]["private_key_pem"].encode(),
        "garbage": b"\xff\xfe not a key",
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return {name: folder / name for name in files}


@pytest.mark.parametrize("vector", VECTORS["decryption"], ids=lambda v: v["name"])
def test_decrypt_vectors(cli, vector: dict, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "key.pem").write_text(vector["private_key_pem"])
    r = cli("decrypt", vector["ciphertext"], "--private-key", str(tmp_path / "key.pem"))
    assert (r.code, r.out, r.err) == (0, vector["plaintext"] + "\n", "")
    wrapped = "\n".join(vector["ciphertext"][i : i + 64] for i in range(0, len(vector["ciphertext"]), 64))
    r = cli("decrypt", "-", "--private-key", str(tmp_path / "key.pem"), stdin=wrapped.encode() + b"\n")
    assert (r.code, r.out) == (0, vector["plaintext"] + "\n")


def test_decrypt_pretty_json(cli, keys: dict[str, Path]) -> None:  # type: ignore[no-untyped-def]
    public = crypto.load_public_key(keys["public"].read_bytes())
    ct = crypto.encrypt_user_data(public, '{"openId":"x","n":[1,2]}')
    r = cli("decrypt", ct, "--private-key", str(keys["plain"]))
    assert r.out == '{\n  "openId": "x",\n  "n": [\n    1,\n    2\n  ]\n}\n'


def test_decrypt_with_passphrase(cli, keys: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    vector = VECTORS["decryption"][0]
    monkeypatch.setenv("KEY_PASS", "pw")
    r = cli("decrypt", vector["ciphertext"], "--private-key", str(keys["encrypted"]), "--passphrase-env", "KEY_PASS")
    assert (r.code, r.out) == (0, vector["plaintext"] + "\n")
    monkeypatch.setenv("KEY_PASS", "nope")
    r = cli("decrypt", vector["ciphertext"], "--private-key", str(keys["encrypted"]), "--passphrase-env", "KEY_PASS")
    assert r.code == 1 and "wrong passphrase" in r.err


@pytest.mark.parametrize(
    ("key", "ciphertext", "message"),
    [
        ("encrypted", None, "this private key is encrypted: give its passphrase"),
        ("public", None, "this is a public key, not a private key"),
        ("garbage", None, "not a PEM private key"),
        ("plain", "not base64!", "not base64: unexpected character '!'"),
        ("plain", "", "the ciphertext is empty"),
        ("plain", "QUJD", "ciphertext is 3 bytes but a 2048-bit key needs exactly 256"),
        ("other", None, "wrong key"),
    ],
)
def test_decrypt_failures_are_one_line(
    cli, keys: dict[str, Path], key: str, ciphertext: str | None, message: str
) -> None:  # type: ignore[no-untyped-def]
    text = VECTORS["decryption"][0]["ciphertext"] if ciphertext is None else ciphertext
    r = cli("decrypt", text, "--private-key", str(keys[key]))
    assert r.code == 1 and r.out == ""
    assert r.err.count("\n") == 1 and r.err.endswith("\n") and message in r.err


def test_decrypt_huge_and_binary_stdin(cli, keys: dict[str, Path]) -> None:  # type: ignore[no-untyped-def]
    r = cli("decrypt", "-", "--private-key", str(keys["plain"]), stdin=b"A" * 5_000_000)
    assert r.code == 1 and "needs exactly 256" in r.err and r.err.count("\n") == 1
    r = cli("decrypt", "-", "--private-key", str(keys["plain"]), stdin=bytes(range(256)))
    assert r.code == 1 and "not base64" in r.err and r.err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--private-key", "/nonexistent/key.pem"], "--private-key: cannot read '/nonexistent/key.pem'"),
        (["--private-key", "."], "it is a directory"),
        (["--private-key", "-"], "cannot both come from stdin"),
        (["--private-key", "k", "--passphrase-env", "NOT_SET_ANYWHERE"], "'NOT_SET_ANYWHERE' is not set"),
    ],
)
def test_decrypt_usage_errors(cli, argv: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    r = cli("decrypt", "-", *argv, stdin=b"QUJD")
    assert r.code == 2 and message in r.err


def test_decrypt_requires_private_key(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("decrypt", "QUJD")
    assert r.code == 2 and "--private-key" in r.err


# --- keygen ---------------------------------------------------------------------------------


def test_keygen_writes_a_usable_pair_with_mode_0600(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "new" / "keys"
    r = cli("keygen", "--out", str(out), "--bits", "1024")
    private, public = out / "private_key.pem", out / "public_key.pem"
    assert r.code == 0 and r.out.splitlines() == [str(private), str(public)]
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    ct = crypto.encrypt_user_data(crypto.load_public_key(public.read_bytes()), "hello")
    assert cli("decrypt", ct, "--private-key", str(private)).out == "hello\n"


def test_keygen_refuses_to_overwrite_without_force(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("keygen", "--out", str(tmp_path), "--bits", "1024").code == 0
    before = (tmp_path / "private_key.pem").read_bytes()
    r = cli("keygen", "--out", str(tmp_path), "--bits", "1024")
    assert r.code == 2 and "already exist" in r.err and "--force" in r.err
    assert (tmp_path / "private_key.pem").read_bytes() == before


def test_keygen_force_replaces_and_keeps_0600(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    private = tmp_path / "private_key.pem"
    private.write_text("old")
    private.chmod(0o644)
    assert cli("keygen", "--out", str(tmp_path), "--bits", "1024", "--force").code == 0
    assert stat.S_IMODE(private.stat().st_mode) == 0o600 and private.read_bytes().startswith(b"-----BEGIN")


def test_keygen_with_passphrase(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("KP", "pw")
    assert cli("keygen", "--out", str(tmp_path), "--bits", "1024", "--passphrase-env", "KP").code == 0
    pem = (tmp_path / "private_key.pem").read_bytes()
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert crypto.load_private_key(pem, "pw").key_size == 1024


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--bits", "abc"], "--bits: 'abc' is not an integer"),
        (["--bits", "512"], "--bits: key size must be"),
        (["--bits", "100000"], "--bits: key size must be"),
        (["--passphrase-env", "NOT_SET_ANYWHERE"], "is not set"),
    ],
)
def test_keygen_usage_errors(cli, tmp_path: Path, argv: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    r = cli("keygen", "--out", str(tmp_path / "k"), *argv)
    assert r.code == 2 and message in r.err
    assert not (tmp_path / "k" / "private_key.pem").exists()


def test_keygen_out_is_a_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "f").write_text("x")
    r = cli("keygen", "--out", str(tmp_path / "f"), "--bits", "1024")
    assert r.code == 2 and "is not a directory" in r.err
    r = cli("keygen", "--out", str(tmp_path / "f" / "sub"), "--bits", "1024")
    assert r.code == 2 and "cannot write" in r.err


# --- help -----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["sign", "verify", "decrypt", "keygen", "sandbox", "history"])
def test_help_has_an_example(cli, command: str) -> None:  # type: ignore[no-untyped-def]
    r = cli(command, "--help")
    assert r.code == 0 and "examples:" in r.out and f"mp-explorer {command} " in r.out
    assert "exit status: 0" in r.out


def test_the_launchers_help_names_every_subcommand(cli) -> None:  # type: ignore[no-untyped-def]
    from explorer.cli import SUBCOMMANDS

    r = cli("--help")
    named = r.out.partition("Subcommands:")[2].partition("(mp-explorer COMMAND")[0]
    assert [name.strip() for name in " ".join(named.split()).split(",")] == list(SUBCOMMANDS)


@pytest.mark.parametrize("command", [(), ("sign",), ("verify",), ("doctor",), ("decrypt",), ("keygen",), ("sandbox",)])
def test_help_examples_continue_on_their_own_line(cli, command: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    # A lone backslash ending a line of an f-string epilog joins the next line into it; an example
    # written over two lines must print over two lines, its continuation backslash kept.
    r = cli(*command, "--help")
    assert r.code == 0
    examples = r.out.partition("examples:")[2]
    glued = [line for line in examples.splitlines() if re.search(r"\S {3,}--[a-z]", line)]
    assert glued == []


# --- arbitrary argv never raises ------------------------------------------------------------

arg = st.one_of(
    st.sampled_from(
        [
            "--path",
            "--url",
            "--query",
            "--body",
            "--body-file",
            "--ts",
            "--now",
            "--max-skew",
            "--json",
            "--curl",
            "--token",
            "--header",
            "--secret-key",
            "--secret-key-file",
            "--base-url",
            "--method",
            "-",
            "/a",
            "a=b",
            "--access-key-id",
            "--private-key",
            "--bits",
            "--out",
            "http://h/x?y",
            "",
            "\udcff",
            "%zz",
        ]
    ),
    st.text(max_size=12),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(["sign", "verify", "decrypt"]), argv=st.lists(arg, max_size=8))
def test_arbitrary_arguments_never_raise(cli, command: str, argv: list[str]) -> None:  # type: ignore[no-untyped-def]
    r = cli(command, *argv, "--secret-key", "k", "--access-key-id", "a")
    assert r.code in (0, 1, 2)


# --- the real console entry -----------------------------------------------------------------


@pytest.mark.parametrize("vector", VECTORS["signing"], ids=lambda v: v["name"])
def test_shell_sign_json_reproduces_every_vector(vector: dict, tmp_path: Path) -> None:
    body = tmp_path / "body"
    body.write_bytes(vector["body"].encode("utf-8"))
    argv = ["sign", "--json", "--method", vector["method"], "--path", vector["path"], "--ts", str(vector["ts"])]
    argv += ["--body-file", str(body)]
    for name, value in vector["query"]:
        argv += ["--query", f"{name}={value}"]
    env = {"MP_ACCESS_KEY_ID": vector["access_key_id"], "MP_SECRET_KEY": vector["secret_key"]}
    result = run_entry(*argv, env=env)
    assert result.returncode == 0
    produced = json.loads(result.stdout)
    expected = vector["expected"]
    for stage in ("canonical_uri", "canonical_query", "payload_hash", "canonical_request", "digest"):
        assert produced[stage] == expected[stage], stage
    for stage in ("jwt_header", "jwt_payload", "token"):
        assert produced[stage] == expected[stage], stage
    assert f"{produced['header_name']}: {produced['header_value']}" == expected["header"]
    assert vector["secret_key"].encode() not in result.stdout + result.stderr


def test_shell_exit_codes(tmp_path: Path) -> None:
    env = {"MP_ACCESS_KEY_ID": AK, "MP_SECRET_KEY": SK}
    signed = run_entry("sign", *BASE, "--token", env=env)
    assert signed.returncode == 0
    token = signed.stdout.decode().strip()
    valid = run_entry("verify", "-", *BASE[:4], "--now", "1700000000", stdin=signed.stdout, env=env)
    assert (valid.returncode, valid.stdout) == (0, b"valid\n")
    invalid = run_entry("verify", token, "--path", "/other", "--now", "1700000000", env=env)
    assert invalid.returncode == 1 and invalid.stdout.startswith(b"digest mismatch: ")
    usage = run_entry("sign", "--path", "/a", "--ts", "tomorrow", env=env)
    assert usage.returncode == 2 and usage.stderr == b"mp-explorer: error: --ts: 'tomorrow' is not an integer\n"
    missing = run_entry("decrypt", "QUJD", "--private-key", str(tmp_path / "none.pem"))
    assert missing.returncode == 2 and b"cannot read" in missing.stderr
    (tmp_path / "k.pem").write_bytes(b"\xff\xfe\x00junk")
    failed = run_entry("decrypt", "-", "--private-key", str(tmp_path / "k.pem"), stdin=b"\xff\x00")
    assert failed.returncode == 1 and failed.stderr.count(b"\n") == 1


def test_shell_non_utf8_argv_bytes() -> None:
    env = {"MP_ACCESS_KEY_ID": AK, "MP_SECRET_KEY": SK}
    argv = [
        sys.executable.encode(),
        b"-m",
        b"explorer",
        b"sign",
        b"--path",
        b"/\xff",
        b"--query",
        b"\xfe=\xfd",
        b"--json",
    ]
    result = subprocess.run(argv, capture_output=True, cwd=ROOT, env={**os.environ, **env}, timeout=60)
    assert result.returncode == 0 and b"Traceback" not in result.stderr
    data = json.loads(result.stdout)
    assert data["canonical_uri"] == "/%FF/" and data["canonical_query"] == "%FE=%FD"


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_prints_the_installed_version_without_the_ui(flag: str) -> None:
    from importlib.metadata import version

    result = run_entry(flag)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == f"mp-explorer {version('mp-explorer')}\n"
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys\nfrom explorer.cli import main\ntry: main([{flag!r}])\nexcept SystemExit: pass\n"
            "print('textual' in sys.modules, file=sys.stderr)",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert probe.stderr.strip().splitlines()[-1] == "False"
