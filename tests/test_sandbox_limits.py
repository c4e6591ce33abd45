"""Limits and abuse: oversized bodies and heads, garbage bodies, odd paths, failures inside a
handler, bounded state, and 200 concurrent signed requests. The server keeps serving throughout."""

from __future__ import annotations

import asyncio
import json
import socket

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer import client, crypto, signing
from explorer.sandbox import state as state_module
from explorer.sandbox.limits import MAX_BODY_BYTES
from explorer.sandbox.runner import SandboxHandle, start_background
from tests.sandbox_support import call, multipart_type, shared_home, spec, wire


def raw_exchange(handle: SandboxHandle, head: bytes, body: bytes = b"") -> tuple[int, dict[str, str], dict]:
    """Send bytes on a fresh connection; return (status, headers, parsed JSON body)."""
    with socket.create_connection(("127.0.0.1", handle.port), timeout=5) as sock:
        sock.sendall(head)
        if body:
            sock.sendall(body)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            assert chunk, f"connection closed early: {data!r}"
            data += chunk
        header_block, _, rest = data.partition(b"\r\n\r\n")
        lines = header_block.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        length = int(headers["content-length"])
        while len(rest) < length:
            chunk = sock.recv(65536)
            assert chunk
            rest += chunk
    return status, headers, json.loads(rest[:length])


def still_serving(handle: SandboxHandle) -> None:
    assert httpx.get(f"{handle.base_url}/sandbox/v1/health").json() == {"status": "ok"}
    assert call(handle, "GET", "/skus", (("limit", "1"),)).code == "000000"


def upload_head(handle: SandboxHandle, extra: str) -> bytes:
    return f"POST /mp-api/v1/apps/{handle.app_id}/files/upload HTTP/1.1\r\nHost: sandbox\r\n{extra}\r\n".encode()


def test_declared_oversized_body_is_413_without_reading(sandbox: SandboxHandle) -> None:
    status, headers, body = raw_exchange(sandbox, upload_head(sandbox, "Content-Length: 5000000\r\n"))
    assert status == 413 and body["code"] == "900001" and body["success"] is False
    assert str(MAX_BODY_BYTES) in body["message"] and headers.get("connection") == "close"
    still_serving(sandbox)


def test_streamed_oversized_body_is_413(sandbox: SandboxHandle) -> None:
    chunk = b"x" * 65536
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(MAX_BODY_BYTES // len(chunk) + 2))
    status, _, body = raw_exchange(
        sandbox, upload_head(sandbox, "Transfer-Encoding: chunked\r\n"), chunks + b"0\r\n\r\n"
    )
    assert status == 413 and body["code"] == "900001"
    still_serving(sandbox)


def test_body_at_the_cap_is_read(sandbox: SandboxHandle) -> None:
    body = b"\x00" * MAX_BODY_BYTES
    exchange = call(sandbox, "POST", "/files/upload", body=body, content_type=multipart_type())
    assert exchange.status == 400 and exchange.code == "900001"  # read, verified, then not multipart


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"--mpxboundary7MA4YWxk\r\ngarbage with no headers", None),
        (b"\x00\xff\xfe random bytes", None),
        (b'--other\r\nContent-Disposition: form-data; name="f"; filename="a.png"\r\n\r\nxx\r\n--other--', None),
        (b"whatever", "multipart/form-data"),  # no boundary
        (b"whatever", "multipart/form-data; boundary="),
    ],
)
def test_garbage_multipart(sandbox: SandboxHandle, body: bytes, content_type: str | None) -> None:
    exchange = call(sandbox, "POST", "/files/upload", body=body, content_type=content_type or multipart_type())
    assert exchange.status == 400 and exchange.code == "900001", exchange.envelope
    still_serving(sandbox)


@pytest.mark.parametrize(
    "body",
    [b"[" * 100_000 + b"]" * 100_000, b"\xff\xfe{}", b'{"templateId": "t"', b"null", b'"text"', b"1e999999"],
)
def test_garbage_json(sandbox: SandboxHandle, body: bytes) -> None:
    exchange = call(sandbox, "POST", "/message/broadcast", body=body, content_type="application/json")
    assert exchange.code == "900001" and exchange.status == 400, exchange.envelope
    still_serving(sandbox)


@pytest.mark.parametrize(
    "target",
    [
        b"/mp-api/%ZZ/../x",
        b"/mp-api/v1/apps/%C0%AF/skus",
        b"/mp-api/v1/apps/%ff%fe/user-open-data?openData=%ZZ&&&==",
        b"/mp-api/../../../etc/passwd",
        b"/mp-api/v1/apps//skus",
        b"/mp-api",
        b"/mp-api/",
        b"/mp-api/v1/apps/x/skus?" + b"&".join([b"a=1"] * 1000),
        b"/sandbox/v1/apps/%00/users",
        b"/%2e%2e/%2e%2e",
        b"//////",
    ],
)
def test_odd_paths_answer_envelopes(sandbox: SandboxHandle, target: bytes) -> None:
    status, _, body = raw_exchange(sandbox, b"GET " + target + b" HTTP/1.1\r\nHost: sandbox\r\n\r\n")
    assert 400 <= status < 500
    assert set(body) >= {"code", "message", "data", "success"} and body["success"] is False
    assert len(body["code"]) == 6 and body["code"].isdigit()
    still_serving(sandbox)


