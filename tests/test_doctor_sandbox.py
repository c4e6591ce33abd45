"""A backend-style client with its own (mistaken) signing, against a real `mp-explorer sandbox` process:
the 900002 answer names the mistake, and so does the sandbox's log line."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from pathlib import Path

import httpx

from tests.test_sandbox_cli import first_line, start, stop


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def backend_token(canonical_request: str, ak: str, sk: str, ts: int) -> str:
    # The integrator's signer: hand-written, nothing from mp-explorer.
    head = b64url(b'{"alg":"HS256","typ":"JWT"}')
    dig = hashlib.sha256(canonical_request.encode()).hexdigest()
    payload = b64url(json.dumps({"iss": ak, "dig": dig, "ts": ts}).encode())
    mac = hmac.new(sk.encode(), f"{head}.{payload}".encode(), hashlib.sha256).digest()
    return f"{head}.{payload}.{b64url(mac)}"


def test_sandbox_names_the_backends_mistakes(tmp_path: Path) -> None:
    process = start(tmp_path, "--port", "0")
    try:
        line = first_line(process)
        app, ak, sk, base = line["app_id"], line["access_key_id"], line["secret_key"], line["base_url"]
        path = f"/mp-api/v1/apps/{app}/skus"
        empty = hashlib.sha256(b"").hexdigest()
        with httpx.Client(base_url=base) as http:
            # 1. forgot the trailing '/'
            token = backend_token(f"GET\n{path}\nlimit=20&page=1\n{empty}", ak, sk, int(time.time()))
            answer = http.get(path, params={"page": "1", "limit": "20"}, headers={"X-Mp-Open-Api-Token": token})
            box = answer.json()["sandbox"]
            assert answer.json()["code"] == "900002" and box["reason"] == "digest_mismatch"
            assert box["likely_mistakes"][0]["name"] == "trailing-slash-missing"
            assert "append '/'" in box["likely_mistakes"][0]["fix"]

            # 2. ts in milliseconds and the secret key read with its newline
            canonical = f"GET\n{path}/\nlimit=20&page=1\n{empty}"
            token = backend_token(canonical, ak, sk + "\n", int(time.time() * 1000))
            answer = http.get(path, params={"page": "1", "limit": "20"}, headers={"X-Mp-Open-Api-Token": token})
            names = [m["name"] for m in answer.json()["sandbox"]["likely_mistakes"]]
            assert names == ["secret-key-newline", "ts-milliseconds"]

            # 3. sent as Authorization: Bearer
            token = backend_token(canonical, ak, sk, int(time.time()))
            answer = http.get(path, params={"page": "1", "limit": "20"}, headers={"Authorization": f"Bearer {token}"})
            box = answer.json()["sandbox"]
            assert box["reason"] == "missing_header"
            assert [m["name"] for m in box["likely_mistakes"]] == ["authorization-bearer"]

            # 4. '+' for spaces in the signed query (the query sent says %20)
            token = backend_token(f"GET\n{path}/\nname=red+shoes\n{empty}", ak, sk, int(time.time()))
            answer = http.get(f"{path}?name=red%20shoes", headers={"X-Mp-Open-Api-Token": token})
            assert answer.json()["sandbox"]["likely_mistakes"][0]["name"] == "plus-for-space"

            # 5. the body hashed as json.dumps wrote it, the body sent compact
            body = {"templateId": "tpl_1", "language": "en", "parameters": []}
            send = f"/mp-api/v1/apps/{app}/message/send"
            hashed = hashlib.sha256(json.dumps(body).encode()).hexdigest()
            token = backend_token(f"POST\n{send}/\n\n{hashed}", ak, sk, int(time.time()))
            answer = http.post(
                send, content=json.dumps(body, separators=(",", ":")), headers={"X-Mp-Open-Api-Token": token}
            )
            assert answer.json()["sandbox"]["likely_mistakes"][0]["name"] == "body-json-spaces"

            # 6. a token no mistake explains: an empty list, not a guess
            token = backend_token(f"GET\n{path}/\nlimit=21&page=1\n{empty}", ak, sk, int(time.time()))
            answer = http.get(path, params={"page": "1", "limit": "20"}, headers={"X-Mp-Open-Api-Token": token})
            assert answer.json()["sandbox"]["likely_mistakes"] == []
    finally:
        code, _, err = stop(process)
    assert code == 0 and "Traceback" not in err
    assert "900002 digest_mismatch (likely: trailing-slash-missing)" in err
    assert sk not in err


def test_probe_asks_a_real_server_which_reading_it_follows(tmp_path: Path) -> None:
    import subprocess
    import sys

    process = start(tmp_path, "--port", "0")
    try:
        line = first_line(process)
        app, ak, sk, base = line["app_id"], line["access_key_id"], line["secret_key"], line["base_url"]
        (tmp_path / "sk.txt").write_text(sk)
        # A skuId holding '%2F': the readings of the open points disagree on it.
        url = f"{base}/mp-api/v1/apps/{app}/skus/a%2Fb"
        token = backend_token("whatever", ak, sk, int(time.time()))
        exe = Path(sys.executable).with_name("mp-explorer")
        command = f"curl '{url}' -H 'X-Mp-Open-Api-Token: {token}'"
        result = subprocess.run(
            [str(exe), "doctor", "--curl", command, "--secret-key-file", str(tmp_path / "sk.txt"), "--probe", "--json"],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert result.returncode == 1, result.stderr
        probe = json.loads(result.stdout)["probe"]
        assert probe["nothing_sent"] is None
        assert 2 <= len(probe["results"]) <= 8
        accepted = [r["readings"] for r in probe["results"] if r["accepted"]]
        assert len(accepted) == 1 and accepted[0][0] == "spec"

        # A plain request: every reading agrees, nothing is sent.
        plain = f"curl '{base}/mp-api/v1/apps/{app}/skus?page=1' -H 'X-Mp-Open-Api-Token: {token}'"
        result = subprocess.run(
            [str(exe), "doctor", "--curl", plain, "--secret-key-file", str(tmp_path / "sk.txt"), "--probe"],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert "probe: all readings of the open points give this request the same canonical request; nothing sent" in (
            result.stdout
        )
    finally:
        code, _, err = stop(process)
    assert code == 0
    assert err.count("/skus/a/b -> ") == len(probe["results"])  # one per reading (decoded in the log)
    assert "/skus?page" not in err and "/skus -> " not in err
