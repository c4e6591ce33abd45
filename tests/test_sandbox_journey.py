"""The get-open-data journey as the public sample does it, against a real sandbox on loopback.

The token is made the sample's way (f-string canonical request, hashlib, PyJWT), not with
explorer.signing, and userData is decrypted with `cryptography` directly, as the sample does.
"""

from __future__ import annotations

import base64
import hashlib
import time

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding

from explorer.sandbox.runner import SandboxHandle


def sample_token(app_id: str, access_key_id: str, secret_key: str, data_token: str) -> str:
    """The sample's get_open_api_binance_token, step by step."""
    http_request_method = "GET"
    canonical_uri = f"/mp-api/v1/apps/{app_id}/user-open-data/"
    canonical_query_string = f"openData={data_token}"
    request_body = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    canonical_request = f"{http_request_method}\n{canonical_uri}\n{canonical_query_string}\n{request_body}"
    canonical_request = hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()
    payload = {"iss": access_key_id, "dig": canonical_request, "ts": int(time.time())}
    return jwt.encode(payload=payload, key=secret_key, algorithm="HS256")


def sample_decrypt(private_key_string: str, ciphertext: str) -> str:
    """The sample's decrypt_pkcs1_v15."""
    private_key = serialization.load_pem_private_key(private_key_string.encode("utf-8"), password=None)
    decrypted = private_key.decrypt(base64.urlsafe_b64decode(ciphertext), padding.PKCS1v15())
    return decrypted.decode("utf-8")


@pytest.mark.parametrize("scope", ["openid", "phone", "email"])
def test_sample_journey_mint_fetch_decrypt(sandbox: SandboxHandle, scope: str) -> None:
    with httpx.Client(base_url=sandbox.base_url) as http:
        minted = http.post(f"/sandbox/v1/apps/{sandbox.app_id}/data-tokens", json={"scope": scope}).json()
        assert set(minted) == {"dataToken", "openId", "scope", "expiresAt"}
        assert minted["scope"] == scope
        assert minted["expiresAt"] - time.time() == pytest.approx(120, abs=5)

        token = sample_token(sandbox.app_id, sandbox.access_key_id, sandbox.secret_key, minted["dataToken"])
        response = http.get(
            f"/mp-api/v1/apps/{sandbox.app_id}/user-open-data?openData={minted['dataToken']}",
            headers={"X-Mp-Open-Api-Token": token},
        )
        body = response.json()
        assert response.status_code == 200
        assert body["code"] == "000000" and body["success"] is True and body["message"] is None
        assert set(body) == {"code", "message", "data", "success"}

        users = {u["openId"]: u for u in http.get(f"/sandbox/v1/apps/{sandbox.app_id}/users").json()["users"]}
    assert sandbox.private_key_pem is not None
    plaintext = sample_decrypt(sandbox.private_key_pem.decode("utf-8"), body["data"]["userData"])
    expected = {"openid": "openId", "phone": "phone", "email": "email"}[scope]
    assert plaintext == users[minted["openId"]][expected]
    if scope == "openid":
        assert plaintext == minted["openId"]


def test_handle_mints_the_same_shape_as_the_route(sandbox: SandboxHandle) -> None:
    minted = sandbox.mint_data_token(open_id="my-own-openid")
    assert set(minted) == {"dataToken", "openId", "scope", "expiresAt"}
    assert minted["openId"] == "my-own-openid" and minted["scope"] == "openid"
    token = sample_token(sandbox.app_id, sandbox.access_key_id, sandbox.secret_key, minted["dataToken"])
    response = httpx.get(
        f"{sandbox.base_url}/mp-api/v1/apps/{sandbox.app_id}/user-open-data",
        params={"openData": minted["dataToken"]},
        headers={"X-Mp-Open-Api-Token": token},
    )
    assert response.json()["code"] == "000000"
    assert sample_decrypt(sandbox.private_key_pem.decode(), response.json()["data"]["userData"]) == "my-own-openid"


def test_handle_shape(sandbox: SandboxHandle) -> None:
    assert sandbox.base_url.startswith("http://127.0.0.1:")
    assert sandbox.private_key_path is not None and sandbox.private_key_path.read_bytes() == sandbox.private_key_pem
    assert sandbox.public_key_path is not None and b"PUBLIC KEY" in sandbox.public_key_path.read_bytes()
    assert sandbox.secret_key and sandbox.access_key_id and sandbox.app_id
