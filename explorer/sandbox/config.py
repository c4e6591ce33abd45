"""What one sandbox serves (an app and its keys) and how strict it is (windows, lifetimes, caps)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from explorer.signing import DEFAULT_MAX_SKEW


@dataclass(frozen=True)
class SandboxAppConfig:
    """One mini program the sandbox knows: its ids, secret key and the RSA public key for userData.

    `private_key_*` and `public_key_path` are set for the demo app only (the sandbox never needs
    the private key; it is kept so callers can decrypt what the sandbox encrypts).
    """

    app_id: str
    access_key_id: str
    secret_key: str = field(repr=False)
    public_key_pem: bytes = field(repr=False)
    private_key_path: Path | None = None
    public_key_path: Path | None = None
    private_key_pem: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class SandboxSettings:
    """Windows and lifetimes; every one is a documented, configurable choice."""

    # No ts window is published; 300 s either way is the project's documented default.
    ts_window: int = DEFAULT_MAX_SKEW
    # The spec: a data token is valid for 2 minutes.
    data_token_ttl: float = 120.0
    # The spec: a pushToken lives 7 days and is single use.
    push_token_ttl: float = 7 * 24 * 3600.0
    # Seconds an uploaded file stays CHECKING before it turns SUCCESS (the real check takes up to 10 min).
    file_check_delay: float = 5.0
    # Seconds from a request's head to the end of its body (at most 1 MiB + 64 KiB): a client that
    # trickles its body slower gets 408 and the connection is closed.
    body_timeout: float = 30.0
