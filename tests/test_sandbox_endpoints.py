"""Every Open API endpoint of the sandbox: its success answer and each documented error.

Requests are signed with explorer.signing.sign, built with explorer.request.wire_request and sent
with explorer.client.send to a real sandbox on loopback.
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from explorer import crypto
from explorer.sandbox.runner import SandboxHandle
from tests.sandbox_support import JPEG_BYTES, PNG_BYTES, call, multipart, multipart_type


@pytest.fixture(scope="session")
def private_key(sandbox: SandboxHandle):
    return crypto.load_private_key(sandbox.private_key_pem)


def users(sandbox: SandboxHandle) -> list[dict]:
    return httpx.get(f"{sandbox.base_url}/sandbox/v1/apps/{sandbox.app_id}/users").json()["users"]


def upload(sandbox: SandboxHandle, filename: str = "cover.png", content: bytes = PNG_BYTES):
    return call(sandbox, "POST", "/files/upload", body=multipart(filename, content), content_type=multipart_type())


def uploaded_file_id(sandbox: SandboxHandle) -> str:
    exchange = upload(sandbox)
    assert exchange.code == "000000", exchange.envelope
    return exchange.data["fileIds"][0]


def sku_body(sandbox: SandboxHandle, **changes) -> dict:
    body = {
        "skuId": "sku_" + uuid.uuid4().hex[:12],
        "names": {"en": "100 points", "zh": "100 点"},
        "category": "GAME",
        "coverImageFileId": uploaded_file_id(sandbox),
        "sellingPrice": "1.99",
        "originalPrice": "2.49",
        "discountPercentage": 20,
        "countryWhitelist": ["SG", "FR"],
        "path": "pages/sku/index",
        "description": "Top up",
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def assert_error(exchange, code: str, status: int, *words: str) -> None:
    assert exchange.code == code, exchange.envelope
    assert exchange.status == status
    assert exchange.envelope["success"] is False and exchange.envelope["data"] is None
    for word in words:
        assert word in exchange.message, exchange.message


# --- GetUserOpenId --------------------------------------------------------------------------


@pytest.mark.parametrize("scope", ["openid", "phone", "email"])
def test_user_open_data(sandbox: SandboxHandle, private_key, scope: str) -> None:
    minted = sandbox.mint_data_token(scope)
    exchange = call(sandbox, "GET", "/user-open-data", (("openData", minted["dataToken"]),))
    assert exchange.status == 200 and exchange.envelope == {
        "code": "000000",
        "message": None,
        "data": {"userData": exchange.user_data},
        "success": True,
    }
    user = next(u for u in users(sandbox) if u["openId"] == minted["openId"])
    expected = {"openid": user["openId"], "phone": user["phone"], "email": user["email"]}[scope]
    assert crypto.decrypt_user_data(private_key, exchange.user_data) == expected
    # URL-safe, padded base64 of one 2048-bit block.
    assert exchange.user_data.endswith("=") and "+" not in exchange.user_data and "/" not in exchange.user_data


def test_user_open_data_expired_is_900200(sandbox: SandboxHandle) -> None:
    minted = sandbox.mint_data_token(ttl=-1)
    assert_error(
        call(sandbox, "GET", "/user-open-data", (("openData", minted["dataToken"]),)), "900200", 400, "expired"
    )


def test_user_open_data_unknown_is_900201(sandbox: SandboxHandle) -> None:
    assert_error(call(sandbox, "GET", "/user-open-data", (("openData", "dt_nope"),)), "900201", 400)


def test_user_open_data_needs_open_data(sandbox: SandboxHandle) -> None:
    assert_error(call(sandbox, "GET", "/user-open-data"), "900001", 400, "openData")


# --- GetUserPayId ---------------------------------------------------------------------------


def test_user_pay_id(sandbox: SandboxHandle) -> None:
    user = users(sandbox)[1]
    exchange = call(sandbox, "GET", "/users", (("openId", user["openId"]),))
    assert exchange.code == "000000" and exchange.data == {"payId": user["payId"]}
    assert isinstance(exchange.data["payId"], int)


def test_user_pay_id_errors(sandbox: SandboxHandle) -> None:
    assert_error(call(sandbox, "GET", "/users", (("openId", "nobody"),)), "900001", 404, "openId")
    assert_error(call(sandbox, "GET", "/users"), "900001", 400, "openId")


# --- SendPushMessage and BroadcastMessage ---------------------------------------------------


def push_body(token: str, **changes) -> dict:
    body = {
        "pushToken": token,
        "templateId": "tpl_1",
        "language": "en",
        "path": "pages/index",
        "parameters": [{"name": "amount", "value": "12.50"}],
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def test_send_push_message_once(sandbox: SandboxHandle) -> None:
    token = sandbox.mint_push_token()["pushToken"]
    first = call(sandbox, "POST", "/message/send", body=push_body(token))
    assert first.code == "000000" and first.data == {}
    assert_error(call(sandbox, "POST", "/message/send", body=push_body(token)), "900230", 400, "already used")


def test_send_push_message_bad_tokens(sandbox: SandboxHandle) -> None:
    assert_error(call(sandbox, "POST", "/message/send", body=push_body("pt_unknown")), "900230", 400)
    expired = sandbox.mint_push_token(ttl=-1)["pushToken"]
    assert_error(call(sandbox, "POST", "/message/send", body=push_body(expired)), "900230", 400, "expired")


def test_push_token_route(sandbox: SandboxHandle) -> None:
    minted = httpx.post(f"{sandbox.base_url}/sandbox/v1/apps/{sandbox.app_id}/push-tokens", json={}).json()
    assert set(minted) == {"pushToken", "openId", "expiresAt"}
    assert call(sandbox, "POST", "/message/send", body=push_body(minted["pushToken"])).code == "000000"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"templateId": None}, "templateId"),
        ({"language": 5}, "language"),
        ({"parameters": "amount=1"}, "parameters"),
        ({"parameters": [{"name": "a"}]}, "parameters[0].value"),
        ({"path": ["x"]}, "path"),
        ({"pushToken": None}, "pushToken"),
    ],
)
def test_send_push_message_validation(sandbox: SandboxHandle, changes: dict, field: str) -> None:
    token = sandbox.mint_push_token()["pushToken"]
    exchange = call(sandbox, "POST", "/message/send", body=push_body(token, **changes))
    assert_error(exchange, "900001", 400, field)


def broadcast_body(**changes) -> dict:
    body = {"templateId": "tpl_1", "language": "en", "parameters": [{"name": "title", "value": "Hi"}]}
    body.update(changes)
    return body


def test_broadcast(sandbox: SandboxHandle) -> None:
    assert call(sandbox, "POST", "/message/broadcast", body=broadcast_body()).data == {}
    preview = broadcast_body(preview=True, experienceUids=["10001", 10002])
    assert call(sandbox, "POST", "/message/broadcast", body=preview).code == "000000"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"preview": True, "experienceUids": [str(n) for n in range(6)]}, "experienceUids"),
        ({"experienceUids": ["10001"]}, "experienceUids"),
        ({"preview": False, "experienceUids": ["10001"]}, "experienceUids"),
        ({"preview": True}, "experienceUids"),
        ({"preview": "yes"}, "preview"),
        ({"preview": True, "experienceUids": [True]}, "experienceUids[0]"),
        ({"templateId": ""}, "templateId"),
    ],
)
def test_broadcast_validation(sandbox: SandboxHandle, changes: dict, field: str) -> None:
    assert_error(call(sandbox, "POST", "/message/broadcast", body=broadcast_body(**changes)), "900001", 400, field)


def test_json_body_problems(sandbox: SandboxHandle) -> None:
    assert_error(
        call(sandbox, "POST", "/message/broadcast", body="{not json", content_type="application/json"),
        "900001",
        400,
        "body",
    )
    assert_error(call(sandbox, "POST", "/message/broadcast", body=[1, 2]), "900001", 400, "body")
    assert_error(call(sandbox, "POST", "/message/broadcast", body=""), "900001", 400, "body")
    assert_error(
        call(sandbox, "POST", "/message/broadcast", body='{"a":1}', content_type="text/plain"),
        "900001",
        415,
        "Content-Type",
    )


# --- UploadFile and GetFileStatus -----------------------------------------------------------


def test_upload_then_status_checking_then_success(sandbox: SandboxHandle) -> None:
    exchange = upload(sandbox, "photo.JPG", JPEG_BYTES)
    assert exchange.code == "000000"
    (file_id,) = exchange.data["fileIds"]
    assert uuid.UUID(file_id)
    assert call(sandbox, "GET", f"/files/{file_id}").data == {"status": "CHECKING"}
    # Move the upload back past the check delay instead of waiting for it.
    app = sandbox.state.app(sandbox.app_id)
    app.files[file_id].uploaded_at -= sandbox.state.settings.file_check_delay + 1
    assert call(sandbox, "GET", f"/files/{file_id}").data == {"status": "SUCCESS"}


def test_file_status_unknown_is_900004(sandbox: SandboxHandle) -> None:
    assert_error(call(sandbox, "GET", f"/files/{uuid.uuid4()}"), "900004", 404)


@pytest.mark.parametrize(
    ("filename", "content", "words"),
    [
        ("anim.gif", b"GIF89a" + bytes(20), ("only .jpg",)),
        ("notes.txt", b"hello", ("only .jpg",)),
        ("fake.png", b"hello, not an image", ("magic",)),
        ("swapped.png", JPEG_BYTES, ("JPEG", ".png")),
        ("x" * 57 + ".png", PNG_BYTES, ("61 characters",)),
        ("empty.png", b"", ("empty",)),
        ("big.png", PNG_BYTES + bytes(1024 * 1024), ("1 MB",)),
    ],
)
def test_upload_rejections(sandbox: SandboxHandle, filename: str, content: bytes, words: tuple[str, ...]) -> None:
    assert_error(upload(sandbox, filename, content), "900001", 400, *words)


def test_upload_name_of_60_chars_is_fine(sandbox: SandboxHandle) -> None:
    assert upload(sandbox, "x" * 56 + ".png").code == "000000"


def test_upload_needs_multipart(sandbox: SandboxHandle) -> None:
    exchange = call(sandbox, "POST", "/files/upload", body=PNG_BYTES, content_type="image/png")
    assert_error(exchange, "900001", 415, "multipart/form-data")
    no_file = b'--b\r\nContent-Disposition: form-data; name="note"\r\n\r\nhi\r\n--b--\r\n'
    assert_error(
        call(sandbox, "POST", "/files/upload", body=no_file, content_type=multipart_type("b")), "900001", 400, "file"
    )


# --- SKUs -----------------------------------------------------------------------------------


def test_sku_lifecycle(sandbox: SandboxHandle) -> None:
    body = sku_body(sandbox)
    sku_id = body["skuId"]
    created = call(sandbox, "POST", "/skus", body=body)
    assert created.code == "000000" and created.data == {}

    got = call(sandbox, "GET", f"/skus/{sku_id}").data["sku"]
    assert got["id"] == sku_id
    assert got["audit"]["auditStatus"] == "TODO"
    assert got["audit"]["info"]["names"]["en"] == "100 points"
    assert got["audit"]["info"]["sellingPrice"] == "1.99"
    assert got["online"] == {"info": None, "availableStatus": "DEACTIVE"}

    assert call(sandbox, "PATCH", f"/skus/{sku_id}", body={"sellingPrice": 1.49}).data == {}
    assert call(sandbox, "GET", f"/skus/{sku_id}").data["sku"]["audit"]["info"]["sellingPrice"] == "1.49"

    assert call(sandbox, "PUT", f"/skus/{sku_id}/activate", body={"status": True}).data == {}
    assert call(sandbox, "GET", f"/skus/{sku_id}").data["sku"]["online"]["availableStatus"] == "ACTIVE"
    call(sandbox, "PUT", f"/skus/{sku_id}/activate", body={"status": False})
    assert call(sandbox, "GET", f"/skus/{sku_id}").data["sku"]["online"]["availableStatus"] == "DEACTIVE"


def test_sku_id_with_reserved_characters(sandbox: SandboxHandle) -> None:
    sku_id = f"pack a/b {uuid.uuid4().hex[:6]}"
    assert call(sandbox, "POST", "/skus", body=sku_body(sandbox, skuId=sku_id)).code == "000000"
    encoded = sku_id.replace("/", "%2F")  # one segment: wire_path keeps %2F, the sandbox decodes it
    assert call(sandbox, "GET", f"/skus/{encoded}").data["sku"]["id"] == sku_id


def test_list_skus_paging_and_audit_filter(sandbox: SandboxHandle) -> None:
    ids = []
    for _ in range(3):
        body = sku_body(sandbox)
        assert call(sandbox, "POST", "/skus", body=body).code == "000000"
        ids.append(body["skuId"])
    approve = httpx.post(
        f"{sandbox.base_url}/sandbox/v1/apps/{sandbox.app_id}/skus/{ids[0]}/audit", json={"auditStatus": "APPROVED"}
    )
    assert approve.json()["sku"]["online"]["info"]["skuId"] == ids[0]

    approved = call(sandbox, "GET", "/skus", (("page", "1"), ("limit", "50"), ("auditStatus", "APPROVED")))
    assert ids[0] in [s["id"] for s in approved.data["skus"]]
    assert all(s["audit"]["auditStatus"] == "APPROVED" for s in approved.data["skus"])

    todo = call(sandbox, "GET", "/skus", (("page", "1"), ("limit", "50"), ("auditStatus", "TODO")))
    assert ids[0] not in [s["id"] for s in todo.data["skus"]] and ids[1] in [s["id"] for s in todo.data["skus"]]

    every = call(sandbox, "GET", "/skus", (("page", "1"), ("limit", "50"), ("auditStatus", ""))).data["skus"]
    page_size = 2
    paged = []
    for page in range(1, len(every) // page_size + 2):
        paged += call(sandbox, "GET", "/skus", (("page", str(page)), ("limit", str(page_size)))).data["skus"]
    assert [s["id"] for s in paged] == [s["id"] for s in every]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ((("limit", "51"),), "limit"),
        ((("limit", "0"),), "limit"),
        ((("page", "0"),), "page"),
        ((("page", "one"),), "page"),
        ((("auditStatus", "DONE"),), "auditStatus"),
    ],
)
def test_list_skus_validation(sandbox: SandboxHandle, query, field: str) -> None:
    assert_error(call(sandbox, "GET", "/skus", query), "900001", 400, field)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"skuId": "s" * 256}, "skuId"),
        ({"skuId": None}, "skuId"),
        ({"names": {"zh": "点"}}, "names"),
        ({"names": "points"}, "names"),
        ({"discountPercentage": 100}, "discountPercentage"),
        ({"discountPercentage": -1}, "discountPercentage"),
        ({"discountPercentage": "20"}, "discountPercentage"),
        ({"countryWhitelist": ["XX"]}, "countryWhitelist[0]"),
        ({"countryWhitelist": "SG"}, "countryWhitelist"),
        ({"countryBlacklist": ["sg"]}, "countryBlacklist[0]"),
        ({"countryBlacklist": ["US"]}, "countryBlacklist"),
        ({"sellingPrice": "cheap"}, "sellingPrice"),
        ({"sellingPrice": None}, "sellingPrice"),
    ],
)
def test_create_sku_validation(sandbox: SandboxHandle, changes: dict, field: str) -> None:
    assert_error(call(sandbox, "POST", "/skus", body=sku_body(sandbox, **changes)), "900001", 400, field)


def test_create_sku_file_and_duplicate_errors(sandbox: SandboxHandle) -> None:
    unknown = sku_body(sandbox, coverImageFileId=str(uuid.uuid4()))
    assert_error(call(sandbox, "POST", "/skus", body=unknown), "900004", 400, "coverImageFileId")
    body = sku_body(sandbox)
    assert call(sandbox, "POST", "/skus", body=body).code == "000000"
    assert_error(call(sandbox, "POST", "/skus", body=body), "900260", 409, body["skuId"])


def test_unknown_sku_is_900260_everywhere(sandbox: SandboxHandle) -> None:
    assert_error(call(sandbox, "GET", "/skus/no_such_sku"), "900260", 404)
    assert_error(call(sandbox, "PATCH", "/skus/no_such_sku", body={"sellingPrice": "1"}), "900260", 404)
    assert_error(call(sandbox, "PUT", "/skus/no_such_sku/activate", body={"status": True}), "900260", 404)


def test_update_and_activate_validation(sandbox: SandboxHandle) -> None:
    body = sku_body(sandbox)
    call(sandbox, "POST", "/skus", body=body)
    sku = f"/skus/{body['skuId']}"
    assert_error(call(sandbox, "PATCH", sku, body={"coverImageFileId": "nope"}), "900004", 400)
    assert_error(call(sandbox, "PATCH", sku, body={"discountPercentage": 150}), "900001", 400, "discountPercentage")
    assert_error(call(sandbox, "PATCH", sku, body={}), "900001", 400, "at least one")
    assert_error(call(sandbox, "PATCH", sku, body={"skuId": "other"}), "900001", 400, "skuId")
    assert_error(call(sandbox, "PUT", f"{sku}/activate", body={"status": "on"}), "900001", 400, "status")
    assert_error(call(sandbox, "PUT", f"{sku}/activate", body={}), "900001", 400, "status")


# --- routing --------------------------------------------------------------------------------


def test_unknown_app_route_and_method(sandbox: SandboxHandle) -> None:
    assert_error(call(sandbox, "GET", "/skus", app_id="someone_else"), "900001", 404, "appId")
    assert_error(call(sandbox, "GET", "/nothing-here"), "900001", 404)
    assert_error(call(sandbox, "DELETE", "/skus/x"), "900001", 405, "GET or PATCH")
    outside = httpx.get(f"{sandbox.base_url}/elsewhere").json()
    assert outside["code"] == "900001" and outside["success"] is False


def test_trailing_slash_and_dot_segments_route_like_they_sign(sandbox: SandboxHandle) -> None:
    user = users(sandbox)[0]
    assert call(sandbox, "GET", "/users/", (("openId", user["openId"]),)).data == {"payId": user["payId"]}
    assert call(sandbox, "GET", "/skus/../users", (("openId", user["openId"]),)).data == {"payId": user["payId"]}


# --- sandbox-only routes --------------------------------------------------------------------


def test_sandbox_routes(sandbox: SandboxHandle) -> None:
    base = f"{sandbox.base_url}/sandbox/v1"
    assert httpx.get(f"{base}/health").json() == {"status": "ok"}
    listed = httpx.get(f"{base}/apps/{sandbox.app_id}/users").json()["users"]
    assert len(listed) >= 3 and {"openId", "phone", "email", "payId"} <= set(listed[0])
    # curl -d sends form-urlencoded; the JSON still counts.
    minted = httpx.post(
        f"{base}/apps/{sandbox.app_id}/data-tokens",
        content=b'{"scope": "phone", "openId": "fresh-user-1"}',
        headers={"content-type": "application/x-www-form-urlencoded"},
    ).json()
    assert minted["scope"] == "phone" and minted["openId"] == "fresh-user-1"
    assert "fresh-user-1" in [u["openId"] for u in httpx.get(f"{base}/apps/{sandbox.app_id}/users").json()["users"]]
    default = httpx.post(f"{base}/apps/{sandbox.app_id}/data-tokens").json()
    assert default["scope"] == "openid" and default["openId"] == listed[0]["openId"]

    bad = httpx.post(f"{base}/apps/{sandbox.app_id}/data-tokens", json={"scope": "wallet"})
    assert bad.status_code == 400 and bad.json()["code"] == "900001" and "scope" in bad.json()["message"]
    assert httpx.post(f"{base}/apps/nope/data-tokens", json={}).json()["code"] == "900001"
    assert httpx.get(f"{base}/health", params={"x": 1}).status_code == 200
    assert httpx.post(f"{base}/health").json()["code"] == "900001"


def test_no_route_reveals_a_secret(sandbox: SandboxHandle) -> None:
    base = f"{sandbox.base_url}/sandbox/v1"
    texts = [
        httpx.get(f"{base}/health").text,
        httpx.get(f"{base}/apps/{sandbox.app_id}/users").text,
        httpx.post(f"{base}/apps/{sandbox.app_id}/data-tokens", json={}).text,
        httpx.post(f"{base}/apps/{sandbox.app_id}/push-tokens", json={}).text,
        httpx.get(f"{sandbox.base_url}/mp-api/v1/apps/{sandbox.app_id}/skus").text,
    ]
    private_body = sandbox.private_key_pem.decode().splitlines()[1]
    for text in texts:
        assert sandbox.secret_key not in text and private_body not in text
