"""The values that fill an endpoint's placeholders, learnt from what the sandbox handed out.

Pure: no UI, no network. The explorer records here the data token it minted (and its openId), the
push token it minted, the fileId an UploadFile answered, the skuId a CreateSKUInAudit created; the
form's templates name them as {openId}, {pushToken}, {fileId}, {skuId} and {newSkuId}, in the
path, the query or the body alike.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from typing import Any

# What to do when nothing fills a placeholder (shown in the stage that holds it).
HOW_TO_FILL: dict[str, str] = {
    "appId": "fill in the app id",
    "dataToken": "ctrl+t mints a data token (sandbox)",
    "openId": "ctrl+t mints a data token; its user's openId fills this",
    "pushToken": "ctrl+o mints a push token (sandbox)",
    "fileId": "send UploadFile first; the fileId it answers fills this",
    "skuId": "send CreateSKUInAudit first; the SKU it creates fills this",
}


def fresh_sku_id() -> str:
    """A SKU id no earlier create used (the sandbox refuses a second SKU with the same id)."""
    return "demo_sku_" + secrets.token_hex(4)


@dataclass
class KnownValues:
    """What the explorer knows from the sandbox, as placeholder values."""

    open_id: str | None = None
    push_token: str | None = None
    file_id: str | None = None
    sku_id: str | None = None
    new_sku_id: str = field(default_factory=fresh_sku_id)

    def as_dict(self) -> dict[str, str]:
        values = {
            "openId": self.open_id,
            "pushToken": self.push_token,
            "fileId": self.file_id,
            "skuId": self.sku_id,
            "newSkuId": self.new_sku_id,
        }
        return {name: value for name, value in values.items() if value}

    def learn_data_token(self, minted: dict[str, Any]) -> None:
        """A minted data token: its user's openId fills {openId}."""
        open_id = minted.get("openId")
        if isinstance(open_id, str) and open_id:
            self.open_id = open_id

    def learn_push_token(self, minted: dict[str, Any]) -> None:
        token = minted.get("pushToken")
        if isinstance(token, str) and token:
            self.push_token = token
        self.learn_data_token(minted)  # the same {"openId": ...} shape

    def learn_exchange(self, endpoint: str | None, sent_body: bytes, code: str | None, data: Any) -> list[str]:
        """Record what an answered send tells; return the placeholder names that changed.

        A push token is single use: once a server has answered a send that carried it, it is spent.
        """
        learnt: list[str] = []
        if code is None:
            return learnt  # no envelope came back: nothing was spent or created
        if self.push_token and self.push_token.encode("ascii", "replace") in sent_body:
            self.push_token = None
            learnt.append("pushToken")
        if code != "000000":
            return learnt
        if endpoint == "UploadFile" and isinstance(data, dict):
            file_ids = data.get("fileIds")
            if isinstance(file_ids, list) and file_ids and isinstance(file_ids[0], str):
                self.file_id = file_ids[0]
                learnt.append("fileId")
        elif endpoint == "CreateSKUInAudit":
            try:
                sent = json.loads(sent_body)
            except ValueError:
                sent = None
            sku_id = sent.get("skuId") if isinstance(sent, dict) else None
            if isinstance(sku_id, str) and sku_id:
                self.sku_id = sku_id
                learnt.append("skuId")
            self.new_sku_id = fresh_sku_id()
            learnt.append("newSkuId")
        return learnt
