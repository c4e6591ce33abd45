"""SKUs: CreateSKUInAudit, GetSKU, ListSKUs, UpdateSKU, ActivateSKU.

A new or changed SKU waits for audit (auditStatus TODO); the sandbox-only audit route approves or
rejects it, and approval copies the audited fields to the online version.
"""

from __future__ import annotations

import re
from typing import Any

from explorer.sandbox import envelope as env
from explorer.sandbox.countries import ISO_ALPHA2
from explorer.sandbox.envelope import ApiError
from explorer.sandbox.openapi import Context, route
from explorer.sandbox.state import AppState, SandboxState, Sku
from explorer.sandbox.validation import Fields, invalid, json_object

MAX_SKU_ID = 255
MAX_LIMIT = 50
AUDIT_STATUSES = ("TODO", "APPROVED", "REJECTED")
_PRICE = re.compile(r"\d{1,12}(\.\d{1,8})?")
FIELDS = (
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


def _price(fields: Fields, key: str) -> str | None:
    value = fields.data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise invalid(key, 'must be a price: a decimal string such as "1.99" (numbers are accepted too)')
    text = value if isinstance(value, str) else repr(value)
    if not _PRICE.fullmatch(text.strip()):
        raise invalid(key, f'must be a non-negative decimal such as "1.99", got {value!r}')
    return text.strip()


def _countries(fields: Fields, key: str) -> list[str] | None:
    items = fields.listing(key, max_items=len(ISO_ALPHA2))
    if items is None:
        return None
    for index, code in enumerate(items):
        if not isinstance(code, str) or code not in ISO_ALPHA2:
            raise invalid(f"{key}[{index}]", f'{code!r} is not an ISO 3166-1 alpha-2 code (e.g. "SG")')
    return list(items)


def validate_sku(state: SandboxState, app: AppState, data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """The SKU fields present in `data`, checked; on create the essentials are required."""
    fields = Fields(data)
    info: dict[str, Any] = {}
    if creating or fields.has("skuId"):
        info["skuId"] = fields.string("skuId", max_len=MAX_SKU_ID)
    if creating or fields.has("names"):
        names = fields.mapping("names", required=True)
        for language, text in names.items():
            if not isinstance(text, str) or not text.strip():
                raise invalid(f"names.{language}", "must be non-empty text")
        if "en" not in names:
            raise invalid("names", 'needs an "en" entry (English is required)')
        info["names"] = dict(names)
    if fields.has("category"):
        info["category"] = fields.string("category", required=False, max_len=255)
    if fields.has("categories"):
        categories = fields.listing("categories", max_items=20)
        if categories is not None:
            if not all(isinstance(item, str) and item.strip() for item in categories):
                raise invalid("categories", "must be a list of non-empty strings")
            info["categories"] = list(categories)
    if creating or fields.has("coverImageFileId"):
        file_id = fields.string("coverImageFileId", max_len=64)
        if file_id not in app.files:
            raise ApiError(env.INVALID_FILE_ID, f"invalid fileId: coverImageFileId {file_id!r} is not an uploaded file")
        info["coverImageFileId"] = file_id
    if creating or fields.has("sellingPrice"):
        selling = _price(fields, "sellingPrice")
        if selling is None:
            raise invalid("sellingPrice", "is required")
        info["sellingPrice"] = selling
    if fields.has("originalPrice"):
        info["originalPrice"] = _price(fields, "originalPrice")
    if fields.has("discountPercentage"):
        info["discountPercentage"] = fields.integer("discountPercentage", low=0, high=99)
    whitelist = _countries(fields, "countryWhitelist")
    blacklist = _countries(fields, "countryBlacklist")
    if whitelist and blacklist:
        raise invalid("countryBlacklist", "give countryWhitelist or countryBlacklist, not both")
    if whitelist is not None:
        info["countryWhitelist"] = whitelist
    if blacklist is not None:
        info["countryBlacklist"] = blacklist
    if fields.has("path"):
        info["path"] = fields.string("path", required=False, max_len=1024)
    if fields.has("description"):
        info["description"] = fields.string("description", required=False, max_len=4096, non_empty=False)
    return {key: value for key, value in info.items() if value is not None}


def _body(ctx: Context) -> dict[str, Any]:
    return json_object(ctx.body, ctx.request.headers.get("content-type"))


@route("POST", "/skus")
async def create_sku(ctx: Context) -> dict[str, Any]:
    info = validate_sku(ctx.state, ctx.app, _body(ctx), creating=True)
    ctx.state.add_sku(ctx.app, Sku(sku_id=info["skuId"], audit_info=info))
    return {}


@route("GET", "/skus/{skuId}")
async def get_sku(ctx: Context) -> dict[str, Any]:
    sku = ctx.state.require_sku(ctx.app, ctx.params["skuId"])
    return {"sku": ctx.state.sku_view(ctx.app, sku)}


def _query_int(ctx: Context, name: str, default: int, low: int, high: int | None) -> int:
    raw = ctx.query_value(name)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit():
        raise invalid(name, f"must be an integer, got {raw[:40]!r}")
    value = int(raw)
    if value < low or (high is not None and value > high):
        raise invalid(name, f"must be from {low} to {high}, got {value}" if high else f"must be at least {low}")
    return value


@route("GET", "/skus")
async def list_skus(ctx: Context) -> dict[str, Any]:
    page = _query_int(ctx, "page", 1, 1, None)
    limit = _query_int(ctx, "limit", 20, 1, MAX_LIMIT)
    audit_status = ctx.query_value("auditStatus") or ""
    if audit_status and audit_status not in AUDIT_STATUSES:
        raise invalid("auditStatus", f"must be TODO, APPROVED, REJECTED or empty, got {audit_status[:40]!r}")
    with ctx.state.lock:
        skus = [sku for sku in ctx.app.skus.values() if not audit_status or sku.audit_status == audit_status]
    chosen = skus[(page - 1) * limit : page * limit]
    return {"skus": [ctx.state.sku_view(ctx.app, sku) for sku in chosen]}


@route("PATCH", "/skus/{skuId}")
async def update_sku(ctx: Context) -> dict[str, Any]:
    sku = ctx.state.require_sku(ctx.app, ctx.params["skuId"])
    info = validate_sku(ctx.state, ctx.app, _body(ctx), creating=False)
    if "skuId" in info and info["skuId"] != sku.sku_id:
        raise invalid("skuId", f"cannot be changed (the path names {sku.sku_id!r})")
    if not info:
        raise invalid("body", f"give at least one SKU field: {', '.join(FIELDS[1:])}")
    with ctx.state.lock:
        sku.audit_info.update(info)
        sku.audit_status = "TODO"  # a change goes back to audit
    return {}


@route("PUT", "/skus/{skuId}/activate")
async def activate_sku(ctx: Context) -> dict[str, Any]:
    sku = ctx.state.require_sku(ctx.app, ctx.params["skuId"])
    status = Fields(_body(ctx)).boolean("status", required=True)
    with ctx.state.lock:
        sku.available_status = "ACTIVE" if status else "DEACTIVE"
    return {}
