"""The embedded sandbox's life in the explorer: starting, ready or failed, stopped on exit, and the
tokens minted from it. One object, mounted once (it draws nothing); it tells its listener (the app)
what happened by calling it at once, so the form shows the sandbox's answer in the same frame.

The blocking parts (start, credentials, minting) run in thread workers through `sandbox_link`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from textual import work
from textual.widget import Widget

from explorer.signing import DEFAULT_MAX_SKEW
from explorer.tui import sandbox_link
from explorer.tui.settings import Settings


class SandboxNews(Protocol):
    """Who hears what the sandbox did (the app)."""

    def sandbox_ready(self, news: SandboxLife.Ready) -> None: ...
    def sandbox_failed(self, news: SandboxLife.Failed) -> None: ...
    def sandbox_minted(self, news: SandboxLife.Minted) -> None: ...


class SandboxLife(Widget):
    """The sandbox the explorer talks to: `handle` once ready, `starting` until then, `error` if it failed."""

    DEFAULT_CSS = "SandboxLife { display: none; }"

    @dataclass
    class Ready:
        """The sandbox answered: its credentials, a data token when one was minted, and whether a send
        waited for it."""

        credentials: sandbox_link.Credentials
        minted: dict[str, Any] | None
        send: bool = False

    @dataclass
    class Failed:
        """The sandbox did not start (or did not answer)."""

        error: Exception

    @dataclass
    class Minted:
        """A data token (`push` False) or a push token was minted; `quiet`: nobody asked out loud."""

        minted: dict[str, Any]
        push: bool
        quiet: bool = False

    def __init__(self, settings: Settings, news: SandboxNews) -> None:
        super().__init__(id="sandbox-life")
        self.settings = settings
        self.news = news
        self.handle: Any = settings.sandbox
        self.starting = settings.sandbox_mode  # until the handle's credentials are in
        self.error: str | None = None
        self.owns = False  # started here, so stopped here
        self.send_when_ready = False
        self.minted: dict[str, Any] | None = None  # the last data token minted: dataToken, openId, ...
        self.data_token_expires: int | None = None
        self.push_minting = False
        self.push_mint_failed = False  # no automatic retry after a failure (ctrl+o retries)

    # --- start and stop ------------------------------------------------------------------------

    def connect(self) -> None:
        """Use the given handle, or start the embedded sandbox when the settings ask for it."""
        if self.handle is not None:
            self._connect(self.handle, start=False)
        elif self.settings.start_sandbox:
            self._connect(None, start=True)

    @work(thread=True, exclusive=True, group="sandbox")
    def _connect(self, handle: Any, *, start: bool) -> None:
        try:
            if start:
                handle = sandbox_link.start(self.settings.data_dir)
                self.owns = True
            credentials = sandbox_link.credentials(handle)
            minted = sandbox_link.mint(handle) if self.settings.data_token is None else None
        except Exception as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._ready, handle, credentials, minted)

    def _failed(self, exc: Exception) -> None:
        self.starting = False
        self.error = f"sandbox did not start: {type(exc).__name__}: {exc}"
        not_sent = "; not sent" if self.send_when_ready else ""
        self.send_when_ready = False
        # One clear message; the target stays empty, never the real Open API in its place.
        self.notify(
            f"the embedded sandbox did not start ({exc}){not_sent}; give a base URL to send elsewhere", severity="error"
        )
        self.news.sandbox_failed(self.Failed(exc))

    def _ready(self, handle: Any, credentials: sandbox_link.Credentials, minted: dict[str, Any] | None) -> None:
        self.handle = handle
        self.starting = False
        if minted is not None:
            self.learn_data_token(minted)
        send, self.send_when_ready = self.send_when_ready, False
        self.news.sandbox_ready(self.Ready(credentials, minted, send))

    def send_when_started(self) -> bool:
        """True (and said) when the sandbox is still starting: the send then goes out once it is ready."""
        if self.starting:
            self.send_when_ready = True
            self.notify("the sandbox is starting; the request goes out when it is ready")
        return self.starting

    def on_unmount(self) -> None:
        if self.owns and self.handle is not None:
            self.handle.stop()

    # --- what it answers -----------------------------------------------------------------------

    def base_url(self) -> str | None:
        """The embedded sandbox's base URL, when there is one."""
        return str(self.handle.base_url).rstrip("/") if self.handle is not None else None

    def can_mint(self, target: str) -> bool:
        """A sandbox to mint from: the embedded one, or one on a loopback target."""
        return self.handle is not None or sandbox_link.is_loopback_url(target)

    def target_hint(self, target: str, target_error: Exception | None) -> tuple[str, str]:
        """(text, level) under the base URL: where requests go, or why they cannot."""
        if self.starting:
            return "starting the embedded sandbox…", "warning"
        if self.error and not target:
            return self.error, "error"
        if target_error is not None:
            return f"✗ {target_error}", "error"
        if self.handle is not None and target.rstrip("/") == str(self.handle.base_url).rstrip("/"):
            return f"embedded sandbox · app {self.handle.app_id}", ""
        if sandbox_link.is_loopback_url(target):
            return "a loopback target", ""
        return "a real target: requests leave this machine", "warning"

    def ts_window(self) -> int:
        """The sandbox's ts window when it is the target, else the documented 300 s default."""
        settings = getattr(getattr(self.handle, "state", None), "settings", None)
        window = getattr(settings, "ts_window", None)
        return window if isinstance(window, int) and window > 0 else DEFAULT_MAX_SKEW

    def countdown(self, now: int) -> tuple[str, str]:
        """The minted data token's time left, as (text, level); ('', '') when none is ticking."""
        if self.data_token_expires is None:
            return "", ""
        return sandbox_link.countdown(self.data_token_expires, now)

    def minted_for(self, sent_token: str | None) -> dict[str, Any] | None:
        """The minted data token's answer when it is the one that was sent (its user is then known)."""
        if self.minted and self.minted.get("dataToken") == sent_token:
            return self.minted
        return None

    def learn_data_token(self, minted: dict[str, Any]) -> None:
        self.minted = minted
        self.data_token_expires = sandbox_link.expires_at_seconds(minted.get("expiresAt"))

    def data_token_replaced(self, field_value: str) -> bool:
        """The data token field was edited: True (and the countdown stops) when it no longer holds the minted one."""
        if field_value == (self.minted or {}).get("dataToken"):
            return False
        self.data_token_expires = None
        return True

    # --- minting -------------------------------------------------------------------------------

    def mint_data_token(self, target: str, app_id: str, scope: str = "openid") -> None:
        if not self.can_mint(target):
            # A real target mints nothing: data tokens come from bn.getUserOpenId in the Binance app.
            why = "data tokens come from the mini program (bn.getUserOpenId)"
            self.notify(f"no sandbox here: {why}", severity="warning")
            return
        self._mint(self.handle, target, app_id, scope)

    @work(thread=True, exclusive=True, group="mint")
    def _mint(self, handle: Any, base_url: str, app_id: str, scope: str) -> None:
        try:
            minted = sandbox_link.mint(handle, base_url=base_url, app_id=app_id, scope=scope)
        except Exception as exc:
            self.app.call_from_thread(self.notify, f"could not mint a data token: {exc}", severity="error")
            return
        self.app.call_from_thread(self._minted, minted)

    def _minted(self, minted: dict[str, Any]) -> None:
        self.learn_data_token(minted)
        self.news.sandbox_minted(self.Minted(minted, push=False))
        self.notify(f"minted a new data token, scope {minted.get('scope', 'openid')} (valid 2 minutes)")

    def mint_push_token_once(self, target: str, app_id: str) -> None:
        """A template needs a push token: the embedded sandbox mints one, once (a failure waits for ctrl+o)."""
        if self.handle is not None and not self.push_minting and not self.push_mint_failed:
            self.mint_push_token(target, app_id, quiet=True)

    def mint_push_token(self, target: str, app_id: str, *, quiet: bool) -> None:
        if not self.can_mint(target):
            why = "push tokens come from the mini program (bn.requestSubscribeMessage)"
            self.notify(f"no sandbox here: {why}", severity="warning")
            return
        self.push_minting = True
        self._mint_push(self.handle, target, app_id, quiet)

    @work(thread=True, exclusive=True, group="mint-push")
    def _mint_push(self, handle: Any, base_url: str, app_id: str, quiet: bool) -> None:
        try:
            minted = sandbox_link.mint_push(handle, base_url=base_url, app_id=app_id)
        except Exception as exc:
            self.app.call_from_thread(self._push_failed, exc)
            return
        self.app.call_from_thread(self._push_minted, minted, quiet)

    def _push_failed(self, exc: Exception) -> None:
        self.push_minting = False
        self.push_mint_failed = True
        self.notify(f"could not mint a push token: {exc}", severity="error")

    def _push_minted(self, minted: dict[str, Any], quiet: bool) -> None:
        self.push_minting = False
        self.push_mint_failed = False
        self.news.sandbox_minted(self.Minted(minted, push=True, quiet=quiet))
        if not quiet:
            self.notify("minted a new push token (single use, valid 7 days)")

    async def mint_push_now(self, target: str, app_id: str) -> dict[str, Any] | None:
        """A push token before a send that needs one (each is single use); None when there is no sandbox
        to mint from, or (said) when minting fails."""
        import asyncio

        if not self.can_mint(target):
            return None
        try:
            return await asyncio.to_thread(sandbox_link.mint_push, self.handle, base_url=target, app_id=app_id)
        except Exception as exc:
            self.notify(f"could not mint a push token: {exc}", severity="error")
            return None
