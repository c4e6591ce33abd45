"""ExplorerApp wires the one flow: Form.state() -> model.compute() -> Stages -> every stage view; the
response row sends the Stages' request and shows the Exchange. Each widget decides what it shows,
SandboxLife owns the embedded sandbox, keymap and palette list the keys and the palette's commands.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterable
from functools import partial
from typing import Any, ClassVar

from textual import on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Input

from explorer.known_values import KnownValues
from explorer.safe_text import visible
from explorer.tui import keymap, palette
from explorer.tui.form import Form
from explorer.tui.framework_fences import LocalsFreeCrashReport, ScreenshotsWhereTheUserIs
from explorer.tui.model import Stages, compute
from explorer.tui.response import ResponsePanel
from explorer.tui.sandbox_life import SandboxLife
from explorer.tui.settings import Settings
from explorer.tui.stage_views import StagesPanel
from explorer.tui.workspace_actions import WorkspaceActions


class ExplorerApp(LocalsFreeCrashReport, ScreenshotsWhereTheUserIs, App[None]):
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
    BINDINGS: ClassVar[list[BindingType]] = list(keymap.EXPLORER)

    # The timestamp: pinned (the ts field is signed as typed) or following the clock.
    ts_pinned: reactive[bool] = reactive(False, init=False)
    # The secret key, private key and passphrase shown as dots.
    masked: reactive[bool] = reactive(True, init=False)

    def __init__(self, settings: Settings | None = None) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.set_reactive(ExplorerApp.ts_pinned, self.settings.ts is not None)
        self.set_reactive(ExplorerApp.masked, self.settings.masked)
        self.stages: Stages = Stages()
        self.known = KnownValues()  # what fills {openId}, {pushToken}, {fileId}, {skuId}, {newSkuId}
        self.sandbox_life = SandboxLife(self.settings)
        self.response = ResponsePanel(id="response")  # the raw and decrypted panes; runs the send
        self.workspace = WorkspaceActions(self)  # request files and the send history
        self.code_language = "python"  # the code view's language (f7), kept for the session

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification, the panes' and the form's included, with its control characters made
        visible. Messages quote what came from outside (a server's answer, an exception, a file
        name), so they are never read as markup either."""
        super().notify(visible(message), title=visible(title), severity=severity, timeout=timeout, markup=False)

    def compose(self) -> ComposeResult:
        yield self.sandbox_life
        with Horizontal(id="main"):
            yield Form(endpoint=self.settings.endpoint)
            with Vertical(id="right"):
                yield StagesPanel(id="stages")
                yield self.response
        yield Footer(id="footer")

    @property
    def form(self) -> Form:
        return self.query_one(Form)

    def _hand_back_on_signals(self) -> None:
        """SIGTERM and SIGHUP end the explorer as ctrl+q does, so the terminal is handed back (the main
        screen, the cursor, mouse reporting off) instead of left as the app had it."""
        if self.is_headless:
            return  # a test's app: the signals belong to the test runner
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGHUP):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signum, self.exit)

    def on_mount(self) -> None:
        self._hand_back_on_signals()
        self.theme = "textual-dark"
        self.form.prefill(self.settings)
        self.form.set_masked(self.masked)
        self.recompute(flash=False)
        self.form.on_edit = self.form_edited  # from here on every edit recomputes (mounting computed once)
        # cryptography loads with the key: after the first frame, like httpx.
        self.call_after_refresh(self.form.refresh_key_status)
        self.set_interval(1.0, self._tick, name="clock")
        if self.settings.sandbox is None and self.settings.start_sandbox:
            self.form.query_one("#target", Input).placeholder = "starting sandbox…"
            self.call_after_refresh(self.sandbox_life.connect)
        else:
            self.sandbox_life.connect()
        if self.settings.preload_client:
            self.call_after_refresh(self.response.preload_client)

    # --- the one flow: form -> stages -----------------------------------------------------------

    def recompute(self, *, flash: bool = True) -> Stages:
        """Recompute every stage from the form and render it."""
        now = self.settings.clock()
        if not self.ts_pinned and self.focused is not self.form.query_one("#ts"):
            # Never overwrite the field while someone may be typing in it (typing pins it).
            self.form.set_value("ts", str(now), quiet=True)
        state = self.form.state()
        ts = None if self.ts_pinned else now
        self.stages = compute(state, ts=ts, now=now, rules=self.settings.rules, known=self.known.as_dict())
        self.form.show_built_body(state.endpoint, self.stages.multipart)
        self.query_one(StagesPanel).show(self.stages, flash=flash)
        self._show_ts_mode()
        target_hint = self.sandbox_life.target_hint(state.target, self.stages.target_error)
        self.form.show_stage_hints(self.stages, state.path, target_hint)
        # The embedded sandbox mints a push token as soon as a template needs one.
        if "pushToken" in self.stages.body_unfilled:
            self.sandbox_life.mint_push_token_once(state.target, state.app_id)
        return self.stages

    def form_edited(self, source: str) -> None:
        """An input changed (`source` is its id): recompute every stage."""
        if source == "ts" and not self.ts_pinned:
            self.ts_pinned = True  # typing a ts pins it; the watcher recomputes
            return
        if source == "data-token" and self.sandbox_life.data_token_replaced(self.form.value("data-token")):
            self.form.set_hint("data-token-ttl", "")
        self.recompute(flash=True)

    def watch_ts_pinned(self) -> None:
        self.recompute(flash=True)

    def watch_masked(self, masked: bool) -> None:
        self.form.set_masked(masked)

    def _tick(self) -> None:
        with contextlib.suppress(NoMatches):  # a tick that lands while the app closes: the form is gone
            if not self.ts_pinned:
                self.recompute(flash=False)
            else:
                self._show_ts_mode()  # the pinned ts's age ticks
            if self.sandbox_life.data_token_expires is not None:
                self.form.set_hint("data-token-ttl", *self.sandbox_life.countdown(self.settings.clock()))

    def _show_ts_mode(self) -> None:
        now, window = self.settings.clock(), self.sandbox_life.ts_window()
        self.form.show_ts_mode(self.ts_pinned, self.stages.ts, now, window)

    # --- the sandbox's news --------------------------------------------------------------------

    @on(SandboxLife.Ready)
    def _sandbox_ready(self, event: SandboxLife.Ready) -> None:
        self.form.fill_from_sandbox(event.credentials, self.settings)
        if event.minted is not None:
            self._show_minted(event.minted)
        self.form.refresh_key_status()
        self.recompute(flash=False)
        if event.send:
            self.action_send()

    @on(SandboxLife.Failed)
    def _sandbox_failed(self, event: SandboxLife.Failed) -> None:
        # Never a silent switch of target: the field stays empty (nothing can be sent) and says why;
        # SandboxLife has said it once in a notification.
        self.form.query_one("#target", Input).placeholder = "no target: type a base URL (the sandbox did not start)"
        self.recompute(flash=False)

    @on(SandboxLife.Minted)
    def _minted(self, event: SandboxLife.Minted) -> None:
        if event.push:
            self.known.learn_push_token(event.minted)
        else:
            self._show_minted(event.minted)
        self.recompute(flash=True)

    def _show_minted(self, minted: dict[str, object]) -> None:
        self.known.learn_data_token(minted)
        self.form.show_minted_token(str(minted["dataToken"]), self.sandbox_life.countdown(self.settings.clock()))

    def action_mint_token(self, scope: str = "openid") -> None:
        self.sandbox_life.mint_data_token(self.form.value("target"), self.form.value("app-id"), scope)

    def action_mint_push_token(self) -> None:
        self.sandbox_life.mint_push_token(self.form.value("target"), self.form.value("app-id"), quiet=False)

    # --- send ----------------------------------------------------------------------------------

    def action_send(self) -> None:
        if self.sandbox_life.starting:
            self.sandbox_life.send_when_ready = True
            self.notify("the sandbox is starting; the request goes out when it is ready")
            return
        self.response.send(
            self._stages_to_send,
            timeout_text=self.form.value("timeout"),
            state=self.form.state(),
            key_status=lambda: self.form.key_status,
            minted_for=self.sandbox_life.minted_for,
        )

    async def _stages_to_send(self) -> Stages:
        """The stages signed now; a template that needs a push token gets one first (each is single use)."""
        self.recompute(flash=False)
        if "pushToken" in self.stages.body_unfilled:
            minted = await self.sandbox_life.mint_push_now(self.form.value("target"), self.form.value("app-id"))
            if minted is not None:
                self.known.learn_push_token(minted)
        return self.recompute(flash=False)

    @on(ResponsePanel.Exchanged)
    def _exchanged(self, event: ResponsePanel.Exchanged) -> None:
        exchange, endpoint = event.exchange, event.state.endpoint
        self.workspace.record(exchange, endpoint=endpoint, state=event.state, ts=event.ts)
        if self.known.learn_exchange(endpoint, exchange.request.body, exchange.code, exchange.data):
            self.recompute(flash=False)

    def action_cancel_send(self) -> None:
        self.response.cancel_send()

    # --- copy ----------------------------------------------------------------------------------

    def action_copy(self, what: str) -> None:
        self.query_one(StagesPanel).copy(what)

    def action_show_value(self) -> None:
        self.query_one(StagesPanel).show_value(self.focused)

    def action_show_code(self) -> None:
        from explorer.tui.code_view import CodeScreen

        def remember(language: str | None) -> None:
            if language:
                self.code_language = language

        self.push_screen(CodeScreen(self.stages, self.settings.rules, self.code_language), remember)

    # --- request files and history ---------------------------------------------------------------

    def action_workspace(self, what: str) -> None:
        """f8 save, f9 open, f10 history, and the palette's clear: WorkspaceActions.save and so on."""
        {"save": self.workspace.save, "open": self.workspace.open_picker, "history": self.workspace.show_history,
         "clear_history": self.workspace.clear_history}[what]()  # fmt: skip

    def action_doctor(self) -> None:
        """ctrl+n: the doctor screen; its ctrl+l fills this form from the pasted request."""
        from explorer.tui.doctor_screen import open_doctor

        open_doctor(self)

    # --- toggles, help, palette ----------------------------------------------------------------

    def action_toggle_pin(self) -> None:
        self.ts_pinned = not self.ts_pinned

    def action_toggle_reveal(self) -> None:
        self.masked = not self.masked
        self.notify("secrets masked" if self.masked else "secrets revealed: ctrl+r masks them again")

    def action_help(self) -> None:
        from explorer.tui.help import HelpScreen, topic_for

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        self.push_screen(HelpScreen(topic_for(self.focused)))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for title, help_text, action in palette.COMMANDS:
            yield SystemCommand(title, help_text, partial(self.run_action, action))
