"""Hostile client input against a real sandbox on loopback: refused at the boundary, never a 500.

Each case is one request a client can send (lone surrogates in JSON text or in a token's claims,
numbers with thousands of digits, percent-encoded bytes that are not UTF-8, oversized SKU fields,
an RFC 5987 upload name) and the answer it must get: the HTTP status, the envelope code and the
words that name the field. Afterwards the sandbox must still answer GetSKU and ListSKUs (a stored
value must never poison later answers), and a value that reached the state by another road must
still be written as valid JSON.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from explorer import signing
from explorer.sandbox.runner import SandboxHandle
from explorer.sandbox.state import MAX_SKU_BYTES, Sku
from tests.hardening import tally
from tests.hardening.sandbox_requests import PNG, Target, hs256_token, multipart, sandbox_route, send
from tests.sandbox_support import shared_sandbox

SURROGATE = "\ud800"
HUGE_DIGITS = "9" * 4_301


@pytest.fixture(scope="module")
def handle() -> SandboxHandle:
    return shared_sandbox()


@pytest.fixture(scope="module")
def target(handle: SandboxHandle) -> Target:
    return Target(handle.base_url, handle.app_id, handle.access_key_id, handle.secret_key)


@pytest.fixture(scope="module")
def client(handle: SandboxHandle) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=handle.base_url, timeout=30) as http:
        yield http


@pytest.fixture(scope="module")
def file_id(client: httpx.Client, target: Target) -> str:
    body, content_type = multipart('filename="cover.png"')
    answer = send(client, target, "POST", "/files/upload", body=body, content_type=content_type)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["data"]["fileIds"][0])


@pytest.fixture(scope="module")
def sku_id(client: httpx.Client, target: Target, file_id: str) -> str:
    new = f"hostile-{uuid.uuid4().hex[:8]}"
    answer = send(client, target, "POST", "/skus", body=sku(file_id, skuId=new))
    assert answer.json()["code"] == "000000", answer.text
    return new


def sku(file_id: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "skuId": f"h-{uuid.uuid4().hex[:10]}",
        "names": {"en": "Hostile test"},
        "coverImageFileId": file_id,
        "sellingPrice": "1.00",
    }
    body.update(changes)
    return body


@dataclass(frozen=True)
class Refused:
    """What a hostile request must get: status, envelope code, and words in the message."""

    status: int
    code: str
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Case:
    name: str
    # (client, target, file id, existing sku id) -> the answer
    request: Callable[[httpx.Client, Target, str, str], httpx.Response]
    expect: Refused
    surface: str = "Open API"


def _token(target: Target, header: dict[str, Any], claims: dict[str, Any], signature: str = "AAAA") -> str:
    payload = {"iss": target.access_key_id, "dig": "0" * 64, "ts": signing.now_ts()}
    payload.update(claims)
    return hs256_token(header, payload, signature)


HS256 = {"alg": "HS256", "typ": "JWT"}
NONE = {"alg": "none", "typ": "JWT"}

CASES = [
    Case(
        "SKU names.en is a lone surrogate",
        lambda c, t, f, s: send(c, t, "POST", "/skus", body=sku(f, names={"en": SURROGATE})),
        Refused(400, "900001", ("names.en", "surrogate")),
    ),
    Case(
        "SKU names key is a lone surrogate",
        lambda c, t, f, s: send(c, t, "POST", "/skus", body=sku(f, names={"en": "x", "\udc00": "y"})),
        Refused(400, "900001", ("names", "surrogate", "key")),
    ),
    Case(
        "SKU description is a low surrogate",
        lambda c, t, f, s: send(c, t, "POST", "/skus", body=sku(f, description="ok \udfff")),
        Refused(400, "900001", ("description", "surrogate")),
    ),
    Case(
        "SKU categories item is a lone surrogate",
        lambda c, t, f, s: send(c, t, "POST", "/skus", body=sku(f, categories=["a", SURROGATE])),
        Refused(400, "900001", ("categories[1]", "surrogate")),
    ),
    Case(
        "UpdateSKU names.en is a lone surrogate",
        lambda c, t, f, s: send(c, t, "PATCH", f"/skus/{s}", body={"names": {"en": SURROGATE}}),
        Refused(400, "900001", ("names.en", "surrogate")),
    ),
    Case(
        "ActivateSKU status is a lone surrogate",
        lambda c, t, f, s: send(c, t, "PUT", f"/skus/{s}/activate", body={"status": SURROGATE}),
        Refused(400, "900001", ("status", "surrogate")),
    ),
    Case(
        "SendPushMessage templateId is a lone surrogate",
        lambda c, t, f, s: send(
            c, t, "POST", "/message/send", body={"pushToken": "pt_x", "templateId": SURROGATE, "language": "en"}
        ),
        Refused(400, "900001", ("templateId", "surrogate")),
    ),
    Case(
        "BroadcastMessage parameter value is a lone surrogate",
        lambda c, t, f, s: send(
            c,
            t,
            "POST",
            "/message/broadcast",
            body={"templateId": "t", "language": "en", "parameters": [{"name": "n", "value": SURROGATE}]},
        ),
        Refused(400, "900001", ("parameters[0].value", "surrogate")),
    ),
    Case(
        "ListSKUs page with 4,301 digits",
        lambda c, t, f, s: send(c, t, "GET", "/skus", query=[("page", HUGE_DIGITS)]),
        Refused(400, "900001", ("page", "4301-digit")),
    ),
    Case(
        "ListSKUs limit with 5,000 digits",
        lambda c, t, f, s: send(c, t, "GET", "/skus", query=[("limit", "1" * 5_000)]),
        Refused(400, "900001", ("limit", "5000-digit")),
    ),
    Case(
        "ListSKUs page 1 written with 5,000 leading zeros",
        lambda c, t, f, s: send(c, t, "GET", "/skus", query=[("page", "0" * 5_000 + "1")]),
        Refused(200, "000000"),
    ),
    Case(
        "discountPercentage with 4,299 digits is not echoed whole",
        lambda c, t, f, s: send(c, t, "POST", "/skus", body=sku(f, discountPercentage=10**4298)),
        Refused(400, "900001", ("discountPercentage", "4,299-digit number")),
    ),
    Case(
        "a JSON number with 5,000 digits",
        lambda c, t, f, s: send(
            c, t, "POST", "/skus", body=b'{"skuId": "n", "discountPercentage": ' + b"7" * 5_000 + b"}"
        ),
        Refused(400, "900001", ("body", "not JSON")),
    ),
    Case(
        "GetUserPayId openId is %ED%A0%80 (a surrogate's UTF-8 bytes)",
        lambda c, t, f, s: send(c, t, "GET", "/users", query="openId=%ED%A0%80"),
        Refused(400, "900001", ("openId", "UTF-8")),
    ),
    Case(
        "GetUserOpenId openData is %FF",
        lambda c, t, f, s: send(c, t, "GET", "/user-open-data", query="openData=%FF"),
        Refused(400, "900001", ("openData", "UTF-8")),
    ),
    Case(
        "token dig is a lone surrogate, bad signature",
        lambda c, t, f, s: send(c, t, "GET", "/skus", token=_token(t, HS256, {"dig": SURROGATE})),
        Refused(401, "900002", ("bad signature",)),
    ),
    Case(
        "token dig is a lone surrogate, alg none",
        lambda c, t, f, s: send(c, t, "GET", "/skus", token=_token(t, NONE, {"dig": SURROGATE}, "")),
        Refused(401, "900002", ("HS256",)),
    ),
    Case(
        "token iss and dig are lone surrogates, alg none",
        lambda c, t, f, s: send(
            c, t, "GET", "/users", query=[("openId", "x")], token=_token(t, NONE, {"iss": "\udbff", "dig": "\udc00"})
        ),
        Refused(401, "900002", ("HS256",)),
    ),
    Case(
        "token ts with 4,300 digits and dig a float (the 900002 diagnosis overflowed)",
        lambda c, t, f, s: send(c, t, "POST", "/skus", body={}, token=_token(t, HS256, {"ts": 10**4299, "dig": 1e308})),
        Refused(401, "900002"),
    ),
    Case(
        "token header alg is a lone surrogate",
        lambda c, t, f, s: send(c, t, "GET", "/skus", token=_token(t, {"alg": SURROGATE}, {})),
        Refused(401, "900002"),
    ),
    Case(
        "SKU names.en of 1 MB",
        lambda c, t, f, s: send(c, t, "POST", "/skus", body=sku(f, names={"en": "n" * 1_000_000})),
        Refused(400, "900001", ("names.en", "1,000,000 characters", "names are short")),
    ),
    Case(
        "SKU over the per-SKU size cap (32 names of 255 four-byte characters, description of 4,096)",
        lambda c, t, f, s: send(
            c,
            t,
            "POST",
            "/skus",
            body=sku(
                f,
                names={"en": "x", **{f"l{n}": "\U0001f600" * 255 for n in range(31)}},
                description="\U0001f600" * 4096,
            ),
        ),
        Refused(400, "900001", ("bytes per SKU", f"{MAX_SKU_BYTES:,}", "the real API's fields are short")),
    ),
    Case(
        "UploadFile naming its file with filename*= only",
        lambda c, t, f, s: send(
            c,
            t,
            "POST",
            "/files/upload",
            body=multipart("filename*=UTF-8''cover.png")[0],
            content_type=multipart("")[1],
        ),
        Refused(400, "900001", ("filename*=", "RFC 7578")),
    ),
    Case(
        "mint a data token for openId that is a lone surrogate",
        lambda c, t, f, s: sandbox_route(c, t, "POST", "/data-tokens", {"openId": SURROGATE}),
        Refused(400, "900001", ("openId", "surrogate")),
        "sandbox routes",
    ),
    Case(
        "mint a data token with scope a lone surrogate",
        lambda c, t, f, s: sandbox_route(c, t, "POST", "/data-tokens", {"scope": SURROGATE}),
        Refused(400, "900001", ("scope", "surrogate")),
        "sandbox routes",
    ),
    Case(
        "mint a push token for openId that is a lone surrogate",
        lambda c, t, f, s: sandbox_route(c, t, "POST", "/push-tokens", {"openId": "\udfff"}),
        Refused(400, "900001", ("openId", "surrogate")),
        "sandbox routes",
    ),
    Case(
        "audit with auditStatus a lone surrogate",
        lambda c, t, f, s: sandbox_route(c, t, "POST", f"/skus/{s}/audit", {"auditStatus": SURROGATE}),
        Refused(400, "900001", ("auditStatus", "surrogate")),
        "sandbox routes",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_request_is_refused_at_the_boundary(
    case: Case, client: httpx.Client, target: Target, file_id: str, sku_id: str
) -> None:
    answer = case.request(client, target, file_id, sku_id)
    envelope = answer.json()
    assert (answer.status_code, envelope["code"]) == (case.expect.status, case.expect.code), answer.text[:500]
    message = envelope["message"] or ""
    for word in case.expect.words:
        assert word in message, (word, message[:500])
    assert len(answer.content) < 20_000, "the answer echoes the hostile value whole"
    # Nothing stored poisons later answers.
    for rest in (f"/skus/{sku_id}", "/skus"):
        after = send(client, target, "GET", rest)
        assert after.status_code == 200 and after.json()["code"] == "000000", after.text[:300]
    tally.count("sandbox hostile input", case.surface)


def test_a_stored_value_that_utf8_cannot_encode_still_renders(
    handle: SandboxHandle, client: httpx.Client, target: Target, file_id: str
) -> None:
    """Validation refuses surrogates; a value that reached the state another way must not break answers."""
    app = handle.state.require_app(handle.app_id)
    poisoned = f"poisoned-{uuid.uuid4().hex[:8]}"
    info = {"skuId": poisoned, "names": {"en": SURROGATE}, "coverImageFileId": file_id, "sellingPrice": "1"}
    handle.state.add_sku(app, Sku(sku_id=poisoned, audit_info=info))
    try:
        for method, rest in (("GET", f"/skus/{poisoned}"), ("GET", "/skus?limit=50")):
            answer = send(client, target, method, rest.split("?")[0], query=rest.partition("?")[2])
            assert answer.status_code == 200 and answer.json()["code"] == "000000", answer.text[:300]
            assert "\\ud800" in answer.text  # written as JSON's escape, valid UTF-8 on the wire
        audited = sandbox_route(client, target, "POST", f"/skus/{poisoned}/audit", {"auditStatus": "APPROVED"})
        assert audited.status_code == 200, audited.text[:300]
        assert audited.json()["sku"]["online"]["info"]["names"]["en"] == SURROGATE
    finally:
        with handle.state.lock:
            handle.state._forget_sku(app, poisoned)
    tally.count("sandbox hostile input", "stored values")


def test_upload_with_both_filename_forms_uses_the_plain_one(client: httpx.Client, target: Target) -> None:
    body, content_type = multipart("filename=\"cover.png\"; filename*=UTF-8''cover%20%C3%A9.png", PNG)
    answer = send(client, target, "POST", "/files/upload", body=body, content_type=content_type)
    assert answer.status_code == 200 and answer.json()["code"] == "000000", answer.text
    tally.count("sandbox hostile input", "Open API")
