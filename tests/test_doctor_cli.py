"""`mp-explorer doctor` through the real command line: inputs, exit codes, text and JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.cli import main
from tests.doctor_signer import AK, APP, EMPTY, HOST, NOW, SK, make_token

URL = f"{HOST}{APP}/user-open-data?openData=abc123"
NO_SLASH = make_token(f"GET\n{APP}/user-open-data\nopenData=abc123\n{EMPTY}")
GOOD = make_token(f"GET\n{APP}/user-open-data/\nopenData=abc123\n{EMPTY}")


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["doctor", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_curl_line_names_the_missing_slash(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MP_SECRET_KEY", raising=False)
    command = f"curl -sS '{URL}' \\\n  -H 'X-Mp-Open-Api-Token: {NO_SLASH}' -u user:pass"
    code, out, _ = run(["--curl", command, "--now", str(NOW)], capsys)
    assert code == 1
    assert "1. trailing '/' missing  [trailing-slash-missing]" in out
    assert "signature  cannot be checked without the secret key" in out
    assert f"signer {APP}/user-open-data\n" in out


def test_a_valid_token_exits_0(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    key = tmp_path / "sk.txt"
    key.write_text(SK + "\n")
    code, out, _ = run(
        ["--url", URL, "--token", f"X-Mp-Open-Api-Token: {GOOD}", "--secret-key-file", str(key),
         "--access-key-id", AK, "--now", str(NOW)],
        capsys,
    )  # fmt: skip
    assert code == 0, out
    assert out.rstrip().endswith("the token is valid for this request")


def test_a_token_without_a_readable_dig_says_so_instead_of_none(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--url", URL, "--token", "x.y.z", "--now", str(NOW)], capsys)
    assert code == 1 and "FAIL shape" in out
    dig_line = next(line for line in out.splitlines() if line.startswith("  dig "))
    assert "None" not in dig_line and "not read" in dig_line


def test_raw_request_from_a_file_and_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    body = '{"templateId":"tpl_1","language":"en"}'
    spaced = '{"templateId": "tpl_1", "language": "en"}'
    import hashlib

    token = make_token(f"POST\n{APP}/message/send/\n\n{hashlib.sha256(spaced.encode()).hexdigest()}")
    raw = tmp_path / "request.txt"
    raw.write_bytes(
        f"POST {APP}/message/send HTTP/1.1\r\nHost: dip-cb.binanceapi.com\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nX-Mp-Open-Api-Token: {token}\r\n\r\n{body}\n".encode()
    )
    code, out, _ = run(["--raw", str(raw), "--secret-key", SK, "--now", str(NOW), "--json"], capsys)
    assert code == 1
    result = json.loads(out)
    assert result["valid"] is False
    assert result["likely_mistakes"][0]["name"] == "body-json-spaces"
    assert result["findings"][0]["first_difference"] == {"line": "payload hash", "column": 0}
    assert [c["name"] for c in result["checks"]] == [
        "header",
        "shape",
        "alg",
        "signature",
        "claims",
        "iss",
        "ts",
        "dig",
    ]
    assert result["request"]["body_bytes"] == len(body)  # the log's trailing newline cut by Content-Length


def test_data_binary_at_file_is_read_byte_for_byte(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import hashlib

    body = b'{"a":1}\n'
    (tmp_path / "body.json").write_bytes(body)
    token = make_token(f"POST\n{APP}/message/send/\n\n{hashlib.sha256(body).hexdigest()}")
    command = f"curl {HOST}{APP}/message/send -H 'X-Mp-Open-Api-Token: {token}' --data-binary @{tmp_path}/body.json"
    code, out, _ = run(["--curl", command, "--now", str(NOW)], capsys)
    assert code == 0, out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "give the request"),
        (["--curl", "curl https://h/x -F a=@f"], "multipart"),
        (["--curl", "curl 'https://h/x"], "does not parse"),
        (["--curl", f"curl {URL} -d @/nonexistent/body"], "cannot read the file"),
        (["--curl", f"curl {URL}"], "no token"),
        (["--raw", "/nonexistent/request.txt"], "cannot read"),
        (["--curl", f"curl {URL}", "--path", "/x"], "give the request once"),
        (["--url", URL, "--token", GOOD, "--now", "soon"], "--now"),
    ],
)
def test_usage_errors_exit_2_with_a_message(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(argv, capsys)
    assert code == 2
    assert message in err and "Traceback" not in err


def test_installed_entry_point_reads_a_raw_request_from_stdin() -> None:
    exe = Path(sys.executable).with_name("mp-explorer")
    raw = (
        f"GET {APP}/user-open-data?openData=abc123 HTTP/1.1\nHost: dip-cb.binanceapi.com\n"
        f"Authorization: Bearer {GOOD}\n\n"
    )
    result = subprocess.run(
        [str(exe), "doctor", "--raw", "-", "--now", str(NOW)],
        input=raw.encode(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    out = result.stdout.decode()
    assert "FAIL header     sent as Authorization: Bearer <token>" in out
    assert "token sent as Authorization: Bearer" in out
    assert "ok   dig" in out


def _strict_json(text: str) -> object:
    def refuse(constant: str) -> object:
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("ts", [float("inf"), float("-inf"), float("nan")])
def test_json_stays_json_when_a_claim_is_not_a_finite_number(ts: float, capsys: pytest.CaptureFixture[str]) -> None:
    # Python's JSON reader takes 1e999 and NaN in a token; the report must still be strict JSON.
    token = make_token(f"GET\n{APP}/user-open-data/\nopenData=abc123\n{EMPTY}", ts=ts)
    code, out, _ = run(["--url", URL, "--token", token, "--now", str(NOW), "--json"], capsys)
    assert code == 1
    report = _strict_json(out)
    assert isinstance(report, dict) and report["valid"] is False
    shown = "NaN" if ts != ts else ("Infinity" if ts > 0 else "-Infinity")
    assert f'"{shown}"' in out


def test_a_password_in_the_url_is_not_printed(capsys: pytest.CaptureFixture[str]) -> None:
    url = URL.replace("://", "://alice:hunter2@")
    for extra in ([], ["--json"]):
        code, out, _ = run(["--url", url, "--token", GOOD, "--now", str(NOW), *extra], capsys)
        assert code in (0, 1)
        assert "hunter2" not in out and "alice:***@" in out


def test_mask_password_keeps_every_other_part() -> None:
    from explorer.doctor.importing import mask_password

    assert mask_password("https://a:b@h.example:8443/p?q=1") == "https://a:***@h.example:8443/p?q=1"
    assert mask_password("https://a@h.example/p") == "https://a@h.example/p"
    assert mask_password("https://h.example/p") == "https://h.example/p"
    assert mask_password("https://a:b:c@d@h.example/") == "https://a:***@h.example/"
    assert mask_password("http://[::1/x") == "http://[::1/x"
