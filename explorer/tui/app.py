"""ExplorerApp wires the one flow: Form.state() -> model.compute() -> Stages -> every stage view; the
response row sends the Stages' request and shows the Exchange. Each widget decides what it shows,
SandboxLife owns the embedded sandbox, keymap and palette list the keys and the palette's commands.
"""

from __future__ import annotations

import contextlib
import gc
from typing import TYPE_CHECKING, ClassVar

from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.reactive import reactive

from explorer.known_values import KnownValues
from explorer.tui import keymap
from explorer.tui.form import Form
from explorer.tui.framework_fences import FrameworkFences
from explorer.tui.key_bar import KeyBar
from explorer.tui.layout import ResponsiveLayout
from explorer.tui.model import FormState, Stages, compute
from explorer.tui.response import ResponsePanel
from explorer.tui.sandbox_life import SandboxLife
from explorer.tui.screen_keys import MainScreenKeys
from explorer.tui.settings import Settings
from explorer.tui.stage_views import StagesPanel
from explorer.tui.terminal_manners import TerminalManners
from explorer.tui.workspace_actions import WorkspaceActions

if TYPE_CHECKING:  # an Exchange arrives with the first send; its module loads with the client
    from explorer.exchange import Exchange


class ExplorerApp(MainScreenKeys, ResponsiveLayout, TerminalManners, FrameworkFences, App[None]):
    """See every signing stage live, send, and read the response raw and decrypted."""

    TITLE = "mp-explorer"
    AUTO_FOCUS = "#endpoint"
    CSS_PATH = "app.tcss"  # the layout, and how it folds on small terminals
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
        self.sandbox_life = SandboxLife(self.settings, news=self)
        self.stages_panel = StagesPanel(id="stages")  # the four stages; what was sent stays there until an edit
        self.response = ResponsePanel(id="response")  # the raw and decrypted panes; runs the send
        self.workspace = WorkspaceActions(self)  # request files and the send history
        self.code_language = "python"  # the code view's language (f7), kept for the session

    def compose(self) -> ComposeResult:
        yield self.sandbox_life
        with Horizontal(id="main"):
            yield Form(endpoint=self.settings.endpoint)
            with Vertical(id="right"):
                yield self.stages_panel
                yield self.response
        yield KeyBar(id="footer")

    @property
    def form(self) -> Form:
        return self.query_one(Form)

    def on_mount(self) -> None:
        if self.settings.gc_paused:
            self.call_after_refresh(gc.enable)  # paused by the launcher until the first frame is drawn
        self._hand_back_on_signals()
        self._apply_size_classes()
        self.theme = "textual-dark"
        self.form.prefill(self.settings)
        self.form.set_masked(self.masked)
        self.recompute(flash=False)
        self.form.on_edit = self.form_edited  # from here on every edit recomputes (mounting computed once)
        # cryptography loads with the key: after the first frame, like httpx.
        self.call_after_refresh(self.form.refresh_key_status)
        self.set_interval(1.0, self._tick, name="clock")
        if self.settings.sandbox is None and self.settings.start_sandbox:
            self.form.show_sandbox_starting(True)
            self.call_after_refresh(self.sandbox_life.connect)
        else:
            self.sandbox_life.connect()
        if self.settings.preload_client:
            self.call_after_refresh(self.response.preload_client)

    # --- the one flow: form -> stages -----------------------------------------------------------

    def recompute(self, *, flash: bool = True) -> Stages:
        """Recompute every stage from the form and render it."""
        now = self.settings.clock()
        self.form.follow_clock(now, pinned=self.ts_pinned)
        state = self.form.state()
        ts = None if self.ts_pinned else now
        self.stages = compute(state, ts=ts, now=now, rules=self.settings.rules, known=self.known.as_dict())
        self.form.show_built_body(state.endpoint, self.stages.multipart)
        self.stages_panel.show_current(self.stages, flash=flash)
        self._show_ts_mode()
        target_hint = self.sandbox_life.target_hint(state.target, self.stages.target_error)
        self.form.show_stage_hints(self.stages, state.path, target_hint)
        # The embedded sandbox mints a push token as soon as a template needs one.
        if "pushToken" in self.stages.body_unfilled:
            self.sandbox_life.mint_push_token_once(state.target, state.app_id)
        return self.stages

    def form_edited(self, source: str) -> None:
        """An input changed (`source` is its id): recompute every stage."""
        self.stages_panel.forget_sent()
        if source == "ts" and not self.ts_pinned:
            self.ts_pinned = True  # typing a ts pins it; the watcher recomputes
            return
        if source == "data-token" and self.sandbox_life.data_token_replaced(self.form.value("data-token")):
            self.form.set_hint("data-token-ttl", "")
        self.recompute(flash=True)

    def watch_ts_pinned(self) -> None:
        self.stages_panel.forget_sent()
        self.recompute(flash=True)

    def watch_masked(self, masked: bool) -> None:
        self.form.set_masked(masked)

    def _tick(self) -> None:
        with contextlib.suppress(NoMatches):  # a tick that lands while the app closes: the form is gone
            if not self.ts_pinned and self.stages_panel.sent is None:  # what was sent stays until an edit
                self.recompute(flash=False)
            else:
                self._show_ts_mode()  # the pinned ts's age ticks
            if self.sandbox_life.data_token_expires is not None:
                self.form.set_hint("data-token-ttl", *self.sandbox_life.countdown(self.settings.clock()))

    def _show_ts_mode(self) -> None:
        now, window = self.settings.clock(), self.sandbox_life.ts_window()
        self.form.show_ts_mode(self.ts_pinned, self.stages.ts, now, window)

    # --- the sandbox's news --------------------------------------------------------------------

    def sandbox_ready(self, event: SandboxLife.Ready) -> None:
        self.form.fill_from_sandbox(event.credentials, self.settings)
        if event.minted is not None:
            self._show_minted(event.minted)
        self.form.refresh_key_status()
        self.recompute(flash=False)
        if event.send:
            self.action_send()

    def sandbox_failed(self, event: SandboxLife.Failed) -> None:
        # Never a silent switch of target: the field stays empty (nothing can be sent) and says why;
        # SandboxLife has said it once in a notification.
        self.form.show_sandbox_starting(False)
        self.recompute(flash=False)

    def sandbox_minted(self, event: SandboxLife.Minted) -> None:
        self.stages_panel.forget_sent()
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
        if self.sandbox_life.send_when_started():
            return
        self.response.send(
            self._stages_to_send,
            timeout_text=self.form.value("timeout"),
            state=self.form.state(),
            key_status=lambda: self.form.key_status,
            minted_for=self.sandbox_life.minted_for,
            embedded_url=self.sandbox_life.base_url,
            on_exchange=self._exchanged,
        )

    async def _stages_to_send(self) -> Stages:
        """The stages signed now; a template that needs a push token gets one first (each is single use)."""
        self.stages_panel.forget_sent()
        self.recompute(flash=False)
        if "pushToken" in self.stages.body_unfilled:
            minted = await self.sandbox_life.mint_push_now(self.form.value("target"), self.form.value("app-id"))
            if minted is not None:
                self.known.learn_push_token(minted)
        return self.stages_panel.sending(self.recompute(flash=False))

    def _exchanged(self, state: FormState, ts: int | None, exchange: Exchange) -> None:
        self.workspace.record(exchange, endpoint=state.endpoint, state=state, ts=ts)
        if self.known.learn_exchange(state.endpoint, exchange.request.body, exchange.code, exchange.data):
            self.recompute(flash=False)
        self.stages_panel.exchanged()

    def action_cancel_send(self) -> None:
        self.response.cancel_send()

    def action_copy(self, what: str) -> None:
        self.stages_panel.copy(what)

    def action_show_value(self) -> None:
        self.stages_panel.show_value(self.focused)

    def action_show_code(self) -> None:
        from explorer.tui.code_view import open_code_view

        open_code_view(self)

    def action_workspace(self, what: str) -> None:
        self.workspace.run(what)  # f8 save, f9 open, f10 history, the palette's clear_history

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
        from explorer.tui.help import toggle_help

        toggle_help(self)
