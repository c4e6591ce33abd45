"""ExplorerApp: the form on the left, the four stages and the response on the right.

One flow of data: Form.state() -> model.compute() -> Stages -> every stage widget; a send turns
the Stages' RequestSpec and Signature into an Exchange, rendered raw and decrypted.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Footer

from explorer import clipboard, multipart
from explorer.endpoints import BY_NAME, MULTIPART
from explorer.known_values import KnownValues
from explorer.request import wire_request
from explorer.signing import DEFAULT_MAX_SKEW
from explorer.tui import sandbox_link
from explorer.tui.copying import COPY_TARGETS, copy_text
from explorer.tui.form import Form
from explorer.tui.keys import KeyStatus, load_key
from explorer.tui.model import FIELD_STAGE, Stages, compute, parse_timeout
from explorer.tui.response import Pane, ResponsePanel
from explorer.tui.settings import Settings
from explorer.tui.stages import StagesPanel, StageView
from explorer.tui.ts_age import pinned_hint
from explorer.tui.workspace_actions import WorkspaceActions


class ExplorerApp(App[None]):
    """See every signing stage live, send, and read the response raw and decrypted."""

    TITLE = "mp-explorer"
    AUTO_FOCUS = "#endpoint"
    CSS = """
    #main { height: 1fr; }
    #form { width: 34%; max-width: 64; }
    #right { width: 1fr; }
    #stages { height: auto; max-height: 62%; }
    #response { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "help", id="explorer.help"),
        Binding("ctrl+s", "send", "send", priority=True, id="explorer.send"),
        Binding("escape", "cancel_send", "cancel", id="explorer.cancel"),
        Binding("ctrl+y", "copy('token')", "copy token", priority=True, id="explorer.copy_token"),
        Binding("f2", "copy('header')", "copy header", show=False, id="explorer.copy_header"),
        Binding("f3", "copy('canonical')", "copy canonical", show=False, id="explorer.copy_canonical"),
        Binding("f4", "copy('digest')", "copy digest", show=False, id="explorer.copy_digest"),
        Binding("f5", "copy('curl')", "copy curl", id="explorer.copy_curl"),
        Binding("f6", "show_value", "whole value", show=False, id="explorer.show_value"),
        Binding("ctrl+t", "mint_token", "new data token", priority=True, id="explorer.mint_token"),
        Binding(
            "ctrl+o", "mint_push_token", "new push token", show=False, priority=True, id="explorer.mint_push_token"
        ),
        Binding("ctrl+g", "toggle_pin", "pin ts", priority=True, id="explorer.pin_ts"),
        Binding("ctrl+r", "toggle_reveal", "reveal", priority=True, id="explorer.reveal"),
        Binding("f8", "save_request", "save", show=False, id="explorer.save_request"),
        Binding("f9", "open_request", "open", show=False, id="explorer.open_request"),
        Binding("f10", "history", "history", show=False, id="explorer.history"),
        # Priority, so focus moves when the key arrives: Textual routes each key to the widget focused
        # at that moment, and a non-priority tab moved focus only after the keys queued behind it
        # had gone to the old field ("tab" then "POST" in one terminal read typed into the old one).
        Binding("tab", "app.focus_next", show=False, priority=True, id="explorer.focus_next"),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True, id="explorer.focus_previous"),
    ]

    def __init__(self, settings: Settings | None = None) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.stages: Stages = Stages()
        self.ts_pinned = self.settings.ts is not None
        self.masked = self.settings.masked
        self.key_status = KeyStatus()
        self.sandbox: Any = self.settings.sandbox
        self.sandbox_starting = self.settings.sandbox_mode  # until the handle's credentials are in
        self.sandbox_error: str | None = None
        self.owns_sandbox = False
        self.send_when_ready = False
        self.data_token_expires: int | None = None
        self.minted_token: str | None = None
        self.minted: dict[str, Any] | None = None  # the last data token minted: dataToken, openId, ...
        self.known = KnownValues()  # what fills {openId}, {pushToken}, {fileId}, {skuId}, {newSkuId}
        self.push_minting = False
        self.push_mint_failed = False  # no automatic retry after a failure (ctrl+o retries)
        self.last_exchange: Any = None
        self.send_in_flight: tuple[str, str, float] | None = None  # method, url, monotonic start
        self._form_ready = False
        self.last_copy: tuple[str, str] | None = None  # (what, text) of the last copy
        self.copied: list[tuple[str, str]] = []  # (what, path) of every copy, for tests and the log
        self.workspace = WorkspaceActions(self)  # request files and the send history

    def _fatal_error(self) -> None:
        # Textual's crash report shows every frame's locals, which would print the secret key to
        # the terminal (and into bug reports); show the traceback without them.
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None)
        self._exit_renderables.append(Segments(self.console.render(traceback, self.console.options)))
        self._close_messages_no_wait()

    # --- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield Form(endpoint=self.settings.endpoint, on_edit=self.form_edited)
            with Vertical(id="right"):
                yield StagesPanel(id="stages")
                yield ResponsePanel(id="response")
        yield Footer(id="footer")

    @property
    def form(self) -> Form:
        return self.query_one(Form)

    def on_mount(self) -> None:
        self._form_ready = True
        self.theme = "textual-dark"
        self._prefill()
        self.form.set_masked(self.masked)
        self.recompute(flash=False)
        # cryptography loads with the key: after the first frame, like httpx.
        self.call_after_refresh(self._refresh_key_status)
        self.set_interval(1.0, self._tick, name="clock")
        if self.sandbox is not None:
            self._connect_sandbox(self.sandbox, start=False)
        elif self.settings.start_sandbox:
            self.form.query_one("#target").placeholder = "starting sandbox…"  # type: ignore[attr-defined]
            self.call_after_refresh(self._connect_sandbox, None, start=True)
        if self.settings.preload_client:
            self.call_after_refresh(self._preload_client)

    def _prefill(self) -> None:
        s, form = self.settings, self.form
        values = {
            "target": s.base_url or "",
            "method": s.method,
            "path": s.path,
            "query": s.query,
            "body": s.body,
            "app-id": s.app_id,
            "access-key-id": s.access_key_id,
            "secret-key": s.secret_key,
            "private-key": s.private_key,
            "passphrase": s.passphrase,
            "data-token": s.data_token,
            "timeout": f"{s.timeout:g}",
            "file": s.file,
            "ts": str(s.ts if s.ts is not None else s.clock()),
        }
        if s.endpoint:
            # Quiet: the first frame shows the stages without a flash (snapshots stay stable).
            form.apply_endpoint(s.endpoint, quiet=True)
        for field_id, value in values.items():
            if value is not None:
                form.set_value(field_id, value, quiet=True)
        self._show_ts_mode()

    # --- the one flow: form -> stages -----------------------------------------------------------

    def recompute(self, *, flash: bool = True) -> Stages:
        """Recompute every stage from the form and render it."""
        now = self.settings.clock()
        ts = None if self.ts_pinned else now
        ts_input = self.form.query_one("#ts")
        if not self.ts_pinned and self.focused is not ts_input:
            # Never overwrite the field while someone may be typing in it (typing pins it).
            self.form.set_value("ts", str(now), quiet=True)
        state = self.form.state()
        self.stages = compute(state, ts=ts, now=now, rules=self.settings.rules, known=self.known.as_dict())
        self._show_built_body(state.endpoint)
        self.query_one(StagesPanel).show(self.stages, flash=flash)
        if self.ts_pinned:
            self._show_ts_mode()
        path_hint = self.stages.path if self.stages.path != state.path else ""
        self.form.set_hint("path-hint", f"→ {path_hint}" if path_hint else "")
        note = self.stages.secret_note
        self.form.set_hint("secret-hint", note or "", level="warning" if note else "")
        target_hint, target_level = self._target_hint(state.target)
        self.form.set_hint("target-hint", target_hint, level=target_level)
        # The embedded sandbox mints a push token as soon as a template needs one.
        needs_push = "pushToken" in self.stages.body_unfilled and self.sandbox is not None
        if needs_push and not self.push_minting and not self.push_mint_failed:
            self._start_push_mint(quiet=True)
        return self.stages

    def _show_built_body(self, endpoint_name: str | None) -> None:
        """UploadFile: the body box is read-only and shows the built multipart body, summarised."""
        endpoint = BY_NAME.get(endpoint_name or "")
        is_multipart = endpoint is not None and endpoint.content_type == MULTIPART
        body = self.form.query_one("#body")
        if body.read_only != is_multipart:  # type: ignore[attr-defined]
            self.form.set_multipart(is_multipart)
        if self.stages.multipart is not None:
            self.form.show_body_summary(multipart.summary(self.stages.multipart))

    def _target_hint(self, target: str) -> tuple[str, str]:
        """(text, level) under the base URL: where requests go, or why they cannot."""
        if self.sandbox_starting:
            return "starting the embedded sandbox…", "warning"
        if self.sandbox_error and not target:
            return self.sandbox_error, "error"
        if self.stages.target_error is not None:
            return f"✗ {self.stages.target_error}", "error"
        if self.sandbox is not None and target.rstrip("/") == str(self.sandbox.base_url).rstrip("/"):
            return f"embedded sandbox · app {self.sandbox.app_id}", ""
        if sandbox_link.is_loopback_url(target):
            return "a loopback target", ""
        return "a real target: requests leave this machine", "warning"

    @on(Form.Edited)
    def _form_edited(self, event: Form.Edited) -> None:
        self.form_edited(event.source)

    def form_edited(self, source: str) -> None:
        """An input changed (`source` is its id): recompute every stage."""
        if not self._form_ready:
            return  # the inputs announcing their initial values while they mount; on_mount computes once
        if source == "ts":
            self.ts_pinned = True
            self._show_ts_mode()
        if source in ("private-key", "passphrase"):
            self._refresh_key_status()
        if source == "data-token" and self.form.value("data-token") != self.minted_token:
            self.data_token_expires = None
            self.form.set_hint("data-token-ttl", "")
        self.recompute(flash=True)

    def _tick(self) -> None:
        with contextlib.suppress(NoMatches):  # a tick that lands while the app closes: the form is gone
            self._tick_now()

    def _tick_now(self) -> None:
        if not self.ts_pinned:
            self.recompute(flash=False)
        else:
            self._show_ts_mode()  # the pinned ts's age ticks
        if self.data_token_expires is not None:
            text, level = sandbox_link.countdown(self.data_token_expires, self.settings.clock())
            self.form.set_hint("data-token-ttl", text, level=level)

    def _show_ts_mode(self) -> None:
        if self.ts_pinned:
            text, level = pinned_hint(self.stages.ts, self.settings.clock(), self._ts_window())
            self.form.set_hint("ts-mode", text, level=level)
        else:
            self.form.set_hint("ts-mode", "follows the clock  (ctrl+g pins it)")

    def _ts_window(self) -> int:
        """The sandbox's ts window when it is the target, else the documented 300 s default."""
        settings = getattr(getattr(self.sandbox, "state", None), "settings", None)
        window = getattr(settings, "ts_window", None)
        return window if isinstance(window, int) and window > 0 else DEFAULT_MAX_SKEW

    def _refresh_key_status(self) -> None:
        self.key_status = load_key(self.form.value("private-key"), self.form.value("passphrase"))
        self.form.set_hint("private-key-status", self.key_status.status, level=self.key_status.level)

    # --- sandbox -------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="sandbox")
    def _connect_sandbox(self, handle: Any, *, start: bool) -> None:
        try:
            if start:
                handle = sandbox_link.start(self.settings.data_dir)
                self.owns_sandbox = True
            creds = sandbox_link.credentials(handle)
            minted = sandbox_link.mint(handle) if self.settings.data_token is None else None
        except Exception as exc:
            self.call_from_thread(self._sandbox_failed, exc)
            return
        self.call_from_thread(self._sandbox_ready, handle, creds, minted)

    def _sandbox_failed(self, exc: Exception) -> None:
        self.sandbox_starting = False
        if self.send_when_ready:
            self.send_when_ready = False
            self.notify(f"not sent: the sandbox did not start ({exc})", severity="error")
        self.form.query_one("#target").placeholder = "https://dip-cb.binanceapi.com"  # type: ignore[attr-defined]
        self.sandbox_error = f"sandbox did not start: {type(exc).__name__}: {exc}"
        self.recompute(flash=False)

    def _sandbox_ready(self, handle: Any, creds: sandbox_link.Credentials, minted: dict[str, Any] | None) -> None:
        self.sandbox = handle
        self.sandbox_starting = False
        s, form = self.settings, self.form
        for field_id, given, value in (
            ("target", s.base_url, creds.base_url),
            ("app-id", s.app_id, creds.app_id),
            ("access-key-id", s.access_key_id, creds.access_key_id),
            ("secret-key", s.secret_key, creds.secret_key),
            ("private-key", s.private_key, creds.private_key),
        ):
            if given is None:
                form.set_value(field_id, value, quiet=True)
        if minted is not None:
            self._apply_minted(minted)
        self._refresh_key_status()
        self.recompute(flash=False)
        if self.send_when_ready:
            self.send_when_ready = False
            self.run_send()

    def _apply_minted(self, minted: dict[str, Any]) -> None:
        self.minted = minted
        self.known.learn_data_token(minted)
        self.minted_token = str(minted["dataToken"])
        self.form.set_value("data-token", self.minted_token, quiet=True)
        self.data_token_expires = sandbox_link.expires_at_seconds(minted.get("expiresAt"))
        if self.data_token_expires is not None:
            text, level = sandbox_link.countdown(self.data_token_expires, self.settings.clock())
            self.form.set_hint("data-token-ttl", text, level=level)

    def _can_mint(self) -> bool:
        return self.sandbox is not None or sandbox_link.is_loopback_url(self.form.value("target"))

    def action_mint_push_token(self) -> None:
        if not self._can_mint():
            self.notify(
                "no sandbox here: push tokens come from the mini program (bn.requestSubscribeMessage)",
                severity="warning",
            )
            return
        self._start_push_mint(quiet=False)

    def _start_push_mint(self, *, quiet: bool) -> None:
        self.push_minting = True
        self._push_mint_worker(self.sandbox, self.form.value("target"), self.form.value("app-id"), quiet)

    @work(thread=True, exclusive=True, group="mint-push")
    def _push_mint_worker(self, handle: Any, base_url: str, app_id: str, quiet: bool) -> None:
        try:
            minted = sandbox_link.mint_push(handle, base_url=base_url, app_id=app_id)
        except Exception as exc:
            self.call_from_thread(self._push_mint_failed, exc)
            return
        self.call_from_thread(self._push_minted, minted, quiet)

    def _push_mint_failed(self, exc: Exception) -> None:
        self.push_minting = False
        self.push_mint_failed = True
        self.notify(f"could not mint a push token: {exc}", severity="error")

    def _push_minted(self, minted: dict[str, Any], quiet: bool) -> None:
        self.push_minting = False
        self.push_mint_failed = False
        self.known.learn_push_token(minted)
        self.recompute(flash=True)
        if not quiet:
            self.notify("minted a new push token (single use, valid 7 days)")

    def action_mint_token(self, scope: str = "openid") -> None:
        if not self._can_mint():
            # A real target mints nothing: data tokens come from bn.getUserOpenId in the Binance app.
            self.notify(
                "no sandbox here: data tokens come from the mini program (bn.getUserOpenId)", severity="warning"
            )
            return
        self._mint_worker(self.sandbox, self.form.value("target"), self.form.value("app-id"), scope)

    @work(thread=True, exclusive=True, group="mint")
    def _mint_worker(self, handle: Any, base_url: str, app_id: str, scope: str) -> None:
        try:
            minted = sandbox_link.mint(handle, base_url=base_url, app_id=app_id, scope=scope)
        except Exception as exc:
            self.call_from_thread(self.notify, f"could not mint a data token: {exc}", severity="error")
            return
        self.call_from_thread(self._minted, minted)

    def _minted(self, minted: dict[str, Any]) -> None:
        self._apply_minted(minted)
        self.recompute(flash=True)
        self.notify(f"minted a new data token, scope {minted.get('scope', 'openid')} (valid 2 minutes)")

    def on_unmount(self) -> None:
        if self.owns_sandbox and self.sandbox is not None:
            self.sandbox.stop()

    # --- send ----------------------------------------------------------------------------------

    @work(thread=True, group="preload")
    def _preload_client(self) -> None:
        import explorer.client  # noqa: F401  (httpx loads here, after the first frame)

    def action_send(self) -> None:
        if self.sandbox_starting:
            self.send_when_ready = True
            self.notify("the sandbox is starting; the request goes out when it is ready")
            return
        self.run_send()

    def action_cancel_send(self) -> None:
        running = [w for w in self.workers if w.group == "send" and w.is_running]
        if not running:
            return
        self.workers.cancel_group(self, "send")
        from explorer.tui import exchange_view

        response = self.query_one(ResponsePanel)
        method, url, started = self.send_in_flight or ("", "", time.monotonic())
        self.send_in_flight = None
        response.raw.show(
            exchange_view.cancelled_view(method, url, time.monotonic() - started), title="raw · cancelled"
        )
        response.decrypted.show(Text("nothing to decrypt: the send was cancelled", style="dim"), title="decrypted")

    async def _ensure_push_token(self) -> None:
        """A template that needs a push token gets one before it goes out (each is single use)."""
        if "pushToken" not in self.stages.body_unfilled or not self._can_mint():
            return
        import asyncio

        try:
            target, app_id = self.form.value("target"), self.form.value("app-id")
            minted = await asyncio.to_thread(sandbox_link.mint_push, self.sandbox, base_url=target, app_id=app_id)
        except Exception as exc:
            self.notify(f"could not mint a push token: {exc}", severity="error")
            return
        self.known.learn_push_token(minted)

    @work(exclusive=True, group="send")
    async def run_send(self) -> None:
        from explorer.tui import exchange_view

        self.recompute(flash=False)
        await self._ensure_push_token()
        stages = self.recompute(flash=False)
        response = self.query_one(ResponsePanel)
        problem = None
        if stages.signature is None or stages.spec is None:
            fields = [e.field for e in stages.signed.canonical_errors + stages.signed.jwt_errors] or ["inputs"]
            problem = f"cannot send: fix {', '.join(fields)}"
        elif stages.base_url is None:
            problem = f"cannot send: {stages.target_error}"
        try:
            timeout = parse_timeout(self.form.value("timeout"))
        except ValueError as exc:
            problem = problem or f"cannot send: {exc}"
        if problem is not None:
            response.raw.show(Text(problem, style="bold #ff7b72"), title="raw · not sent", state="bad")
            self.notify(problem, severity="error")
            return
        assert stages.spec is not None and stages.signature is not None and stages.base_url is not None
        wire = wire_request(stages.spec, stages.signature, stages.base_url)
        sent_state = self.form.state()
        sent_endpoint = sent_state.endpoint
        response.raw.show(exchange_view.sending_view(wire.method, wire.url, timeout), title="raw · sending")
        response.decrypted.show(Text("waiting for the response…", style="dim"), title="decrypted")
        from explorer import client

        self.send_in_flight = (wire.method, wire.url, time.monotonic())
        exchange = await client.send_async(wire, timeout=timeout)
        self.send_in_flight = None
        self.last_exchange = exchange
        self.workspace.record(exchange, endpoint=sent_endpoint, state=sent_state, ts=stages.ts)
        learnt = self.known.learn_exchange(sent_endpoint, wire.body, exchange.code, exchange.data)
        if learnt:
            self.recompute(flash=False)
        status = f"{exchange.status}" if exchange.status is not None else (exchange.error_kind or "error")
        raw_state = "ok" if exchange.ok else "bad"
        response.raw.show(exchange_view.raw_view(exchange), title=f"raw · {status}", state=raw_state)
        # Only a data token this explorer minted, and that was actually sent, has a known user.
        sent_token = dict(stages.spec.query).get("openData")
        minted = self.minted if self.minted and self.minted.get("dataToken") == sent_token else None
        outcome = exchange_view.decrypted_view(exchange, self.key_status, stages.signature.canonical_request, minted)
        response.decrypted.show(outcome.body, title=outcome.title, state="ok" if outcome.ok else "bad")

    # --- copy ----------------------------------------------------------------------------------

    def copy_text(self, what: str) -> str | None:
        """The text a copy target stands for now (see copying.copy_text)."""
        return copy_text(self.stages, what)

    def action_copy(self, what: str) -> None:
        text = self.copy_text(what)
        name = COPY_TARGETS.get(what, what)
        if text is None:
            fields = [e.field for e in self.stages.signed.canonical_errors + self.stages.signed.jwt_errors]
            why = f"fix {', '.join(fields)}" if fields else "check the target"
            self.notify(f"nothing to copy: the {name} cannot be made yet ({why})", severity="error")
            return
        path = clipboard.copy(text, osc52=self.copy_to_clipboard)
        self.copied.append((what, path))
        self.last_copy = (what, text)
        if path == clipboard.OSC52:
            # OSC 52 is a request the terminal may ignore (many do, or ask first): say so, and where to look.
            self.notify(
                f"copied {name} via {path}; the terminal may ignore OSC 52: f6 shows it on one line "
                "to select, or saves it to a file"
            )
        else:
            self.notify(f"copied {name} via {path}")

    def action_show_value(self) -> None:
        """The focused stage's value (else the last copy, else the token) whole, on one line."""
        from explorer.tui.value_view import ValueView

        if isinstance(self.screen, ValueView):
            self.screen.dismiss(None)
            return
        focused = self.focused
        what = focused.stage if isinstance(focused, StageView) else None
        what = {"jwt": "token"}.get(what or "", what)
        if what is None and self.last_copy is not None:
            what = self.last_copy[0]
        what = what or "token"
        text = self.copy_text(what)
        name = COPY_TARGETS.get(what, what)
        if text is None:
            self.notify(f"no {name} yet: fix the inputs the stages name", severity="error")
            return
        self.push_screen(ValueView(name, text))

    # --- toggles, help, palette ----------------------------------------------------------------

    def action_toggle_pin(self) -> None:
        self.ts_pinned = not self.ts_pinned
        self._show_ts_mode()
        self.recompute(flash=True)

    def action_toggle_reveal(self) -> None:
        self.masked = not self.masked
        self.form.set_masked(self.masked)
        self.notify("secrets masked" if self.masked else "secrets revealed: ctrl+r masks them again")

    def help_topic(self) -> str:
        focused = self.focused
        while focused is not None:
            if isinstance(focused, StageView):
                return focused.stage
            if isinstance(focused, Pane):
                return "decrypt" if focused.id == "response-decrypted" else "send"
            if focused.id in FIELD_STAGE:
                return FIELD_STAGE[focused.id]
            parent = focused.parent
            focused = parent if parent is not None and not isinstance(parent, Screen) else None  # type: ignore[assignment]
        return "canonical"

    def action_help(self) -> None:
        from explorer.tui.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        self.push_screen(HelpScreen(self.help_topic()))

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        # Textual saves into the downloads directory and, where there is none (a server, a container),
        # only says "Failed to save screenshot". Then the working directory, where the user started us.
        if path is None:
            from platformdirs import user_downloads_path

            if not user_downloads_path().is_dir():
                path = "."
        return super().deliver_screenshot(filename, path, time_format)

    def action_save_request(self) -> None:
        self.workspace.save()

    def action_open_request(self) -> None:
        self.workspace.open_picker()

    def action_history(self) -> None:
        self.workspace.show_history()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Send request", "Sign now and send (ctrl+s)", self.action_send)
        yield SystemCommand("Cancel send", "Cancel the request in flight (escape)", self.action_cancel_send)
        for what, name in COPY_TARGETS.items():
            yield SystemCommand(f"Copy {name}", f"Copy the {name} to the clipboard", lambda w=what: self.action_copy(w))
        yield SystemCommand(
            "Show value whole",
            "The focused stage's value (or the last copy) on one line, to select or save to a file (f6)",
            self.action_show_value,
        )
        yield SystemCommand("Mint data token", "Ask the sandbox for a new 2-minute data token", self.action_mint_token)
        yield SystemCommand(
            "Mint push token",
            "Ask the sandbox for a new single-use push token for SendPushMessage (ctrl+o)",
            self.action_mint_push_token,
        )
        for scope in ("phone", "email"):
            yield SystemCommand(
                f"Mint data token ({scope})",
                f"A data token whose userData is the user's {scope} (GetUserOpenId decrypts it)",
                lambda s=scope: self.action_mint_token(s),
            )
        yield SystemCommand("Pin or follow ts", "Pin the timestamp, or let it follow the clock", self.action_toggle_pin)
        yield SystemCommand(
            "Save request to a file", "The form as a request file, secrets as references (f8)", self.action_save_request
        )
        yield SystemCommand("Open request file", "Pick a saved request from a folder (f9)", self.action_open_request)
        yield SystemCommand(
            "History", "Every send, newest first; load one back into the form (f10)", self.action_history
        )
        yield SystemCommand("Clear history", "Delete every recorded send", self.workspace.clear_history)
        yield SystemCommand(
            "Reveal or mask secrets", "Show or hide the secret and private keys", self.action_toggle_reveal
        )
        yield SystemCommand(
            "Help for the focused stage", "What this stage does, with an example (F1)", self.action_help
        )
