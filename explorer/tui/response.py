"""The response row: the raw exchange on the left, the decrypted user data (or verdict) on the right.

The row also runs the send it shows: sign-checked stages in, one exchange out, both panes kept
current (sending, cancelled, the answer), and a call back for what the app learns from it.
"""

from __future__ import annotations

import io
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from rich.console import Console, RenderableType
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from explorer.request import wire_request
from explorer.safe_text import visible
from explorer.tui.model import FormState, Stages, parse_timeout
from explorer.tui.private_key import KeyStatus

if TYPE_CHECKING:  # loaded with the client, after the first frame
    from explorer.exchange import Exchange


def plain(renderable: RenderableType, width: int = 120) -> str:
    """A renderable as plain text (what a test or a copy sees)."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, legacy_windows=False)
    console.print(renderable)
    return buffer.getvalue()


class Pane(VerticalScroll, can_focus=True):
    """A bordered, scrollable panel holding one renderable."""

    DEFAULT_CSS = """
    Pane {
        border: round $primary 40%;
        border-title-color: $text-primary;
        border-title-style: bold;
        border-subtitle-color: $text-muted;
        padding: 0 1;
        width: 1fr;
        height: 1fr;
        scrollbar-size-vertical: 1;
    }
    Pane:focus {
        border: round $accent;
    }
    Pane.-ok {
        border: round $success;
    }
    Pane.-bad {
        border: round $error 70%;
    }
    Pane > Static {
        width: 100%;
    }
    """

    def __init__(self, title: str, *, id: str) -> None:
        super().__init__(id=id)
        self.border_title = title
        self.renderable: RenderableType = Text("")

    @property
    def help_topic(self) -> str:
        return "decrypt" if self.id == "response-decrypted" else "send"

    def compose(self) -> ComposeResult:
        yield Static(id=f"{self.id}-body")

    def show(self, renderable: RenderableType, *, title: str | None = None, state: str = "") -> None:
        self.renderable = renderable
        if title is not None:
            self.border_title = title
        self.set_class(state == "ok", "-ok")
        self.set_class(state == "bad", "-bad")
        self.query_one(Static).update(renderable)
        self.scroll_home(animate=False)

    def plain_text(self, width: int = 120) -> str:
        return plain(self.renderable, width)


class ResponsePanel(Horizontal):
    """Raw and decrypted, side by side; runs the send it shows."""

    DEFAULT_CSS = """
    ResponsePanel {
        height: 1fr;
        min-height: 8;
    }
    """

    def compose(self) -> ComposeResult:
        yield Pane("raw", id="response-raw")
        yield Pane("decrypted", id="response-decrypted")

    def on_mount(self) -> None:
        self.raw.show(Text("ctrl+s sends the request; what went out and what came back shows here.", style="dim"))
        self.decrypted.show(Text("userData, decrypted with the private key, shows here after a send.", style="dim"))

    # method, URL and monotonic start of the send in flight
    send_in_flight: tuple[str, str, float] | None = None
    last_exchange: Exchange | None = None

    @property
    def raw(self) -> Pane:
        return self.query_one("#response-raw", Pane)

    @property
    def decrypted(self) -> Pane:
        return self.query_one("#response-decrypted", Pane)

    @work(thread=True, group="preload")
    def preload_client(self) -> None:
        import explorer.client  # noqa: F401  (httpx loads here, after the first frame)

    # --- the send ------------------------------------------------------------------------------

    @work(exclusive=True, group="send")
    async def send(
        self,
        prepare: Callable[[], Awaitable[Stages]],
        *,
        timeout_text: str,
        state: FormState,
        key_status: Callable[[], KeyStatus],
        minted_for: Callable[[str | None], dict[str, Any] | None],
        on_exchange: Callable[[FormState, int | None, Exchange], None],
        embedded_url: Callable[[], str | None] = lambda: None,
    ) -> None:
        """Sign with `prepare()`'s stages and send; show the request going out, then the answer.

        A new send cancels a stale one (exclusive). `key_status` and `minted_for` are read when the
        answer is in, for the decrypted pane; `on_exchange(state, ts, exchange)` hears what came back
        before the panes show it (the history records it, the placeholders learn from it).
        """
        from explorer import client
        from explorer.tui import exchange_view

        stages = await prepare()
        problem = None
        if stages.signature is None or stages.spec is None:
            fields = [e.field for e in stages.canonical_errors + stages.jwt_errors] or ["inputs"]
            problem = f"cannot send: fix {', '.join(fields)}"
        elif stages.base_url is None:
            problem = f"cannot send: {stages.target_error}"
        try:
            timeout = parse_timeout(timeout_text)
        except ValueError as exc:
            problem = problem or f"cannot send: {exc}"
        if problem is not None:
            self.raw.show(Text(visible(problem), style="bold #ff7b72"), title="raw · not sent", state="bad")
            self.notify(problem, severity="error")
            return
        assert stages.spec is not None and stages.signature is not None and stages.base_url is not None
        wire = wire_request(stages.spec, stages.signature, stages.base_url)
        self.raw.show(exchange_view.sending_view(wire.method, wire.url, timeout), title="raw · sending")
        self.decrypted.show(Text("waiting for the response…", style="dim"), title="decrypted")
        self.send_in_flight = (wire.method, wire.url, time.monotonic())
        exchange = await client.send_async(wire, timeout=timeout)
        self.send_in_flight = None
        embedded = embedded_url()
        if exchange.error_kind == "refused" and embedded and wire.url.startswith(embedded + "/"):
            # "start the server" is no advice for the sandbox that ran inside this explorer.
            exchange.error = (
                f"connection refused by the embedded sandbox ({embedded}): it stopped answering; "
                "quit and start mp-explorer again, or run `mp-explorer sandbox` and give its URL as the base URL"
            )
        self.last_exchange = exchange
        on_exchange(state, stages.ts, exchange)
        status = f"{exchange.status}" if exchange.status is not None else (exchange.error_kind or "error")
        self.raw.show(exchange_view.raw_view(exchange), title=f"raw · {status}", state="ok" if exchange.ok else "bad")
        # Only a data token the explorer minted, and that was actually sent, has a known user.
        minted = minted_for(dict(stages.spec.query).get("openData"))
        pane = exchange_view.decrypted_view(exchange, key_status(), stages.signature.canonical_request, minted)
        self.decrypted.show(pane.body, title=pane.title, state="ok" if pane.ok else "bad")

    def cancel_send(self) -> None:
        """Escape: abandon the send in flight, and say what was abandoned."""
        if not any(w.group == "send" and w.is_running for w in self.app.workers if w.node is self):
            return
        self.workers.cancel_group(self, "send")
        from explorer.tui import exchange_view

        method, url, started = self.send_in_flight or ("", "", time.monotonic())
        self.send_in_flight = None
        self.raw.show(exchange_view.cancelled_view(method, url, time.monotonic() - started), title="raw · cancelled")
        self.decrypted.show(Text("nothing to decrypt: the send was cancelled", style="dim"), title="decrypted")
