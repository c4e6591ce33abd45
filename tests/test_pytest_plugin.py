"""The pytest plugin, as a backend's own test suite uses it: a separate project in a temporary
directory, with its own Open API client (httpx, its own signing, a retry on 900231), tested with
nothing but the `mp_sandbox` fixtures; run by the installed package's pytest in a subprocess.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

BACKEND = '''
"""A backend's Open API client: its own signing (spec section 2), httpx, a retry on 900231."""

import base64
import hashlib
import hmac
import json
import time
from urllib.parse import quote

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding

RATE_LIMITED = "900231"


class RateLimited(Exception):
    pass


class OpenApiError(Exception):
    def __init__(self, status, code, message):
        super().__init__(f"{status} {code} {message}")
        self.status, self.code = status, code


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _encode(text: str) -> str:
    return quote(text, safe="-_.~")


def sign(method, path, query, body, access_key_id, secret_key, ts):
    uri = "/".join(_encode(part) for part in path.split("/"))
    uri = uri if uri.endswith("/") else uri + "/"
    pairs = sorted((_encode(name), _encode(value)) for name, value in query)
    canonical_query = "&".join(f"{name}={value}" for name, value in pairs)
    canonical = f"{method}\\n{uri}\\n{canonical_query}\\n{hashlib.sha256(body).hexdigest()}"
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64url(json.dumps({"iss": access_key_id, "dig": digest, "ts": ts}, separators=(",", ":")).encode())
    signature = hmac.new(secret_key.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64url(signature)}"


class OpenApi:
    def __init__(self, base_url, app_id, access_key_id, secret_key, retries=3, timeout=5.0):
        self.base_url, self.app_id = base_url, app_id
        self.access_key_id, self.secret_key = access_key_id, secret_key
        self.retries, self.timeout = retries, timeout
        self.attempts = 0

    def call(self, method, rest, query=(), payload=None):
        path = f"/mp-api/v1/apps/{self.app_id}{rest}"
        body = b"" if payload is None else json.dumps(payload).encode()
        for attempt in range(self.retries + 1):
            self.attempts += 1
            token = sign(method, path, query, body, self.access_key_id, self.secret_key, int(time.time()))
            headers = {"X-Mp-Open-Api-Token": token}
            if payload is not None:
                headers["Content-Type"] = "application/json"
            answer = httpx.request(method, self.base_url + path, params=list(query), content=body,
                                   headers=headers, timeout=self.timeout)
            try:
                envelope = answer.json()
            except ValueError:
                raise OpenApiError(answer.status_code, None, answer.text[:80]) from None
            if envelope.get("code") == RATE_LIMITED:
                if attempt < self.retries:
                    time.sleep(0.05 * 2**attempt)
                    continue
                raise RateLimited(envelope.get("message"))
            if envelope.get("code") != "000000":
                raise OpenApiError(answer.status_code, envelope.get("code"), envelope.get("message"))
            return envelope["data"]
        raise AssertionError("unreachable")

    def open_id(self, data_token, private_key_pem):
        data = self.call("GET", "/user-open-data", [("openData", data_token)])
        key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
        padded = data["userData"] + "=" * (-len(data["userData"]) % 4)
        return key.decrypt(base64.urlsafe_b64decode(padded), padding.PKCS1v15()).decode()

    def notify(self, push_token):
        payload = {"pushToken": push_token, "templateId": "tpl_1", "language": "en", "parameters": []}
        return self.call("POST", "/message/send", payload=payload) == {}
