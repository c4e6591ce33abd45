"""Hostile pastes, tokens and requests for the doctor: a clear message or a diagnosis, never a traceback,
and never a raw control character in what reaches the terminal."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer import doctor, signing
from tests.doctor_signer import NOW, b64url, make_token

RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")
URL = "https://h/mp-api/v1/apps/A/skus"
GOOD = make_token("x")


def _header_token(payload: bytes) -> str:
    head = b64url(b'{"alg":"HS256"}')
    return f"{head}.{b64url(payload)}.{b64url(b'sig')}"


# name -> (request text, token text or "" to take it from the request)
CORPUS: dict[str, tuple[str, str]] = {
    "ts infinity": (f"curl {URL}", make_token("x", ts=float("inf"))),
    "ts NaN": (f"curl {URL}", make_token("x", ts=float("nan"))),
    "ts of 5000 digits": (f"curl {URL}", _header_token(b'{"iss":"a","dig":"d","ts":' + b"9" * 5000 + b"}")),
    "ts of 4300 digits, dig a float": (
        f"curl {URL}",
        _header_token(b'{"iss":"a","dig":1e308,"ts":' + b"1" + b"0" * 4299 + b"}"),
    ),
    "payload nested 5000 deep": (f"curl {URL}", _header_token(b"[" * 5000 + b"]" * 5000)),
    "dig with escapes and controls": (f"curl {URL}", make_token(dig="\x1b[31m\u202e\x07\n")),
    "iss with escapes": (f"curl {URL}", make_token("x", iss="\x1b]52;c;AAAA\x07")),
    "token of 100 KiB": (f"curl {URL}", "eyJ" + "A" * 100_000 + ".e.e"),
    "token of dots": (f"curl {URL}", "." * 50),
    "escape in the URL": ("curl 'https://h/mp-api/v1/apps/A/sk\x1bus?a=\x1b[2J'", GOOD),
    "newline in the path": ("curl $'https://h/mp-api/v1/apps/A/sk\\nus'", GOOD),
    "NUL in a header": (f"curl {URL} -H $'X-Mp-Open-Api-Token: {GOOD}\\x00'", ""),
    "raw request of binary": ("\x00\xff\xfe GET / HTTP/1.1\r\n\r\n", GOOD),
    "raw request line only": ("GET", GOOD),
    "raw with a lying Content-Length": ("POST /a HTTP/1.1\nContent-Length: 99999999999999999999\n\nbody", GOOD),
    "raw body deep JSON": ("POST /a HTTP/1.1\n\n" + "[" * 100_000, GOOD),
    "curl of nothing": ("curl", GOOD),
    "curl with only options": ("curl -s -v -k", GOOD),
    "curl option without its value": (f"curl {URL} -H", GOOD),
    "curl with unbalanced $'": ("curl $'https://h/", GOOD),
    "curl with a 10 000-word line": ("curl " + " -s" * 10_000 + f" {URL}", GOOD),
    "bidi override in the method": (f"curl -X $'G\\u202eET' {URL}", GOOD),
    "password in the URL": ("curl https://alice:hunter2@h/mp-api/v1/apps/A/skus", GOOD),
}


def diagnose_text(request_text: str, token_text: str) -> str:
    """What the explorer's doctor screen does with a paste: a report or a problem, both as text."""
    try:
        request = doctor.parse_request(request_text)
    except doctor.RequestImportError as exc:
        return doctor.visible(str(exc))
    found = doctor.parse_token(token_text) if token_text else doctor.token_from_headers(request.headers)
    if found is None:
        return "no token"
    try:
        return doctor.render_text(doctor.diagnose(found, request, secret_key="k", access_key_id="a", now=NOW))
    except signing.SigningInputError as exc:
        return doctor.visible(str(exc))


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_hostile_input_gets_a_report_or_a_message(name: str) -> None:
    request_text, token_text = CORPUS[name]
    text = diagnose_text(request_text, token_text)
    assert text
    assert not RAW_CONTROL.search(text.replace("\n", "")), repr(text[:200])
    assert "\u202e" not in text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400), st.text(max_size=200))
def test_any_pasted_text_never_raises(request_text: str, token_text: str) -> None:
    diagnose_text(request_text, token_text)
    diagnose_text("curl " + request_text, token_text)
    diagnose_text("GET /mp-api/v1/apps/A/x HTTP/1.1\n" + request_text, token_text)


@pytest.mark.parametrize("name", ["escape in the URL", "dig with escapes and controls", "iss with escapes"])
def test_the_command_keeps_control_characters_off_the_terminal(name: str, tmp_path: Path) -> None:
    request_text, token_text = CORPUS[name]
    argv = ["doctor", "--curl", request_text, "--now", str(NOW)] + (["--token", token_text] if token_text else [])
    result = subprocess.run(
        [str(Path(sys.executable).with_name("mp-explorer")), *argv], capture_output=True, timeout=60, check=False
    )
    assert result.returncode in (1, 2), result.stderr
    assert b"Traceback" not in result.stderr
    for stream in (result.stdout, result.stderr):
        assert not RAW_CONTROL.search(stream.decode("utf-8", "replace").replace("\n", "")), stream[:300]


JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**4299), max_value=10**4299)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(st.sampled_from(["iss", "dig", "ts", "exp", "x"]), JSON_VALUES, max_size=5),
    st.dictionaries(st.sampled_from(["alg", "typ", "crit"]), JSON_VALUES, max_size=3),
    st.booleans(),
)
def test_any_claims_and_header_never_raise(claims: dict, header: dict, with_key: bool) -> None:
    import json

    token = ".".join(b64url(json.dumps(part).encode()) for part in (header, claims)) + "." + b64url(b"signature")
    request = doctor.ImportedRequest("POST", "/mp-api/v1/apps/A/skus", "a=1", (), b"{}")
    diagnosis = doctor.diagnose(
        doctor.FoundToken(token, signing.HEADER_NAME), request, secret_key="k" if with_key else None,
        access_key_id="A", now=NOW,
    )  # fmt: skip
    text = doctor.render_text(diagnosis)
    assert not RAW_CONTROL.search(text.replace("\n", ""))
    from explorer.commands import json_output

    json.loads(json_output.dumps(doctor.as_dict(diagnosis)), parse_constant=_refuse)  # strict JSON: no NaN


def _refuse(constant: str) -> object:
    raise ValueError(f"not JSON: {constant}")


@pytest.mark.parametrize("name", ["ts infinity", "ts NaN", "password in the URL"])
def test_the_command_prints_strict_json_and_no_password(name: str) -> None:
    import json

    request_text, token_text = CORPUS[name]
    argv = ["doctor", "--curl", request_text, "--now", str(NOW), "--json", "--token", token_text]
    result = subprocess.run(
        [str(Path(sys.executable).with_name("mp-explorer")), *argv], capture_output=True, timeout=60, check=False
    )
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout, parse_constant=_refuse)
    assert report["valid"] is False and b"hunter2" not in result.stdout
