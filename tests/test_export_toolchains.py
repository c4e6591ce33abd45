"""Generated programs, built and run by the real toolchains: the vectors byte for byte, then the sandbox.

Per language, every program of the run (one per signing vector, two under other signing readings,
three sandbox calls) is written and compiled together, once. The vector programs run with
MP_DRY_RUN=1 and MP_TS pinned and must print the vector's canonical request, digest and token.
The sandbox programs run as their users run them, against the embedded sandbox on loopback, and
must get 000000; the GetUserOpenId program must print the openid the data token was minted for.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from explorer import signing
from explorer.export import ExportRequest, curl_command, export_request, httpie_command
from explorer.request import RequestSpec, wire_request
from tests import sandbox_support
from tests.conftest import load_vectors
from tests.toolchains import Built, build, require_toolchain, run_env, stages

# Builds and runs programs in five toolchains: minutes on a busy machine.
pytestmark = pytest.mark.slow

PROGRAM_LANGUAGES = ["python", "python-httpx", "node", "go", "java", "php"]
# Characters that need percent-encoding (space, '+', '/', '=', '&', UTF-8) in one openid.
OPEN_ID = "user é+/=& ✓"
BROADCAST = {
    "templateId": "tpl_welcome",
    "language": "zh-CN",
    "parameters": [{"name": "greeting", "value": "你好, Zoë — ✓ 😀"}, {"name": "amount", "value": "12.50"}],
}


HOSTILE_TEXT = [
    "*/",
    "?>",
    "</script>",
    "\\u000a",
    "\\u0022",
    "${x}",
    "#{x}",
    "{0}",
    '"""',
    "'''",
    "`",
    "@@BODY@@",
    "%s %d %%",
    "\\",
    "'",
    "\u2028\u2029",
    "\x00",
    "\x7f",
    "\x1b[31m",
    "\ud7ff\ue000",
    "\U0010ffff😀",
    "\r\n",
    "a=b&c=d",
    "+",
    " ",
]


@dataclass
class VectorCase:
    request: ExportRequest
    env: dict[str, str]
    expected: dict[str, str]


def _vector_cases() -> dict[str, VectorCase]:
    cases: dict[str, VectorCase] = {}
    for vector in load_vectors()["signing"]:
        spec = RequestSpec(
            method=vector["method"],
            path=vector["path"],
            query=tuple((name, value) for name, value in vector["query"]),
            body=vector["body"].encode("utf-8"),
        )
        cases[vector["name"]] = VectorCase(
            export_request(spec, "http://127.0.0.1:9"),
            {
                "MP_ACCESS_KEY_ID": vector["access_key_id"],
                "MP_SECRET_KEY": vector["secret_key"],
                "MP_TS": str(vector["ts"]),
            },
            {key: vector["expected"][key] for key in ("canonical_request", "digest", "token")},
        )
    # Two other readings of the chosen rules, checked against the core's own stages for them.
    readings = {
        "reading-keep-dots-unsorted-lower-hex": (
            signing.Rules(remove_dots=False, sort_query=False, upper_hex=False, keep_empty_equals=False),
            RequestSpec(
                method="get",
                path="/mp-api/v1/apps/x/./skus/../a b/%2fé/%2E%2E",
                query=(("b", "1"), ("a", ""), ("é", "x y+z"), ("A", "~!*'()"), ("c", 'q"\\u0041\n\t$x')),
                # Past the 65535-byte limit of a Java string constant, in non-ASCII text.
                body=("é" * 9000 + "\n").encode("utf-8"),
            ),
            "ключ-ak",
        ),
        "reading-raw-segments-raw-query-no-slash": (
            signing.Rules(encode_query=False, encode_segments=False, trailing_slash=False),
            RequestSpec(
                method="PATCH",
                path="mp-api/v1/apps/x/skus/é 1/.",
                query=(("z", "a b"), ("a", "ü"), ("a", "Z")),
                body=b"\xff\x00\x01binary\r\n" * 2000,
                content_type="application/octet-stream",
            ),
            'AK\t"quoted"\\😀',
        ),
    }
    # Three of the §6.1 readings at once, on a path and a query where each makes a difference.
    readings["reading-decoded-path-decoded-sort-empty-names-dropped"] = (
        signing.Rules(decode_path_before_split=True, sort_query_decoded=True, drop_empty_names=True),
        RequestSpec(
            method="GET",
            path="/mp-api/v1/apps/x/skus/a%2Fb/../c%2E%2E/%2e/%2E%2E/é%20x/%FF",
            query=(("a/", "1"), ("a-", "2"), ("Z", ""), ("[", "x"), ("z", "é"), ("é", "z"), ("", "v"), ("b", "é")),
        ),
        "testAccessKey",
    )
    readings["reading-decoded-path-dots-kept"] = (
        signing.Rules(decode_path_before_split=True, remove_dots=False, upper_hex=False),
        RequestSpec(method="GET", path="/a/%2E%2E/b%2fc/./d", query=(("", "v"), ("a-", "1"), ("a/", "2"))),
        "testAccessKey",
    )
    # Text that could end a literal, a comment or a template marker in one of the languages.
    readings["hostile-literals"] = (
        signing.SPEC_RULES,
        RequestSpec(
            method="POST",
            path='/p/*\\/ $x/`${x}`/"""/@@PATH@@/\\u000a/\u2028\u2029/%zz/%2F',
            query=tuple((str(i), value) for i, value in enumerate(HOSTILE_TEXT)),
            body="\n".join(HOSTILE_TEXT).encode("utf-8"),
        ),
        "ak */ ?> \\u0022",
    )
    for name, (rules, spec, access_key_id) in readings.items():
        secret = "sk-ü-0123456789abcdef0123456789abcdef"
        signature = signing.sign_with_rules(
            method=spec.method,
            path=spec.path,
            query=spec.query,
            body=spec.body,
            access_key_id=access_key_id,
            secret_key=secret,
            ts=1712345678,
            rules=rules,
        )
        cases[name] = VectorCase(
            export_request(spec, "http://127.0.0.1:9", rules),
            {"MP_ACCESS_KEY_ID": access_key_id, "MP_SECRET_KEY": secret, "MP_TS": "1712345678"},
            {"canonical_request": signature.canonical_request, "digest": signature.digest, "token": signature.token},
        )
    return cases