'''

TESTS = """
import httpx
import pytest

from backend import OpenApi, OpenApiError, RateLimited


def api(sandbox, **options):
    return OpenApi(sandbox.base_url, sandbox.app_id, sandbox.access_key_id, sandbox.secret_key, **options)


def test_open_id_round_trip(mp_sandbox):
    minted = mp_sandbox.mint_data_token()
    assert api(mp_sandbox).open_id(minted["dataToken"], mp_sandbox.private_key_pem) == minted["openId"]
    assert minted["openId"] in [user["openId"] for user in mp_sandbox.users]
    assert mp_sandbox.private_key_path.read_text() == mp_sandbox.private_key_pem


def test_retries_past_two_rate_limited_answers(mp_sandbox):
    mp_sandbox.faults.fail_with_code("900231", count=2, endpoint="SendPushMessage")
    client = api(mp_sandbox)
    assert client.notify(mp_sandbox.mint_push_token()["pushToken"])
    assert client.attempts == 3
    assert mp_sandbox.faults.list() == []


def test_gives_up_when_rate_limited_for_good(mp_sandbox):
    mp_sandbox.faults.fail_with_code("900231", count=50)
    client = api(mp_sandbox, retries=2)
    with pytest.raises(RateLimited):
        client.notify(mp_sandbox.mint_push_token()["pushToken"])
    assert client.attempts == 3


def test_a_fault_left_by_an_earlier_test_is_gone(mp_sandbox):
    # test_gives_up_when_rate_limited_for_good left 47 faulted calls; the plugin cleared them.
    assert mp_sandbox.faults.list() == []
    assert api(mp_sandbox).notify(mp_sandbox.mint_push_token()["pushToken"])


def test_rate_limit_then_retry_succeeds(mp_sandbox_fresh):
    # One call a second: the second and third calls come well within the second, however slow the machine.
    mp_sandbox_fresh.faults.rate_limit(1, burst=1)
    client = api(mp_sandbox_fresh, retries=8)
    for _ in range(3):
        assert client.notify(mp_sandbox_fresh.mint_push_token()["pushToken"])
    assert client.attempts > 3


@pytest.mark.parametrize("code", ["900003", "900200"])
def test_error_codes_reach_the_caller(mp_sandbox, code):
    mp_sandbox.faults.fail_with_code(code)
    with pytest.raises(OpenApiError) as raised:
        api(mp_sandbox).open_id(mp_sandbox.mint_data_token()["dataToken"], mp_sandbox.private_key_pem)
    assert raised.value.code == code


def test_an_expired_data_token_without_faults(mp_sandbox):
    with pytest.raises(OpenApiError) as raised:
        api(mp_sandbox).open_id(mp_sandbox.mint_data_token(ttl=0)["dataToken"], mp_sandbox.private_key_pem)
    assert raised.value.code == "900200"


def test_a_5xx_from_a_gateway(mp_sandbox):
    mp_sandbox.faults.fail_with_status(503)
    with pytest.raises(OpenApiError) as raised:
        api(mp_sandbox).notify(mp_sandbox.mint_push_token()["pushToken"])
    assert raised.value.status == 503


def test_a_slow_answer_times_out(mp_sandbox):
    mp_sandbox.faults.delay(1.0)
    with pytest.raises(httpx.ReadTimeout):
        api(mp_sandbox, timeout=0.3).notify(mp_sandbox.mint_push_token()["pushToken"])


def test_a_closed_connection(mp_sandbox):
    mp_sandbox.faults.close_connections()
    with pytest.raises(httpx.RemoteProtocolError):
        api(mp_sandbox).notify(mp_sandbox.mint_push_token()["pushToken"])


def test_fresh_is_its_own_sandbox(mp_sandbox, mp_sandbox_fresh):
    assert mp_sandbox_fresh.base_url != mp_sandbox.base_url
    assert mp_sandbox_fresh.app_id == mp_sandbox.app_id
    mp_sandbox_fresh.faults.fail_with_code("900003", share=1.0)
    assert api(mp_sandbox).notify(mp_sandbox.mint_push_token()["pushToken"])
"""


def run_project(tmp_path: Path) -> subprocess.CompletedProcess[str]:
    (tmp_path / "backend.py").write_text(textwrap.dedent(BACKEND))
    (tmp_path / "test_backend.py").write_text(textwrap.dedent(TESTS))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", "test_backend.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.slow  # a whole pytest run of a separate project in a subprocess
def test_a_backend_project_tests_itself_with_the_fixture_alone(tmp_path: Path) -> None:
    result = run_project(tmp_path)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "12 passed" in result.stdout, result.stdout[-2000:]


def test_the_plugin_loads_without_textual_or_the_server() -> None:
    code = (
        "import sys, explorer.sandbox.pytest_plugin; "
        "print([m for m in ('textual', 'uvicorn', 'starlette') if m in sys.modules])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]"


def readme_example(name: str) -> str:
    """The README's code block that starts with `# {name}`."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index(f"```python\n# {name}")
    return readme[start + len("```python\n") : readme.index("```\n", start + 10)]


@pytest.mark.slow  # a whole pytest run in a subprocess
def test_the_readme_example_passes_as_written(tmp_path: Path) -> None:
    (tmp_path / "notify.py").write_text(readme_example("notify.py"))
    (tmp_path / "test_notify.py").write_text(readme_example("test_notify.py"))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", "test_notify.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "2 passed" in result.stdout
