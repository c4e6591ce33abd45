"""Faults on demand: each kind observed by a real client over loopback, the route's validation, the bounds.

A sandbox of its own (not the session's shared one), so a fault left by a failing test reaches no
other module.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from explorer.sandbox import faults as faults_module
from explorer.sandbox.runner import SandboxHandle, start_background
from tests.sandbox_support import call, shared_home


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxHandle]:
    handle = start_background(data_dir=shared_home())
    yield handle
    handle.stop()


@pytest.fixture(autouse=True)
def no_faults(sandbox: SandboxHandle) -> Iterator[None]:
    sandbox.faults.clear()
    yield
    sandbox.faults.clear()


def users_call(sandbox: SandboxHandle):
    open_id = sandbox.state.user_for(sandbox.state.require_app(sandbox.app_id), None).open_id
    return call(sandbox, "GET", "/users", query=(("openId", open_id),))


def faults_url(sandbox: SandboxHandle) -> str:
    return f"{sandbox.base_url}/sandbox/v1/faults"


def test_no_fault_leaves_calls_alone(sandbox: SandboxHandle) -> None:
    assert users_call(sandbox).code == "000000"
    assert httpx.get(faults_url(sandbox)).json() == {"faults": []}


def test_code_fault_answers_the_next_call_then_stops(sandbox: SandboxHandle) -> None:
    created = httpx.post(faults_url(sandbox), json={"kind": "code", "code": "900231", "count": 2})
    assert created.status_code == 201, created.text
    assert created.json()["remaining"] == 2
    first, second, third = users_call(sandbox), users_call(sandbox), users_call(sandbox)
    assert (first.status, first.code, second.code, third.code) == (429, "900231", "900231", "000000")
    assert first.envelope is not None and first.envelope["success"] is False
    assert httpx.get(faults_url(sandbox)).json() == {"faults": []}


@pytest.mark.parametrize(("code", "status"), [("900003", 500), ("900200", 400)])
def test_other_codes_and_their_default_status(sandbox: SandboxHandle, code: str, status: int) -> None:
    sandbox.faults.fail_with_code(code)
    exchange = users_call(sandbox)
    assert (exchange.status, exchange.code) == (status, code)


def test_http_status_override(sandbox: SandboxHandle) -> None:
    sandbox.faults.fail_with_code("900231", http_status=200)
    exchange = users_call(sandbox)
    assert (exchange.status, exchange.code) == (200, "900231")


def test_endpoint_filter_spares_other_endpoints(sandbox: SandboxHandle) -> None:
    sandbox.faults.fail_with_code("900003", endpoint="SendPushMessage")
    assert users_call(sandbox).code == "000000"
    push = sandbox.mint_push_token()
    body = {"pushToken": push["pushToken"], "templateId": "t", "language": "en", "parameters": []}
    assert call(sandbox, "POST", "/message/send", body=body).code == "900003"
    # The faulted call never reached the handler: the push token is still unused.
    assert call(sandbox, "POST", "/message/send", body=body).code == "000000"


def test_http_5xx_is_an_html_page(sandbox: SandboxHandle) -> None:
    sandbox.faults.fail_with_status(502)
    exchange = users_call(sandbox)
    assert exchange.status == 502
    assert exchange.envelope is None
    assert b"502 Bad Gateway" in exchange.body


def test_delay_answers_late_but_answers(sandbox: SandboxHandle) -> None:
    sandbox.faults.delay(0.4)
    started = time.monotonic()
    exchange = users_call(sandbox)
    assert time.monotonic() - started >= 0.4
    assert exchange.code == "000000"


def test_close_drops_the_connection_and_the_server_keeps_serving(sandbox: SandboxHandle) -> None:
    sandbox.faults.close_connections()
    exchange = users_call(sandbox)
    assert exchange.status is None
    assert exchange.error_kind is not None, exchange
    with pytest.raises(httpx.RemoteProtocolError):
        sandbox.faults.close_connections()
        httpx.get(f"{sandbox.base_url}/mp-api/v1/apps/{sandbox.app_id}/users")
    assert users_call(sandbox).code == "000000"


def test_share_with_a_seed_fails_some_calls(sandbox: SandboxHandle) -> None:
    sandbox.faults.fail_with_code("900003", share=0.5, seed=7)
    codes = [users_call(sandbox).code for _ in range(20)]
    assert 0 < codes.count("900003") < 20
    listed = sandbox.faults.list()[0]
    assert (listed["seen"], listed["fired"], listed["remaining"]) == (20, codes.count("900003"), None)


def test_rate_limit_answers_900231_past_the_rate(sandbox: SandboxHandle) -> None:
    # One call per two seconds after a burst of two: slow enough that a loaded machine stays inside it.
    created = httpx.post(faults_url(sandbox), json={"kind": "rate_limit", "perSecond": 0.5, "burst": 2})
    assert created.status_code == 201, created.text
    codes = [users_call(sandbox).code for _ in range(4)]
    assert codes[:2] == ["000000", "000000"]
    assert "900231" in codes[2:]
    time.sleep(2.1)  # one token back
    assert users_call(sandbox).code == "000000"
    cleared = httpx.delete(faults_url(sandbox)).json()
    assert cleared == {"cleared": 1}
    assert [users_call(sandbox).code for _ in range(4)] == ["000000"] * 4


def test_faults_are_listed_and_removed_one_by_one(sandbox: SandboxHandle) -> None:
    first = sandbox.faults.fail_with_code("900231", count=5)
    second = sandbox.faults.delay(1, endpoint="GetUserPayId")
    listed = httpx.get(faults_url(sandbox)).json()["faults"]
    assert [fault["id"] for fault in listed] == [first["id"], second["id"]]
    assert listed[1]["endpoint"] == "GetUserPayId"
    assert httpx.delete(f"{faults_url(sandbox)}/{first['id']}").json() == {"removed": first["id"]}
    missing = httpx.delete(f"{faults_url(sandbox)}/{first['id']}")
    assert missing.status_code == 404 and missing.json()["code"] == "900001"
    assert [fault["id"] for fault in sandbox.faults.list()] == [second["id"]]


def test_sandbox_routes_are_never_faulted(sandbox: SandboxHandle) -> None:
    sandbox.faults.fail_with_code("900003", share=1.0)
    assert httpx.get(f"{sandbox.base_url}/sandbox/v1/health").status_code == 200
    assert httpx.post(f"{sandbox.base_url}/sandbox/v1/apps/{sandbox.app_id}/data-tokens").status_code == 200


BAD_SPECS = [
    (b"not json", "body"),
    (b"[1, 2]", "body"),
    (b'{"kind": "explode"}', "kind"),
    (b'{"kind": "code"}', "code"),
    (b'{"kind": "code", "code": 900231}', "code"),
    (b'{"kind": "code", "code": "000000"}', "code"),
    (b'{"kind": "code", "code": "900231", "count": 0}', "count"),
    (b'{"kind": "code", "code": "900231", "count": 1.5}', "count"),
    (b'{"kind": "code", "code": "900231", "share": 2}', "share"),
    (b'{"kind": "code", "code": "900231", "share": "half"}', "share"),
    (b'{"kind": "code", "code": "900231", "endpoint": "Nope"}', "endpoint"),
    (b'{"kind": "code", "code": "900231", "httpStatus": 99}', "httpStatus"),
    (b'{"kind": "http", "status": 404}', "status"),
    (b'{"kind": "delay"}', "seconds"),
    (b'{"kind": "delay", "seconds": 1e999}', "seconds"),
    (b'{"kind": "delay", "seconds": -1}', "seconds"),
    (b'{"kind": "rate_limit"}', "perSecond"),
    (b'{"kind": "rate_limit", "perSecond": 0}', "perSecond"),
    (b'{"kind": "rate_limit", "perSecond": 1, "count": 3}', "count"),
    (b'{"kind": "close", "surprise": 1}', "surprise"),
    (b'{"kind": "code", "code": "900231", "message": ' + b'"' + b"x" * 300 + b'"}', "message"),
    (b"[" * 100_000, "body"),
]


@pytest.mark.parametrize(("body", "field"), BAD_SPECS, ids=[field for _, field in BAD_SPECS])
def test_bad_specs_answer_900001_naming_the_field(sandbox: SandboxHandle, body: bytes, field: str) -> None:
    answer = httpx.post(faults_url(sandbox), content=body)
    assert answer.status_code == 400, answer.text
    envelope = answer.json()
    assert envelope["code"] == "900001"
    assert f"{field}:" in envelope["message"]
    assert sandbox.faults.list() == []


def test_the_table_is_bounded(sandbox: SandboxHandle) -> None:
    for _ in range(faults_module.MAX_FAULTS):
        sandbox.faults.delay(0, count=1000)
    answer = httpx.post(faults_url(sandbox), json={"kind": "close"})
    assert answer.status_code == 400
    assert f"at most {faults_module.MAX_FAULTS} faults" in answer.json()["message"]
    assert len(sandbox.faults.list()) == faults_module.MAX_FAULTS


def test_bad_fault_id(sandbox: SandboxHandle) -> None:
    answer = httpx.delete(f"{faults_url(sandbox)}/abc")
    assert answer.status_code == 400 and "faultId:" in answer.json()["message"]


def test_python_api_raises_a_clear_error() -> None:
    table = faults_module.Faults()
    with pytest.raises(faults_module.FaultSpecError, match="code: expected a six-digit"):
        table.fail_with_code("rate-limited")
    assert table.list() == []
