"""The export package without toolchains: what goes into the code, what is refused, `sign --code`.

The programs themselves are built and run in test_export_toolchains.py.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from explorer import signing
from explorer.cli import main
from explorer.export import (
    LANGUAGES,
    PROGRAM_LANGUAGES,
    ExportError,
    curl_command,
    export_request,
    httpie_command,
    program,
)
from explorer.export.literals import go_str, java_str, js_str, php_str
from explorer.request import RequestSpec, wire_request

SECRET = "sk-VERY-secret-0123456789abcdef0123"
ACCESS_KEY = "ak-visible-in-token-only"
PATH = "/mp-api/v1/apps/demo/user-open-data"


def _spec(**changes: object) -> RequestSpec:
    base = RequestSpec(
        method="GET",
        path=PATH,
        query=(("openData", "dt_abc"),),
        access_key_id=ACCESS_KEY,
        secret_key=SECRET,
        ts=1700000000,
    )
    return dataclasses.replace(base, **changes)


@pytest.mark.parametrize("language", PROGRAM_LANGUAGES)
def test_programs_carry_no_credential(language: str) -> None:
    text = program(language, export_request(_spec(body='{"a":"é"}'.encode()), "http://127.0.0.1:8080"))
    assert SECRET not in text
    assert ACCESS_KEY not in text
    for name in ("MP_ACCESS_KEY_ID", "MP_SECRET_KEY", "MP_PRIVATE_KEY_PATH"):
        assert name in text
    assert text.isascii(), "programs are ASCII: non-ASCII request text is escaped"


@pytest.mark.parametrize("language", PROGRAM_LANGUAGES)
def test_programs_name_every_stage(language: str) -> None:
    text = program(language, export_request(_spec(), "http://127.0.0.1:8080"))
    for stage in (
        "HTTPRequestMethod",
        "CanonicalURI",
        "CanonicalQueryString",
        "RequestPayload",
        "CanonicalRequest",
        "Digest",
        "JWT",
        "Header",
    ):
        assert stage in text, f"{language} program does not name the {stage} stage"


def test_commands_carry_the_token_never_the_secret() -> None:
    spec = _spec(method="POST", body='{"a":"é"}'.encode())
    wire = wire_request(spec, spec.sign(), "http://127.0.0.1:8080")
    for text in (curl_command(wire), httpie_command(wire)):
        assert SECRET not in text
        assert spec.sign().token in text


def test_httpie_sends_raw_bytes_not_items() -> None:
    spec = _spec(method="POST", body=b'{"a":1,"b":[2]}')
    text = httpie_command(wire_request(spec, spec.sign(), "http://127.0.0.1:8080"))
    assert '--raw \'{"a":1,"b":[2]}\'' in text
    assert "--path-as-is" in text


def test_httpie_binary_body_goes_through_stdin() -> None:
    spec = _spec(method="POST", body=b"\xff\x00\x01", content_type="application/octet-stream")
    text = httpie_command(wire_request(spec, spec.sign(), "http://127.0.0.1:8080"))
    assert text.startswith("printf %s /wAB | base64 -d | http ")
    assert "--ignore-stdin" not in text and "--raw" not in text


def test_user_data_endpoint_decrypts_others_do_not() -> None:
    assert export_request(_spec(), "http://h").user_data
    assert not export_request(_spec(path="/mp-api/v1/apps/demo/users"), "http://h").user_data
    assert not export_request(_spec(method="POST"), "http://h").user_data


def test_query_text_that_is_not_utf8_is_refused_with_a_message() -> None:
    pairs = signing.parse_query("openData=%FF")
    with pytest.raises(ExportError, match="not UTF-8"):
        export_request(_spec(query=tuple(pairs)), "http://h")


def test_a_reading_the_templates_do_not_implement_is_refused() -> None:
    @dataclasses.dataclass(frozen=True)
    class WiderRules(signing.Rules):
        decode_whole_path: bool = False

    export_request(_spec(), "http://h", WiderRules())  # the spec's value of an unknown option is fine
    with pytest.raises(ExportError, match="decode_whole_path=True is not implemented"):
        export_request(_spec(), "http://h", WiderRules(decode_whole_path=True))


def test_non_default_rules_are_marked_in_the_program() -> None:
    rules = signing.Rules(sort_query=False)
    text = program("node", export_request(_spec(), "http://h", rules))
    assert "const SORT_QUERY = false; // not the spec's default (true)" in text
    assert "const REMOVE_DOT_SEGMENTS = true;\n" in text


def test_bad_base_url_is_a_signing_input_error() -> None:
    with pytest.raises(signing.SigningInputError):
        export_request(_spec(), "ftp://h")


@pytest.mark.parametrize(
    ("function", "text", "expected"),
    [
        (js_str, 'a"\\\n😀', '"a\\"\\\\\\u000a\\ud83d\\ude00"'),
        (go_str, 'a"\\\n😀é', '"a\\"\\\\\\x0a\\U0001f600\\u00e9"'),
        # Java reads \u escapes before the source: a newline must never be written as \u000a.
        (java_str, 'a"\\\n😀', '"a\\"\\\\\\012\\ud83d\\ude00"'),
        (php_str, 'a"\\$\n😀', '"a\\"\\\\\\$\\x0a\\u{1f600}"'),
    ],
)
def test_string_literals_are_ascii_and_exact(function, text: str, expected: str) -> None:
    assert function(text) == expected


def test_languages_list_is_the_cli_list() -> None:
    from explorer.commands.sign import CODE_LANGUAGES

    assert tuple(LANGUAGES) == CODE_LANGUAGES
    assert set(PROGRAM_LANGUAGES) <= set(LANGUAGES)


# --- sign --code ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_env_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MP_ACCESS_KEY_ID", "MP_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)


def test_sign_code_program_needs_no_keys(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["sign", "--path", PATH, "--query", "openData=x y", "--base-url", "http://127.0.0.1:9", "--code", "go"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.startswith("// GET " + PATH)
    assert '{"openData", "x y"}' in out
    assert 'BaseURL     = "http://127.0.0.1:9"' in out


def test_sign_code_program_never_holds_the_secret_given(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["sign", "--path", PATH, "--secret-key", SECRET, "--access-key-id", ACCESS_KEY, "--code", "php"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert SECRET not in out and ACCESS_KEY not in out


def test_sign_code_program_refuses_ts(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["sign", "--path", PATH, "--ts", "1700000000", "--code", "java"])
    _, err = capsys.readouterr()
    assert code == 2
    assert "MP_TS" in err


def test_sign_code_curl_needs_keys(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["sign", "--path", PATH, "--code", "curl"])
    _, err = capsys.readouterr()
    assert code == 2
    assert "missing access key id" in err


def test_sign_code_httpie(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["sign", "--path", PATH, "--query", "openData=a", "--ts", "1700000000", "--access-key-id", ACCESS_KEY]
    code = main([*argv, "--secret-key", SECRET, "--code", "httpie"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert out.startswith("http --ignore-stdin --path-as-is GET 'https://")


def test_sign_code_bad_request_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["sign", "--path", "/a?b=c", "--code", "node"])
    _, err = capsys.readouterr()
    assert code == 2
    assert "path" in err and "Traceback" not in err


def test_readme_example_is_what_the_generator_writes(capsys: pytest.CaptureFixture[str]) -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    _, found, rest = readme.partition("The Python program for the spec's example request")
    assert found, "the README lost its example program"
    shown = rest.split("```python\n", 1)[1].split("```\n", 1)[0]
    path = "/mp-api/v1/apps/ozSQnakAm7apa6ew7crPYd/user-open-data"
    assert main(["sign", "--path", path, "--query", "openData=abc123", "--code", "python"]) == 0
    assert shown == capsys.readouterr().out


def test_java_program_never_holds_an_ascii_unicode_escape() -> None:
    # Java decodes \uXXXX before it parses, comments included: '\u000a' in a path would end the comment.
    from tests.hardening.test_export_hostile import JAVA_UNICODE_ESCAPE

    text = program("java", export_request(_spec(path="/p/\\u000a/\\u0022/é", query=(("q", "\\u000d"),)), "http://h"))
    assert [m.group(0) for m in JAVA_UNICODE_ESCAPE.finditer(text) if int(m.group(1), 16) < 0x80] == []


@pytest.mark.parametrize("language", ["python", "python-httpx"])
def test_python_programs_are_lint_clean(language: str, tmp_path: Any) -> None:
    # The code handed to users passes the checks this project holds itself to (ruff, 120 columns).
    import subprocess
    import sys
    from pathlib import Path

    for index, spec in enumerate([_spec(), _spec(method="POST", body='{"a":"é"}'.encode()), _spec(body=b"\xff")]):
        path = tmp_path / f"prog{index}.py"
        path.write_text(program(language, export_request(spec, "http://h")), encoding="ascii")
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run(
        [str(ruff), "check", "--isolated", "--select", "E,F,W,I,B,UP", "--line-length", "120", str(tmp_path)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout
