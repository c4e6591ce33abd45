"""The sandbox's in-memory world: apps, users, data tokens, push tokens, files and SKUs.

Everything is bounded: past a cap the oldest entry is evicted (an evicted data token then reads as
unknown, 900201). Counts bound the small records (users, tokens, file metadata: a few hundred
bytes each); SKUs, whose fields a client writes, are bounded by size as well: one SKU (its audit
and online versions, as compact UTF-8 JSON) at most MAX_SKU_BYTES, refused above that, and all SKUs
together at most MAX_STORED_SKU_BYTES, the oldest evicted first past it.

All mutation happens under one lock, because the server's event loop and the caller's thread
(SandboxHandle.mint_data_token) both touch it. Time comes from `clock` so tests can move it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from explorer import crypto
from explorer.sandbox import envelope as env
from explorer.sandbox.config import SandboxAppConfig, SandboxSettings
from explorer.sandbox.envelope import ApiError

SCOPES = ("openid", "phone", "email")
DEMO_USERS_PER_APP = 3

# Caps that keep a long-running sandbox small (oldest evicted first).
MAX_APPS = 16
MAX_USERS_PER_APP = 1000
MAX_DATA_TOKENS = 10_000
MAX_PUSH_TOKENS = 10_000
MAX_FILES_PER_APP = 1000
MAX_SKUS_PER_APP = 1000
# Size bounds for SKUs (see the module docstring). The real API's SKU fields are short (names and
# category up to 255 characters, description 4,096), so a real SKU is a few KiB at most.
MAX_SKU_BYTES = 32 * 1024
MAX_STORED_SKU_BYTES = 16 * 1024 * 1024


@dataclass
class User:
    open_id: str
    phone: str
    email: str
    pay_id: int

    def as_dict(self) -> dict[str, Any]:
        return {"openId": self.open_id, "phone": self.phone, "email": self.email, "payId": self.pay_id}

    def value(self, scope: str) -> str:
        return {"openid": self.open_id, "phone": self.phone, "email": self.email}[scope]


@dataclass
class DataToken:
    token: str
    app_id: str
    open_id: str
    scope: str
    expires_at: float


@dataclass
class PushToken:
    token: str
    app_id: str
    open_id: str
    expires_at: float
    used: bool = False


@dataclass
class StoredFile:
    """An upload's metadata; the bytes are not kept (only their size and hash)."""

    file_id: str
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: float


@dataclass
class Sku:
    sku_id: str
    audit_info: dict[str, Any]
    audit_status: str = "TODO"
    online_info: dict[str, Any] | None = None
    available_status: str = "DEACTIVE"


def json_size(value: Any) -> int:
    """Bytes of `value` as compact UTF-8 JSON (the measure of a stored object's size)."""
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass"))


def sku_size(sku: Sku) -> int:
    return json_size([sku.sku_id, sku.audit_info, sku.online_info])


def too_large(size: int) -> ApiError:
    return ApiError(
        env.INVALID_PARAMETER,
        f"invalid parameter: the SKU would be {size:,} bytes as JSON; the sandbox keeps at most "
        f"{MAX_SKU_BYTES:,} bytes per SKU (the real API's fields are short: names and category up to "
        "255 characters, description up to 4,096)",
    )


@dataclass
class AppState:
    config: SandboxAppConfig
    public_key: rsa.RSAPublicKey
    users: OrderedDict[str, User] = field(default_factory=OrderedDict)
    files: OrderedDict[str, StoredFile] = field(default_factory=OrderedDict)
    skus: OrderedDict[str, Sku] = field(default_factory=OrderedDict)


def _put(table: OrderedDict[str, Any], key: str, value: Any, cap: int) -> None:
    table[key] = value
    table.move_to_end(key)
    while len(table) > cap:
        table.popitem(last=False)


def _demo_user(app_id: str, index: int) -> User:
    # Stable per app, so the same openids come back after a restart.
    seed = hashlib.sha256(f"{app_id}/user/{index}".encode()).hexdigest()
    return User(
        open_id=seed[:32],
        phone=f"+6581{int(seed[32:40], 16) % 1_000_000:06d}",
        email=f"demo{index + 1}@example.com",
        pay_id=100_000_000 + int(seed[40:48], 16) % 900_000_000,
    )


class SandboxState:
    """Apps and everything minted for them."""

    def __init__(self, settings: SandboxSettings | None = None, clock: Callable[[], float] = time.time) -> None:
        self.settings = settings or SandboxSettings()
        self.clock = clock
        self.lock = threading.RLock()
        self.apps: OrderedDict[str, AppState] = OrderedDict()
        self.data_tokens: OrderedDict[str, DataToken] = OrderedDict()
        self.push_tokens: OrderedDict[str, PushToken] = OrderedDict()
        # Every stored SKU's size, oldest first (for eviction by total size), and their sum.
        self.sku_sizes: OrderedDict[tuple[str, str], int] = OrderedDict()
        self.stored_sku_bytes = 0

    # --- apps and users ---------------------------------------------------------------------

    def add_app(self, config: SandboxAppConfig) -> AppState:
        """Register an app (its public key is loaded now, so a bad PEM fails here) with demo users."""
        public_key = crypto.load_public_key(config.public_key_pem)
        app = AppState(config=config, public_key=public_key)
        for index in range(DEMO_USERS_PER_APP):
            user = _demo_user(config.app_id, index)
            app.users[user.open_id] = user
        with self.lock:
            _put(self.apps, config.app_id, app, MAX_APPS)
        return app

    def app(self, app_id: str) -> AppState | None:
        return self.apps.get(app_id)

    def require_app(self, app_id: str) -> AppState:
        app = self.apps.get(app_id)
        if app is None:
            raise ApiError(
                env.INVALID_PARAMETER, f"invalid parameter: appId {app_id!r} is not an app of this sandbox", 404
            )
        return app

    def user_for(self, app: AppState, open_id: str | None) -> User:
        """The user with this openid (created when new), or the first demo user when None."""
        with self.lock:
            if open_id is None:
                return next(iter(app.users.values()))
            user = app.users.get(open_id)
            if user is None:
                seed = hashlib.sha256(f"{app.config.app_id}/openid/{open_id}".encode()).hexdigest()
                user = User(
                    open_id=open_id,
                    phone=f"+6582{int(seed[:8], 16) % 1_000_000:06d}",
                    email=f"user-{seed[8:16]}@example.com",
                    pay_id=100_000_000 + int(seed[16:24], 16) % 900_000_000,
                )
                _put(app.users, open_id, user, MAX_USERS_PER_APP)
            return user

    # --- data tokens ------------------------------------------------------------------------

    def mint_data_token(
        self, app_id: str, scope: str = "openid", open_id: str | None = None, ttl: float | None = None
    ) -> dict[str, Any]:
        """A data token for one user and scope: {"dataToken", "openId", "scope", "expiresAt"}."""
        if scope not in SCOPES:
            raise ApiError(env.INVALID_PARAMETER, f"invalid parameter: scope must be one of {', '.join(SCOPES)}")
        app = self.require_app(app_id)
        user = self.user_for(app, open_id)
        expires_at = self.clock() + (self.settings.data_token_ttl if ttl is None else ttl)
        # Unreserved characters only, so encoded and unencoded queries sign the same.
        token = "dt_" + secrets.token_urlsafe(24)
        with self.lock:
            _put(self.data_tokens, token, DataToken(token, app_id, user.open_id, scope, expires_at), MAX_DATA_TOKENS)
        return {"dataToken": token, "openId": user.open_id, "scope": scope, "expiresAt": int(expires_at)}

    def open_data(self, app: AppState, token: str) -> str:
        """userData for a data token: base64 (URL-safe, padded) of the RSA PKCS#1 v1.5 ciphertext."""
        with self.lock:
            minted = self.data_tokens.get(token)
        if minted is None or minted.app_id != app.config.app_id:
            raise ApiError(env.DATA_TOKEN_INVALID, "invalid data token: openData is not a token this app was given")
        if self.clock() >= minted.expires_at:
            raise ApiError(
                env.DATA_TOKEN_EXPIRED,
                f"data token expired {int(self.clock() - minted.expires_at)} s ago (tokens live "
                f"{self.settings.data_token_ttl:g} s)",
            )
        user = self.user_for(app, minted.open_id)
        return crypto.encrypt_user_data(app.public_key, user.value(minted.scope))

    # --- push tokens ------------------------------------------------------------------------

    def mint_push_token(self, app_id: str, open_id: str | None = None, ttl: float | None = None) -> dict[str, Any]:
        """A single-use push token: {"pushToken", "openId", "expiresAt"}."""
        app = self.require_app(app_id)
        user = self.user_for(app, open_id)
        expires_at = self.clock() + (self.settings.push_token_ttl if ttl is None else ttl)
        token = "pt_" + secrets.token_urlsafe(24)
        with self.lock:
            _put(self.push_tokens, token, PushToken(token, app_id, user.open_id, expires_at), MAX_PUSH_TOKENS)
        return {"pushToken": token, "openId": user.open_id, "expiresAt": int(expires_at)}

    def use_push_token(self, app: AppState, token: str) -> PushToken:
        """Spend a push token once; 900230 when unknown, used or expired."""
        with self.lock:
            minted = self.push_tokens.get(token)
            if minted is None or minted.app_id != app.config.app_id:
                raise ApiError(env.PUSH_TOKEN_INVALID, "invalid pushToken: not a token this app was given")
            if minted.used:
                raise ApiError(env.PUSH_TOKEN_INVALID, "invalid pushToken: already used (push tokens are single use)")
            if self.clock() >= minted.expires_at:
                raise ApiError(env.PUSH_TOKEN_INVALID, "expired pushToken: push tokens live 7 days")
            minted.used = True
            return minted

    # --- files ------------------------------------------------------------------------------

    def add_file(self, app: AppState, filename: str, content_type: str, content: bytes) -> StoredFile:
        stored = StoredFile(
            file_id=str(uuid.uuid4()),
            filename=filename,
            content_type=content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_at=self.clock(),
        )
        with self.lock:
            _put(app.files, stored.file_id, stored, MAX_FILES_PER_APP)
        return stored

    def file_status(self, stored: StoredFile) -> str:
        """CHECKING until file_check_delay has passed, then SUCCESS."""
        if self.clock() - stored.uploaded_at < self.settings.file_check_delay:
            return "CHECKING"
        return "SUCCESS"

    def image_status(self, app: AppState, file_id: str) -> str:
        """A SKU's imageStatus: UPLOADING while the file is checked, SUCCESS, or NONEXISTED once evicted."""
        stored = app.files.get(file_id)
        if stored is None:
            return "NONEXISTED"
        return "UPLOADING" if self.file_status(stored) == "CHECKING" else "SUCCESS"

    # --- SKUs -------------------------------------------------------------------------------

    def add_sku(self, app: AppState, sku: Sku) -> None:
        """Store a new SKU (900260 when its id exists, 900001 when it is over MAX_SKU_BYTES)."""
        size = sku_size(sku)
        if size > MAX_SKU_BYTES:
            raise too_large(size)
        with self.lock:
            if sku.sku_id in app.skus:
                raise ApiError(env.SKU_INVALID, f"invalid skuId: {sku.sku_id!r} already exists", 409)
            app.skus[sku.sku_id] = sku
            while len(app.skus) > MAX_SKUS_PER_APP:
                oldest = next(iter(app.skus))
                self._forget_sku(app, oldest)
            self._account(app, sku, size)

    def update_sku(self, app: AppState, sku: Sku, info: dict[str, Any]) -> None:
        """Merge changed fields into the audit version and send it back to audit (TODO)."""
        with self.lock:
            merged = {**sku.audit_info, **info}
            size = json_size([sku.sku_id, merged, sku.online_info])
            if size > MAX_SKU_BYTES:
                raise too_large(size)
            sku.audit_info = merged
            sku.audit_status = "TODO"  # a change goes back to audit
            self._account(app, sku, size)

    def set_audit_status(self, app: AppState, sku: Sku, status: str) -> None:
        """The audit's verdict; approval copies the audited fields to the online version."""
        with self.lock:
            online = dict(sku.audit_info) if status == "APPROVED" else sku.online_info
            size = json_size([sku.sku_id, sku.audit_info, online])
            if size > MAX_SKU_BYTES:
                raise too_large(size)
            sku.audit_status = status
            sku.online_info = online
            self._account(app, sku, size)

    def _account(self, app: AppState, sku: Sku, size: int) -> None:
        """Record `sku`'s size (lock held) and evict the oldest SKUs while the total is over budget."""
        key = (app.config.app_id, sku.sku_id)
        if sku.sku_id not in app.skus:
            return  # evicted by count in the same call
        self.stored_sku_bytes += size - self.sku_sizes.get(key, 0)
        self.sku_sizes[key] = size
        while self.stored_sku_bytes > MAX_STORED_SKU_BYTES and len(self.sku_sizes) > 1:
            app_id, sku_id = next(iter(self.sku_sizes))
            if (app_id, sku_id) == key:
                self.sku_sizes.move_to_end(key)
                continue
            owner = self.apps.get(app_id)
            if owner is not None and sku_id in owner.skus:
                self._forget_sku(owner, sku_id)
            else:
                self.stored_sku_bytes -= self.sku_sizes.pop((app_id, sku_id))

    def _forget_sku(self, app: AppState, sku_id: str) -> None:
        app.skus.pop(sku_id, None)
        self.stored_sku_bytes -= self.sku_sizes.pop((app.config.app_id, sku_id), 0)

    def require_sku(self, app: AppState, sku_id: str) -> Sku:
        sku = app.skus.get(sku_id)
        if sku is None:
            raise ApiError(env.SKU_INVALID, f"invalid skuId: no SKU {sku_id!r} in this app", 404)
        return sku

    def sku_view(self, app: AppState, sku: Sku) -> dict[str, Any]:
        """The response shape: {"id", "audit": {"info", "auditStatus"}, "online": {"info", "availableStatus"}}."""
        info = dict(sku.audit_info)
        if "coverImageFileId" in info:
            info["imageStatus"] = self.image_status(app, info["coverImageFileId"])
        return {
            "id": sku.sku_id,
            "audit": {"info": info, "auditStatus": sku.audit_status},
            "online": {
                "info": dict(sku.online_info) if sku.online_info else None,
                "availableStatus": sku.available_status,
            },
        }
