"""The bad-input corpus through the headless CLI: `sign`, `verify` and `decrypt`.

Each case runs `explorer.cli.main` in-process: the exit code, the words on the stream the corpus
names, and never a traceback. A handful also run through the installed `mp-explorer` to show
the real entry point answers the same.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from explorer.cli import main
from tests.hardening import corpus, tally
from tests.hardening.corpus import ACCESS_KEY, SECRET, Case

CREDENTIALS = ["--access-key-id", ACCESS_KEY, "--secret-key", SECRET, "--ts", "1700000000"]
PASS_VAR = "MP_CORPUS_PASSPHRASE"
ENTRY_POINT = Path(sys.executable).with_name("mp-explorer")


def arguments(case: Case, folder: Path, keys: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """The command line (and environment) that hands this case's value to the CLI."""
    value = case.build()
    text = value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else value
    if case.input == "private-key":
        if isinstance(value, str) and value.startswith("/") and "\n" not in value:
            path = value
        else:
            file = folder / f"{case.name}.key"
            file.write_bytes(value if isinstance(value, bytes) else value.encode())
            path = str(file)
        return ["decrypt", keys["ciphertext"], "--private-key", path], {}
    if case.input == "passphrase":
        argv = ["decrypt", keys["ciphertext"], "--private-key", keys["encrypted"], "--passphrase-env", PASS_VAR]
        return argv, {PASS_VAR: text}
    if case.input == "user-data":
        return ["decrypt", text, "--private-key", keys["good"]], {}
    if case.input == "token":
        return ["verify", text, "--path", "/x", "--secret-key", SECRET, "--now", "1700000000"], {}
    sign = ["sign", *CREDENTIALS]
    if case.input == "target":
        if case.cli_flag == "--url":
            return [*sign, "--url", text], {}
        return [*sign, "--path", "/x", "--base-url", text, "--curl"], {}
    if case.input == "path":
        return [*sign, "--path", text], {}
    if case.input == "query":
        if case.cli_flag == "--url":
            return [*sign, "--url", f"https://h/x?{text}"], {}
        pairs = [f"--query={line}" for line in text.split("\n")]
        return [*sign, "--path", "/x", *pairs], {}
    if case.input == "body":
        file = folder / f"{case.name}.body"
        file.write_bytes(value if isinstance(value, bytes) else value.encode("utf-8"))
        return [*sign, "--path", "/x", "--body-file", str(file)], {}
    flags = {"ts": "--ts", "method": "--method", "access-key-id": "--access-key-id", "secret-key": "--secret-key"}
    argv = [*sign, "--path", "/x", f"{flags[case.input]}={text}"]
    return argv, {}


@pytest.mark.parametrize("case", corpus.cases_for("CLI"), ids=lambda case: case.name)
def test_bad_input_on_the_command_line(
    case: Case,
    key_files: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert case.cli is not None
    argv, env = arguments(case, tmp_path, key_files)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for name in ("MP_ACCESS_KEY_ID", "MP_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    stream = out if case.cli.stream == "stdout" else err
    assert code == case.cli.code, (case.name, code, out[-500:], err[-500:])
    missing = [word for word in case.cli.words if word not in stream]
    assert not missing, (case.name, missing, stream[-800:])
    assert "Traceback" not in out + err
    if code:
        assert err.strip() or out.strip(), "a refusal says why"
    tally.count("bad-input corpus", "CLI")


# Through the installed entry point: a key problem, a 1 MB ciphertext on stdin, a spoofed URL,
# a token with alg none and a fractional ts.
THROUGH_THE_ENTRY_POINT = ["pem-der-bytes", "ciphertext-1mb", "url-rtl-mark-in-host", "token-alg-none", "ts-float"]


@pytest.mark.parametrize("name", THROUGH_THE_ENTRY_POINT)
def test_the_installed_command_answers_the_same(name: str, key_files: dict[str, str], tmp_path: Path) -> None:
    case = corpus.BY_NAME[name]
    assert case.cli is not None
    argv, env = arguments(case, tmp_path, key_files)
    stdin = None
    if case.input == "user-data":
        # A megabyte is past what one argument may hold; `decrypt -` reads it from stdin.
        stdin, argv[1] = argv[1].encode(), "-"
    result = subprocess.run(
        [str(ENTRY_POINT), *argv],
        input=stdin,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **env},
        timeout=60,
        check=False,
    )
    out, err = result.stdout.decode("utf-8", "replace"), result.stderr.decode("utf-8", "replace")
    stream = out if case.cli.stream == "stdout" else err
    assert result.returncode == case.cli.code, (name, out[-300:], err[-300:])
    assert all(word in stream for word in case.cli.words), (name, stream[-500:])
    assert "Traceback" not in out + err
    tally.count("bad-input corpus", "CLI entry point")
