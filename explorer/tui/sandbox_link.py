"""The explorer's side of the sandbox: start it, read its demo credentials, mint data and push tokens.

Blocking functions, meant for thread workers. No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Credentials:
    """What the form takes from a sandbox handle."""

    base_url: str
    app_id: str
    access_key_id: str
    secret_key: str
    private_key: str  # a path when the key is on disk, else the PEM text


def start(data_dir: str | None = None) -> Any:
    """Start the embedded sandbox on a free loopback port; return its handle."""
    from explorer.sandbox.runner import start_background

    if data_dir is not None:
        return start_background(data_dir=Path(data_dir))
    return start_background()


def credentials(handle: Any) -> Credentials:
    private_key = ""
    path = getattr(handle, "private_key_path", None)
    if path and Path(path).is_file():
        private_key = str(path)
    elif getattr(handle, "private_key_pem", None):
        pem = handle.private_key_pem
        private_key = pem.decode("utf-8") if isinstance(pem, bytes) else str(pem)
    return Credentials(
        base_url=str(handle.base_url),
        app_id=str(handle.app_id),
        access_key_id=str(handle.access_key_id),
        secret_key=str(handle.secret_key),
        private_key=private_key,
    )


def mint(handle: Any, *, base_url: str = "", app_id: str = "", scope: str = "openid") -> dict[str, Any]:
    """A new data token: through the handle when there is one, else the sandbox's HTTP route."""
    if handle is not None:
        return dict(handle.mint_data_token(scope=scope))
    import httpx

    url = f"{base_url.rstrip('/')}/sandbox/v1/apps/{app_id}/data-tokens"
    response = httpx.post(url, json={"scope": scope}, timeout=5.0)
    response.raise_for_status()
    answer = response.json()
    if not isinstance(answer, dict) or "dataToken" not in answer:
        raise ValueError(f"{url} answered without a dataToken")
    return answer


def mint_push(handle: Any, *, base_url: str = "", app_id: str = "") -> dict[str, Any]:
    """A new single-use push token: through the handle when there is one, else the sandbox's HTTP route."""
    if handle is not None:
        return dict(handle.mint_push_token())
    import httpx

    url = f"{base_url.rstrip('/')}/sandbox/v1/apps/{app_id}/push-tokens"
    response = httpx.post(url, json={}, timeout=5.0)
    response.raise_for_status()
    answer = response.json()
    if not isinstance(answer, dict) or not isinstance(answer.get("pushToken"), str):
        raise ValueError(f"{url} answered without a pushToken")
    return answer


def is_loopback_url(url: str) -> bool:
    """True for http(s)://127.x, localhost or [::1]: a sandbox run with `mp-explorer sandbox`."""
    host = urlsplit(url.strip()).hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.")


def expires_at_seconds(value: Any) -> int | None:
    """expiresAt as Unix seconds, whether it came as seconds, milliseconds or ISO 8601 text."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return int(value / 1000) if value > 10**11 else int(value)
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            return expires_at_seconds(int(text))
        try:
            return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())
        except ValueError:
            return None
    return None


def countdown(expires_at: int, now: int) -> tuple[str, str]:
    """('expires in 1:53', '') or ('expired 0:07 ago; ctrl+t mints a new one', 'error')."""
    left = expires_at - now
    if left > 0:
        return f"expires in {left // 60}:{left % 60:02d}  (ctrl+t mints a new one)", ("warning" if left <= 20 else "")
    ago = -left
    return f"expired {ago // 60}:{ago % 60:02d} ago; ctrl+t mints a new one", "error"
