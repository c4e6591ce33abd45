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
# The real API's SKU text fields are short; these bound what one SKU can hold (state.py bounds the whole).
MAX_TEXT = 255
MAX_DESCRIPTION = 4096
MAX_NAMES = 32
MAX_LANGUAGE = 16
MAX_LIMIT = 50
# No page bound is published; past this every page is empty anyway (at most 1,000 SKUs per app).
MAX_PAGE = 1_000_000
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
        if len(names) > MAX_NAMES:
            raise invalid("names", f"has {len(names)} languages; at most {MAX_NAMES}")
        for language, text in names.items():
            if len(language) > MAX_LANGUAGE:
                raise invalid("names", f"a language code is {len(language)} characters; at most {MAX_LANGUAGE}")
            if not isinstance(text, str) or not text.strip():
                raise invalid(f"names.{language}", "must be non-empty text")
            if len(text) > MAX_TEXT:
                raise invalid(f"names.{language}", f"is {len(text):,} characters; at most {MAX_TEXT} (names are short)")
        if "en" not in names:
            raise invalid("names", 'needs an "en" entry (English is required)')
        info["names"] = dict(names)
    if fields.has("category"):
        info["category"] = fields.string("category", required=False, max_len=MAX_TEXT)
    if fields.has("categories"):
        categories = fields.listing("categories", max_items=20)
        if categories is not None:
            if not all(isinstance(item, str) and item.strip() and len(item) <= MAX_TEXT for item in categories):
                raise invalid("categories", f"must be a list of non-empty strings of at most {MAX_TEXT} characters")
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
        info["description"] = fields.string("description", required=False, max_len=MAX_DESCRIPTION, non_empty=False)
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


def _query_int(ctx: Context, name: str, default: int, low: int, high: int) -> int:
    raw = ctx.query_value(name)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit():
        raise invalid(name, f"must be an integer, got {raw[:40]!r}")
    # Digits are counted before int() runs: past 4,300 of them (leading zeros too) Python refuses.
    significant = raw.lstrip("0") or "0"
    if len(significant) > len(str(high)):
        raise invalid(name, f"must be from {low} to {high}, got a {len(significant)}-digit number")
    value = int(significant)
    if value < low or value > high:
        raise invalid(name, f"must be from {low} to {high}, got {value}")
    return value


@route("GET", "/skus")
async def list_skus(ctx: Context) -> dict[str, Any]:
    page = _query_int(ctx, "page", 1, 1, MAX_PAGE)
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
    ctx.state.update_sku(ctx.app, sku, info)
    return {}


@route("PUT", "/skus/{skuId}/activate")
async def activate_sku(ctx: Context) -> dict[str, Any]:
    sku = ctx.state.require_sku(ctx.app, ctx.params["skuId"])
    status = Fields(_body(ctx)).boolean("status", required=True)
    with ctx.state.lock:
        sku.available_status = "ACTIVE" if status else "DEACTIVE"
    return {}
