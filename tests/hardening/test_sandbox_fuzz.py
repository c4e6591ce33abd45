"""Property test: every sandbox endpoint, driven with generated requests over real HTTP, never answers 500.

One sandbox on loopback for the module. Per endpoint (all eleven Open API endpoints and every
sandbox-only route), hypothesis draws the path parameters (existing ids or hostile text), the query
(hostile text, numbers of thousands of digits, non-UTF-8 percent-escapes), the body (generated
JSON with lone surrogates, huge and non-finite numbers, deep nesting, wrong types; the endpoint's
own fields with hostile values; raw bytes; nesting 100,000 deep) and the token (mostly signed
right, so the body reaches the endpoint's own checks; else crafted or garbage). Every answer must
be JSON, never HTTP 500, and on the Open API an envelope whose code is not 900003.

Fault routes install faults; each example that touches them clears the table afterwards, so no
answer here is a fault's deliberate 500. Examples per endpoint follow the hypothesis profile.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer import signing
from explorer.sandbox.runner import SandboxHandle, start_background
from tests.hardening import tally
from tests.hardening.fuzz_strategies import any_text, hostile_text, json_value
from tests.hardening.sandbox_requests import PNG, Target, hs256_token, multipart, send

# A sixth of the profile's examples per endpoint (50 under "ci", 1,666 under "long"): 20 endpoints
# over HTTP would otherwise take minutes on a shared machine.
FUZZ = settings(
    max_examples=max(50, settings.default.max_examples // 6),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)

SKU_FIELDS = (
    "skuId",
    "names",
    "category",
    "categories",
    "coverImageFileId",
    "sellingPrice",
    "originalPrice",
    "discountPercentage",
    "countryWhitelist",
    "countryBlacklist",
    "path",
    "description",
)
# (method, path after the app prefix, query names, JSON fields the endpoint reads)
OPEN_API = [
    ("GET", "/user-open-data", ("openData",), ()),
    ("GET", "/users", ("openId",), ()),
    ("POST", "/message/send", (), ("pushToken", "templateId", "language", "path", "parameters")),
    ("POST", "/message/broadcast", (), ("templateId", "language", "path", "parameters", "preview", "experienceUids")),
    ("POST", "/files/upload", (), ()),
    ("GET", "/files/{fileId}", (), ()),
    ("POST", "/skus", (), SKU_FIELDS),
    ("GET", "/skus/{skuId}", (), ()),
    ("GET", "/skus", ("page", "limit", "auditStatus"), ()),
    ("PATCH", "/skus/{skuId}", (), ("names", "category", "sellingPrice", "discountPercentage", "description")),
    ("PUT", "/skus/{skuId}/activate", (), ("status",)),
]
# (method, path with {appId} and ids, JSON fields)
SANDBOX_ROUTES = [
    ("GET", "/sandbox/v1/health", ()),
    ("GET", "/sandbox/v1/apps/{appId}/users", ()),
    ("POST", "/sandbox/v1/apps/{appId}/data-tokens", ("scope", "openId")),
    ("POST", "/sandbox/v1/apps/{appId}/push-tokens", ("openId",)),
    ("POST", "/sandbox/v1/apps/{appId}/skus/{skuId}/audit", ("auditStatus",)),
    ("GET", "/sandbox/v1/faults", ()),
    ("POST", "/sandbox/v1/faults", ("endpoint", "kind", "code", "status", "count", "share", "seconds", "message")),
    ("DELETE", "/sandbox/v1/faults", ()),
    ("DELETE", "/sandbox/v1/faults/{faultId}", ()),
]

huge_digits = st.integers(min_value=4_290, max_value=6_000).map(lambda n: "9" * n)
query_value = st.one_of(
    hostile_text,
    huge_digits,
    st.sampled_from(["", "0", "1", "50", "51", "-1", "1e3", "TODO", "%FF", "%ED%A0%80", "0" * 5000 + "7"]),
)
leaf = st.one_of(
    json_value,
    st.sampled_from([10**4299, -(10**4299), 1e308, 2**64, "", "\ud800", "\udfff x", [], {}]),
    any_text,
)


def deep(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


@st.composite
def json_body(draw: st.DrawFn, fields: tuple[str, ...]) -> bytes:
    """A body: the endpoint's fields with hostile values, any JSON, deep nesting, or raw bytes."""
    kind = draw(st.sampled_from(["fields", "fields", "fields", "any", "deep", "bytes", "number"]))
    if kind == "fields" and fields:
        chosen = draw(st.lists(st.sampled_from(fields), unique=True, max_size=len(fields)))
        value: Any = {name: draw(leaf, label=name) for name in chosen}
        if draw(st.booleans()):
            value["names"] = {draw(any_text, label="language"): draw(leaf, label="name")}
    elif kind == "deep":
        return deep(draw(st.sampled_from([500, 5_000, 100_000])))
    elif kind == "bytes":
        return draw(st.binary(max_size=200))
    elif kind == "number":
        return b'{"page": ' + b"9" * draw(st.integers(min_value=4_000, max_value=20_000)) + b"}"
    else:
        value = draw(json_value)
    try:
        return json.dumps(value, ensure_ascii=True).encode("ascii")
    except ValueError:  # an integer past the conversion limit: write the digits by hand
        return b"[" + b"9" * 5_000 + b"]"


