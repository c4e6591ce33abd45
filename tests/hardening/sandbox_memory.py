"""Store many large SKUs in a running `mp-explorer sandbox` and read its memory (test and bench share this).

Two kinds of SKU: one whose `names.en` is about 1 MB (the real API's names are short, so the
sandbox refuses it), and the largest SKU the sandbox keeps (31 extra names of 255 three-byte
characters and a 4,096-character description: just under the per-SKU cap), which it stores until
the total budget is reached, then evicts the oldest.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx

from explorer import signing
from tests.hardening.sandbox_process import SandboxProcess
from tests.hardening.sandbox_requests import Target, multipart, send


def target(sandbox: SandboxProcess) -> Target:
    line = sandbox.line
    return Target(line["base_url"], line["app_id"], line["access_key_id"], line["secret_key"])


def upload_cover(client: httpx.Client, where: Target) -> str:
    body, content_type = multipart('filename="cover.png"')
    answer = send(client, where, "POST", "/files/upload", body=body, content_type=content_type)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["data"]["fileIds"][0])


def huge_sku(file_id: str, size: int = 1_000_000) -> bytes:
    """A SKU whose names.en is `size` characters (about `size` bytes on the wire)."""
    body = {"skuId": f"big-{uuid.uuid4().hex}", "names": {"en": "N" * size}, "coverImageFileId": file_id}
    return json.dumps({**body, "sellingPrice": "1"}).encode()


def largest_kept_sku(file_id: str) -> bytes:
    """About 28 KiB of JSON: the largest kind of SKU the sandbox stores."""
    names: dict[str, Any] = {"en": "\u00e9" * 255}
    names.update({f"l{n:02d}": "\u4e2d" * 255 for n in range(31)})
    return json.dumps(
        {
            "skuId": f"max-{uuid.uuid4().hex}",
            "names": names,
            "coverImageFileId": file_id,
            "sellingPrice": "1",
            "description": "d" * 4096,
        },
        ensure_ascii=False,
    ).encode()


def store(client: httpx.Client, where: Target, bodies: Any) -> dict[str, int]:
    """POST each body to CreateSKUInAudit; the count of each (status, code) answered."""
    counts: dict[str, int] = {}
    path = where.prefix() + "/skus"
    for body in bodies:
        signature = signing.sign(
            method="POST", path=path, body=body, access_key_id=where.access_key_id, secret_key=where.secret_key
        )
        answer = client.post(
            path,
            content=body,
            headers={"content-type": "application/json", signature.header_name: signature.header_value},
        )
        key = f"{answer.status_code} {answer.json()['code']}"
        counts[key] = counts.get(key, 0) + 1
    return counts