VECTOR_CASES = _vector_cases()


@dataclass
class SandboxCalls:
    handle: Any
    requests: dict[str, ExportRequest]
    specs: dict[str, RequestSpec]
    open_id: str
    pay_id: int


def _sandbox_calls() -> SandboxCalls:
    handle = sandbox_support.shared_sandbox()
    # Ten minutes instead of two: the token is embedded before the slowest compiler runs.
    minted = handle.mint_data_token(open_id=OPEN_ID, ttl=600)
    pay_id = handle.state.require_app(handle.app_id).users[OPEN_ID].pay_id
    specs = {
        "GetUserOpenId": sandbox_support.spec(handle, "GET", "/user-open-data", (("openData", minted["dataToken"]),)),
        "BroadcastMessage": sandbox_support.spec(
            handle,
            "POST",
            "/message/broadcast",
            body=json.dumps(BROADCAST, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
            content_type="application/json; charset=utf-8",
        ),
        "GetUserPayId": sandbox_support.spec(handle, "GET", "/users", (("openId", OPEN_ID),)),
        # Binary bytes (a PNG inside multipart/form-data) embedded as base64, hashed and sent whole.
        "UploadFile": sandbox_support.spec(
            handle,
            "POST",
            "/files/upload",
            body=sandbox_support.multipart("logo.png", sandbox_support.PNG_BYTES),
            content_type=sandbox_support.multipart_type(),
        ),
    }
    requests = {name: export_request(spec, handle.base_url) for name, spec in specs.items()}
    return SandboxCalls(handle, requests, specs, OPEN_ID, pay_id)


@pytest.fixture(scope="session")
def sandbox_calls() -> SandboxCalls:
    return _sandbox_calls()


_built: dict[str, Built] = {}


@pytest.fixture(scope="session")
def built(sandbox_calls: SandboxCalls, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """language -> Built: every program of the language, compiled once per run (on first use)."""

    def get(language: str) -> Built:
        if language not in _built:
            requests = {name: case.request for name, case in VECTOR_CASES.items()}
            requests.update({f"sandbox:{name}": request for name, request in sandbox_calls.requests.items()})
            _built[language] = build(language, requests, tmp_path_factory.mktemp(language.replace("-", "_")))
        return _built[language]

    return get


@pytest.mark.parametrize("language", PROGRAM_LANGUAGES)
def test_programs_reproduce_every_signing_vector(language: str, built: Any) -> None:
    programs: Built = built(language)
    failures = []
    for name, case in VECTOR_CASES.items():
        result = programs.run(name, run_env(MP_DRY_RUN="1", **case.env))
        if result.returncode != 0:
            failures.append(f"{name}: exit {result.returncode}\n{result.stderr[-2000:]}")
            continue
        got = stages(result.stdout)
        for key, expected in case.expected.items():
            if got[key] != expected:
                failures.append(f"{name}: {key}\n  got      {got[key]!r}\n  expected {expected!r}")
    assert not failures, f"{language}:\n" + "\n".join(failures)


def _sandbox_env(calls: SandboxCalls) -> dict[str, str]:
    handle = calls.handle
    return run_env(
        MP_ACCESS_KEY_ID=handle.access_key_id,
        MP_SECRET_KEY=handle.secret_key,
        MP_PRIVATE_KEY_PATH=str(handle.private_key_path),
    )


def _envelope(stdout: str) -> dict[str, Any]:
    # Line 1 "HTTP <status>", line 2 the envelope as received.
    lines = stdout.splitlines()
    assert len(lines) >= 2 and lines[0].startswith("HTTP "), stdout
    return json.loads(lines[1])


@pytest.mark.parametrize("language", PROGRAM_LANGUAGES)
def test_programs_call_the_sandbox(language: str, built: Any, sandbox_calls: SandboxCalls) -> None:
    programs: Built = built(language)
    env = _sandbox_env(sandbox_calls)
    for name in sandbox_calls.requests:
        result = programs.run(f"sandbox:{name}", env)
        assert result.returncode == 0, f"{language} {name}: exit {result.returncode}\n{result.stdout}\n{result.stderr}"
        envelope = _envelope(result.stdout)
        assert envelope["code"] == "000000", f"{language} {name}: {envelope}"
        if name == "GetUserOpenId":
            assert f"userData (decrypted): {sandbox_calls.open_id}\n" in result.stdout, result.stdout
        if name == "GetUserPayId":
            assert envelope["data"] == {"payId": sandbox_calls.pay_id}
        if name == "UploadFile":
            assert len(envelope["data"]["fileIds"]) == 1


def test_programs_fail_without_credentials(built: Any) -> None:
    # The credentials come from the environment only: without them a program says which is missing.
    programs: Built = built("node")
    result = programs.run("get-open-data", run_env(MP_DRY_RUN="1"))
    assert result.returncode == 2
    assert "MP_ACCESS_KEY_ID" in result.stderr


def test_sandbox_answers_900002_to_a_program_with_the_wrong_secret(built: Any, sandbox_calls: SandboxCalls) -> None:
    # The sandbox really checks what the programs send: a wrong secret is refused.
    programs: Built = built("python")
    env = _sandbox_env(sandbox_calls)
    env["MP_SECRET_KEY"] = "not-the-secret"
    result = programs.run("sandbox:GetUserPayId", env)
    assert result.returncode == 1
    assert _envelope(result.stdout)["code"] == "900002"


@pytest.mark.parametrize("tool", ["curl", "httpie"])
def test_commands_call_the_sandbox(tool: str, sandbox_calls: SandboxCalls) -> None:
    import shutil
    import sys

    executable = "curl" if tool == "curl" else "http"
    found = shutil.which(executable) or shutil.which(str(Path(sys.executable).parent / executable))
    if found is None:
        install = "Debian package curl" if tool == "curl" else "the test extra (pip install -e '.[test]', httpie)"
        pytest.fail(f"{executable} not found: install {install}", pytrace=False)
    env = run_env()
    env["PATH"] = f"{Path(found).parent}:{env.get('PATH', '')}"
    for name, spec in sandbox_calls.specs.items():
        if name == "GetUserOpenId":
            # A command cannot decrypt; it still must get the answer (a fresh token each run).
            minted = sandbox_calls.handle.mint_data_token(open_id=OPEN_ID)
            spec = sandbox_support.spec(
                sandbox_calls.handle, "GET", "/user-open-data", (("openData", minted["dataToken"]),)
            )
        wire = wire_request(spec, spec.sign(), sandbox_calls.handle.base_url)
        command = curl_command(wire) if tool == "curl" else httpie_command(wire)
        if tool == "curl":
            command += " --silent --show-error"
        result = subprocess.run(
            ["bash", "-c", command], capture_output=True, text=True, env=env, timeout=60, check=False
        )
        assert result.returncode == 0, f"{tool} {name}: {result.stderr}"
        envelope = json.loads(result.stdout)
        assert envelope["code"] == "000000", f"{tool} {name}: {envelope}"


def test_toolchain_check_fails_loudly_when_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(pytest.fail.Exception, match="install Debian package golang-go"):
        require_toolchain("go")


PASSPHRASE = "correct horse battery staple"
PASSPHRASE_LANGUAGES = PROGRAM_LANGUAGES


@pytest.fixture(scope="session")
def encrypted_key(sandbox_calls: SandboxCalls, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sandbox's private key as PKCS#8 "ENCRYPTED PRIVATE KEY" (PBES2: PBKDF2-HMAC-SHA256, AES-256-CBC)."""
    from cryptography.hazmat.primitives import serialization

    pem = Path(sandbox_calls.handle.private_key_path).read_bytes()
    key = serialization.load_pem_private_key(pem, password=None)
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(PASSPHRASE.encode("utf-8")),
    )
    assert encrypted.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    path = tmp_path_factory.mktemp("encrypted_key") / "key.pem"
    path.write_bytes(encrypted)
    return path


def _open_data_env(calls: SandboxCalls, key: Path, passphrase: str | None) -> dict[str, str]:
    env = _sandbox_env(calls)
    env["MP_PRIVATE_KEY_PATH"] = str(key)
    if passphrase is not None:
        env["MP_PRIVATE_KEY_PASSPHRASE"] = passphrase
    return env


def _one_line_error(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got:\n{stderr}"
    assert "Traceback" not in stderr and "Exception" not in stderr and "goroutine" not in stderr, stderr
    return lines[0]


@pytest.mark.parametrize("language", PASSPHRASE_LANGUAGES)
def test_programs_decrypt_with_a_passphrase_protected_key(
    language: str, built: Any, sandbox_calls: SandboxCalls, encrypted_key: Path
) -> None:
    programs: Built = built(language)
    result = programs.run("sandbox:GetUserOpenId", _open_data_env(sandbox_calls, encrypted_key, PASSPHRASE))
    assert result.returncode == 0, f"{language}: exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    assert _envelope(result.stdout)["code"] == "000000"
    assert f"userData (decrypted): {sandbox_calls.open_id}\n" in result.stdout, result.stdout

    # A wrong passphrase: a non-zero exit and one line that names the passphrase, no stack trace.
    result = programs.run("sandbox:GetUserOpenId", _open_data_env(sandbox_calls, encrypted_key, "not the passphrase"))
    assert result.returncode != 0, f"{language}: {result.stdout}"
    assert "passphrase" in _one_line_error(result.stderr).lower(), result.stderr
    assert "userData (decrypted)" not in result.stdout

    # No passphrase at all: the message says which variable is needed.
    result = programs.run("sandbox:GetUserOpenId", _open_data_env(sandbox_calls, encrypted_key, None))
    assert result.returncode != 0, f"{language}: {result.stdout}"
    assert "MP_PRIVATE_KEY_PASSPHRASE" in _one_line_error(result.stderr), result.stderr


# (AES bits, PBKDF2 PRF, key length written): variants OpenSSL writes with `pkcs8 -topk8 -v2 ... -v2prf ...`.
PBES2_VARIANTS = [(128, "sha1", False), (192, "sha256", True), (256, "sha1", True)]


@pytest.mark.parametrize("language", ["go", "java"])
def test_go_and_java_read_other_pbes2_variants(
    language: str, built: Any, sandbox_calls: SandboxCalls, tmp_path: Path
) -> None:
    # Go parses PBES2 itself and Java relies on the JDK: both get the variants beyond cryptography's one.
    from cryptography.hazmat.primitives import serialization

    from tests.pbes2_keys import encrypted_pkcs8

    programs: Built = built(language)
    key = serialization.load_pem_private_key(Path(sandbox_calls.handle.private_key_path).read_bytes(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    for bits, prf, key_length in PBES2_VARIANTS:
        path = tmp_path / f"aes{bits}-{prf}.pem"
        path.write_bytes(encrypted_pkcs8(key, PASSPHRASE.encode(), aes_bits=bits, prf=prf, write_key_length=key_length))
        result = programs.run("sandbox:GetUserOpenId", _open_data_env(sandbox_calls, path, PASSPHRASE))
        if language == "java" and bits == 192:
            # The JDK's PBES2 knows AES-128 and AES-256 only: one line that says how to convert the key.
            assert result.returncode == 1, result.stdout
            assert "openssl pkcs8 -topk8" in _one_line_error(result.stderr)
            continue
        assert result.returncode == 0, f"{language} AES-{bits} {prf}: {result.stdout}\n{result.stderr}"
        assert f"userData (decrypted): {sandbox_calls.open_id}\n" in result.stdout, result.stdout
        result = programs.run("sandbox:GetUserOpenId", _open_data_env(sandbox_calls, path, PASSPHRASE + "x"))
        assert result.returncode == 1, f"{language} AES-{bits} {prf} wrong passphrase: {result.stdout}"
        assert "passphrase" in _one_line_error(result.stderr).lower()
