"""The eleven Open API endpoints as templates: method, path, query and body to start from.

Pure data and string filling; no I/O. Paths are relative to the base URL and hold
placeholders such as {appId}, {fileId} and {skuId}; queries and bodies hold {dataToken},
{openId}, {pushToken}, {fileId} and {newSkuId} (see explorer.known_values for what fills them).
In the picker's order the templates form a flow: UploadFile's fileId is the cover image of the
SKU CreateSKUInAudit creates, and GetSKU, UpdateSKU and ActivateSKU then name that SKU.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

DEFAULT_BASE_URL = "https://dip-cb.binanceapi.com"
API_PREFIX = "/mp-api/v1/apps/{appId}"
_PLACEHOLDER = re.compile(r"\{([A-Za-z][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Endpoint:
    """One Open API endpoint."""

    name: str
    method: str
    path: str
    summary: str
    query: tuple[tuple[str, str], ...] = ()
    body: str = ""
    content_type: str | None = None
    error_codes: tuple[str, ...] = ()
    placeholders: dict[str, str] = field(default_factory=dict)

    @property
    def path_template(self) -> str:
        return API_PREFIX + self.path

    def fill_path(self, app_id: str, **values: str) -> str:
        """The path with {appId} and other placeholders filled (unknown ones left as they are)."""
        return fill_placeholders(self.path_template, {"appId": app_id, **self.placeholders, **values})


def fill_placeholders(template: str, values: dict[str, str]) -> str:
    """Replace {name} with values[name]; placeholders without a value stay visible."""
    if "{" not in template:  # most values (every keystroke's query values) have none
        return template
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)) or m.group(0), template)


def fill_json_placeholders(template: str, values: dict[str, str]) -> str:
    """fill_placeholders for a JSON text: each value escaped as the inside of a JSON string."""
    if "{" not in template:
        return template
    return fill_placeholders(template, {name: json.dumps(value)[1:-1] for name, value in values.items()})


MULTIPART = "multipart/form-data"


def placeholders_in(template: str) -> list[str]:
    """The placeholder names still present in a template."""
    return _PLACEHOLDER.findall(template) if "{" in template else []


_SKU_BODY = """{
  "skuId": "{newSkuId}",
  "names": {"en": "100 PUBG points"},
  "category": "GAME",
  "coverImageFileId": "{fileId}",
  "sellingPrice": "1.99",
  "originalPrice": "2.49",
  "discountPercentage": 20,
  "countryWhitelist": [],
  "countryBlacklist": [],
  "path": "pages/sku/index",
  "description": "Top up 100 points"
}"""

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        "GetUserOpenId",
        "GET",
        "/user-open-data",
        "Exchange a data token (2 min) for the user's encrypted openid, phone or e-mail.",
        query=(("openData", "{dataToken}"),),
        error_codes=("900200", "900201"),
    ),
    Endpoint(
        "SendPushMessage",
        "POST",
        "/message/send",
        "Send a template message to one user with a single-use push token.",
        body='{"pushToken":"{pushToken}","templateId":"tpl_1","language":"en",'
        '"parameters":[{"name":"amount","value":"12.50"}]}',
        content_type="application/json",
        error_codes=("900230", "900231"),
    ),
    Endpoint(
        "BroadcastMessage",
        "POST",
        "/message/broadcast",
        "Broadcast a template message; with preview, to at most 5 experience users.",
        body='{"templateId":"tpl_1","language":"en","parameters":[{"name":"title","value":"Hello"}],'
        '"preview":true,"experienceUids":["10001"]}',
        content_type="application/json",
    ),
    Endpoint(
        "UploadFile",
        "POST",
        "/files/upload",
        "Upload one jpg/png (at most 1 MB, name at most 60 characters) as multipart/form-data.",
        content_type="multipart/form-data",
        error_codes=("900231",),
    ),
    Endpoint(
        "GetFileStatus",
        "GET",
        "/files/{fileId}",
        "The safety check status of an uploaded file: CHECKING, SUCCESS or FAILED.",
        error_codes=("900231",),
    ),
    Endpoint(
        "CreateSKUInAudit",
        "POST",
        "/skus",
        "Create a SKU; it waits for audit (auditStatus TODO).",
        body=_SKU_BODY,
        content_type="application/json",
        error_codes=("900004", "900260"),
    ),
    Endpoint(
        "GetSKU",
        "GET",
        "/skus/{skuId}",
        "One SKU with its audit and online versions.",
        error_codes=("900004", "900260"),
    ),
    Endpoint(
        "ListSKUs",
        "GET",
        "/skus",
        "SKUs page by page (limit at most 50), optionally by auditStatus.",
        query=(("page", "1"), ("limit", "20"), ("auditStatus", "")),
        error_codes=("900260",),
    ),
    Endpoint(
        "UpdateSKU",
        "PATCH",
        "/skus/{skuId}",
        "Change any subset of a SKU's fields.",
        body='{"sellingPrice":"1.49"}',
        content_type="application/json",
        error_codes=("900004", "900260"),
    ),
    Endpoint(
        "ActivateSKU",
        "PUT",
        "/skus/{skuId}/activate",
        "Switch a SKU on or off.",
        body='{"status":true}',
        content_type="application/json",
        error_codes=("900260",),
    ),
    Endpoint(
        "GetUserPayId",
        "GET",
        "/users",
        "The Binance Pay id of a user, from their openid.",
        query=(("openId", "{openId}"),),
    ),
)

BY_NAME: dict[str, Endpoint] = {endpoint.name: endpoint for endpoint in ENDPOINTS}

ENVELOPE_CODES: dict[str, str] = {
    "000000": "success",
    "900001": "invalid parameter",
    "900002": "JWT authentication failed",
    "900003": "unexpected error",
    "900004": "invalid fileId",
    "900200": "data token expired",
    "900201": "invalid data token",
    "900230": "invalid or expired pushToken",
    "900231": "rate limit",
    "900260": "invalid skuId",
}


def find(name: str) -> Endpoint:
    """Look an endpoint up by name, case-insensitively; KeyError lists the names."""
    for endpoint in ENDPOINTS:
        if endpoint.name.lower() == name.strip().lower():
            return endpoint
    raise KeyError(f"unknown endpoint {name!r}; one of: {', '.join(BY_NAME)}")