@st.composite
def token(draw: st.DrawFn) -> str | None:
    """None: sign the request right. Otherwise a crafted or garbage token."""
    kind = draw(st.sampled_from(["signed"] * 6 + ["crafted", "garbage", "missing"]))
    if kind == "signed":
        return None
    if kind == "missing":
        return ""
    if kind == "garbage":
        return draw(st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=120))
    header = draw(st.one_of(st.just({"alg": "HS256", "typ": "JWT"}), st.just({"alg": "none"}), json_value))
    payload = draw(st.one_of(st.dictionaries(st.sampled_from(["iss", "dig", "ts"]), leaf), json_value))
    header = header if isinstance(header, dict) else {"h": header}
    payload = payload if isinstance(payload, dict) else {"p": payload}
    try:
        return hs256_token(header, payload, draw(st.sampled_from(["", "AAAA", "A" * 43])))
    except ValueError:
        return "e30.e30."


@pytest.fixture(scope="module")
def handle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxHandle]:
    home: Path = tmp_path_factory.mktemp("fuzz-home")
    with start_background(data_dir=home, file_check_delay=0) as running:
        yield running


@pytest.fixture(scope="module")
def client(handle: SandboxHandle) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=handle.base_url, timeout=60) as http:
        yield http


@pytest.fixture(scope="module")
def ids(handle: SandboxHandle, client: httpx.Client) -> dict[str, str]:
    """Ids that exist, so some examples reach past 'not found'."""
    app = handle.state.require_app(handle.app_id)
    stored = handle.state.add_file(app, "cover.png", "image/png", PNG)
    target = Target(handle.base_url, handle.app_id, handle.access_key_id, handle.secret_key)
    body = {"skuId": "fuzz-sku", "names": {"en": "Fuzz"}, "coverImageFileId": stored.file_id, "sellingPrice": "1"}

    assert send(client, target, "POST", "/skus", body=body).json()["code"] == "000000"
    return {"fileId": stored.file_id, "skuId": "fuzz-sku", "appId": handle.app_id, "faultId": "1"}


def escaped(text: str) -> str:
    """Percent-encoded UTF-8, lone surrogates included (as their three bytes: not UTF-8 any more)."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def fill(path: str, ids: dict[str, str], draw: st.DrawFn) -> str:
    for name, existing in ids.items():
        slot = "{" + name + "}"
        if slot in path:
            value = draw(st.one_of(st.just(existing), hostile_text), label=name)
            path = path.replace(slot, escaped(value) or "x")
    return path


def check(answer: httpx.Response, open_api: bool) -> None:
    assert answer.status_code != 500, answer.text[:500]
    envelope = answer.json()  # every answer is JSON
    if open_api or answer.status_code >= 400:
        assert isinstance(envelope.get("code"), str) and len(envelope["code"]) == 6, envelope
        assert envelope["code"] != "900003", envelope


@pytest.mark.parametrize(("method", "rest", "names", "fields"), OPEN_API, ids=[f"{m} {p}" for m, p, _, _ in OPEN_API])
@FUZZ
@given(data=st.data())
def test_open_api_endpoint_never_answers_500(
    handle: SandboxHandle,
    client: httpx.Client,
    ids: dict[str, str],
    method: str,
    rest: str,
    names: tuple[str, ...],
    fields: tuple[str, ...],
    data: st.DataObject,
) -> None:
    path = f"/mp-api/v1/apps/{handle.app_id}" + fill(rest, ids, data.draw)
    pairs = [(name, data.draw(query_value, label=name)) for name in names if data.draw(st.booleans(), label=name + "?")]
    pairs += data.draw(st.lists(st.tuples(hostile_text, hostile_text), max_size=2), label="extra query")
    raw_query = "&".join(f"{escaped(name)}={escaped(value)}" for name, value in pairs)
    content_type = "application/json"
    if rest == "/files/upload":
        disposition = data.draw(
            st.one_of(
                st.sampled_from(['filename="a.png"', "filename*=UTF-8''a.png", 'filename="a.gif"', "", 'filename=""']),
                hostile_text.map(lambda text: f'filename="{text}"'),
            ),
            label="disposition",
        )
        body, content_type = multipart(disposition.encode("utf-8", "surrogatepass").decode("latin-1"), PNG)
    elif method in ("POST", "PATCH", "PUT") or data.draw(st.booleans(), label="GET with a body"):
        body = data.draw(json_body(fields), label="body")
    else:
        body = b""
    content_type = data.draw(st.sampled_from([content_type] * 4 + ["text/plain", "application/x+json", ""]))
    crafted = data.draw(token(), label="token")
    headers = {"content-type": content_type} if content_type and body else {}
    if crafted is None:
        signature = signing.sign(
            method=method,
            path=path,
            query=raw_query,
            body=body,
            access_key_id=handle.access_key_id,
            secret_key=handle.secret_key,
        )
        headers[signature.header_name] = signature.header_value
    elif crafted:
        headers[signing.HEADER_NAME] = crafted
    url = path + (f"?{raw_query}" if raw_query else "")
    check(client.request(method, url, content=body, headers=headers), open_api=True)
    tally.count("sandbox fuzzing", f"{method} {rest}")


@pytest.mark.parametrize(("method", "rest", "fields"), SANDBOX_ROUTES, ids=[f"{m} {p}" for m, p, _ in SANDBOX_ROUTES])
@FUZZ
@given(data=st.data())
def test_sandbox_route_never_answers_500(
    handle: SandboxHandle,
    client: httpx.Client,
    ids: dict[str, str],
    method: str,
    rest: str,
    fields: tuple[str, ...],
    data: st.DataObject,
) -> None:
    path = fill(rest, ids, data.draw)
    body = data.draw(json_body(fields), label="body") if method == "POST" or data.draw(st.booleans()) else b""
    try:
        check(client.request(method, path, content=body), open_api=False)
    finally:
        if "/faults" in rest:
            client.delete("/sandbox/v1/faults")
    # The Open API still answers after whatever the route was given.
    tally.count("sandbox fuzzing", f"{method} {rest.replace('/sandbox/v1', '')}")