def test_huge_query_and_headers(sandbox: SandboxHandle) -> None:
    long_query = b"GET /sandbox/v1/health?" + b"q" * 9000 + b" HTTP/1.1\r\nHost: sandbox\r\n\r\n"
    status, _, body = raw_exchange(sandbox, long_query)
    assert status == 414 and body["code"] == "900001"
    big_header = b"GET /sandbox/v1/health HTTP/1.1\r\nHost: sandbox\r\nX-Padding: " + b"p" * 20000 + b"\r\n\r\n"
    status, _, body = raw_exchange(sandbox, big_header)
    assert status == 431 and body["code"] == "900001"
    still_serving(sandbox)


def test_unexpected_failure_is_900003_and_the_server_lives_on() -> None:
    with start_background(data_dir=shared_home()) as handle:

        def explode(*args, **kwargs):
            raise RuntimeError("boom")

        handle.state.open_data = explode  # type: ignore[method-assign]
        minted = handle.mint_data_token()
        exchange = call(handle, "GET", "/user-open-data", (("openData", minted["dataToken"]),))
        assert exchange.status == 500 and exchange.code == "900003"
        assert exchange.envelope["success"] is False and "boom" not in exchange.body.decode()
        still_serving(handle)


def test_state_is_bounded(sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(state_module, "MAX_DATA_TOKENS", 5)
    first = sandbox.mint_data_token()
    for _ in range(5):
        sandbox.mint_data_token()
    assert len(sandbox.state.data_tokens) == 5
    exchange = call(sandbox, "GET", "/user-open-data", (("openData", first["dataToken"]),))
    assert exchange.code == "900201"  # evicted, so unknown


@pytest.mark.slow
async def test_200_concurrent_signed_requests(sandbox: SandboxHandle) -> None:
    private_key = crypto.load_private_key(sandbox.private_key_pem)
    users = httpx.get(f"{sandbox.base_url}/sandbox/v1/apps/{sandbox.app_id}/users").json()["users"][:3]
    limit = asyncio.Semaphore(32)
    jobs = []
    for index in range(200):
        if index % 2:
            user = users[index % 3]
            minted = sandbox.mint_data_token(open_id=user["openId"])
            jobs.append(
                ("open", user["openId"], spec(sandbox, "GET", "/user-open-data", (("openData", minted["dataToken"]),)))
            )
        else:
            user = users[index % 3]
            jobs.append(("pay", user["payId"], spec(sandbox, "GET", "/users", (("openId", user["openId"]),))))

    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=32)) as http:

        async def one(kind, expected, request):
            async with limit:
                sent = wire(sandbox, request)  # signed fresh, just before sending
                response = await http.request(sent.method, sent.url, headers=list(sent.headers), content=sent.body)
            body = response.json()
            assert body["code"] == "000000", body
            if kind == "open":
                assert crypto.decrypt_user_data(private_key, body["data"]["userData"]) == expected
            else:
                assert body["data"] == {"payId": expected}
            return True

        results = await asyncio.gather(*(one(*job) for job in jobs))
    assert len(results) == 200 and all(results)


def test_signed_through_client_send_still_fine_after_abuse(sandbox: SandboxHandle) -> None:
    request = spec(sandbox, "GET", "/users", (("openId", "x"),))
    assert client.send(wire(sandbox, request)).code == "900001"
    assert signing.HEADER_NAME in dict(wire(sandbox, request).headers)


_segments = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_path_parts = st.lists(
    st.one_of(st.sampled_from(["skus", "files", "upload", "users", "..", ".", "%2F", ""]), _segments), max_size=4
)
_json_bodies = st.builds(
    lambda value: json.dumps(value).encode(), st.dictionaries(_segments, st.integers() | _segments, max_size=4)
)
_content_types = st.sampled_from([None, "application/json", "multipart/form-data; boundary=x", "text/plain", "a/b;;;"])


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE"]),
    rest=_path_parts,
    query=st.lists(st.tuples(_segments, _segments), max_size=4),
    body=st.one_of(st.binary(max_size=300), _json_bodies),
    content_type=_content_types,
    signed=st.booleans(),
)
def test_fuzzed_requests_always_answer_an_envelope(
    sandbox: SandboxHandle, method, rest, query, body, content_type, signed
) -> None:
    from explorer.request import wire_path, wire_query

    path = f"/mp-api/v1/apps/{sandbox.app_id}/" + "/".join(rest)
    headers = {"content-type": content_type} if content_type else {}
    if signed:
        try:
            signature = signing.sign(
                method=method,
                path=path,
                query=query,
                body=body,
                access_key_id=sandbox.access_key_id,
                secret_key=sandbox.secret_key,
            )
            headers[signature.header_name] = signature.header_value
        except signing.SigningInputError:
            pass
    try:
        url = sandbox.base_url + wire_path(path) + ("?" + wire_query(query) if query else "")
    except signing.SigningInputError:
        return
    response = httpx.request(method, url, content=body, headers=headers)
    envelope = response.json()
    assert response.status_code < 500, envelope
    if "code" in envelope:
        assert len(envelope["code"]) == 6 and envelope["code"].isdigit()
        assert envelope["success"] is (envelope["code"] == "000000")
