"""The four stage panels: a bordered title, the stage's rule in one line, and its value."""

from __future__ import annotations

import io

from rich.console import Console, Group, RenderableType
from rich.segment import Segment
from rich.text import Text
from textual.app import ComposeResult, RenderResult
from textual.containers import VerticalScroll
from textual.css.styles import RulesMap
from textual.geometry import Region
from textual.strip import Strip
from textual.style import Style
from textual.timer import Timer
from textual.visual import RenderOptions, RichVisual
from textual.widget import Widget
from textual.widgets import Static

from explorer import clipboard
from explorer.tui import render
from explorer.tui.copying import COPY_TARGETS, copy_text
from explorer.tui.model import Stages

STAGES: tuple[tuple[str, str], ...] = (
    ("canonical", "1 · canonical request"),
    ("digest", "2 · digest"),
    ("jwt", "3 · JWT"),
    ("header", "4 · header"),
)
FLASH_SECONDS = 1.0
# Under either size the stages take their compact form (and the screen its -narrow or -short class).
COMPACT_BELOW_WIDTH = 100
COMPACT_BELOW_HEIGHT = 45


class RenderedOnce(RichVisual):
    """A Rich renderable drawn once per width, for both its height and its lines.

    Textual draws a Rich renderable in full to learn its height, then again to paint it; the
    stages are redrawn on every keystroke, so this keeps the lines of the last width drawn.
    """

    def __init__(self, widget: Static, renderable: RenderableType) -> None:
        super().__init__(widget, renderable)
        self._owner = widget  # its app draws the lines (the console and its options)
        self._width = -1
        self._lines: list[list[Segment]] = []

    @property
    def measured_width(self) -> int:
        """The width its lines were drawn for (-1: not drawn yet)."""
        return self._width

    def lines(self, width: int) -> list[list[Segment]]:
        if width != self._width:
            app = self._owner.app
            options = app.console_options.update(highlight=False, width=width, height=None)
            segments = app.console.render(self._renderable, options)
            self._lines = list(Segment.split_and_crop_lines(segments, width, include_new_lines=False, pad=False))
            self._width = width
        return self._lines

    def get_height(self, rules: RulesMap, width: int) -> int:
        return len(self.lines(width))

    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        lines = self.lines(width) if height is None else self.lines(width)[:height]
        base = style.rich_style
        if not base:
            return [Strip(line) for line in lines]
        add = base.__add__  # the widget's own style under each segment's, as Textual's _Styled does
        return [Strip([Segment(text, add(seg_style), control) for text, seg_style, control in line]) for line in lines]


class StageView(Static, can_focus=True):
    """One stage. `value` is the exact text that stage produces ('' when it cannot)."""

    DEFAULT_CSS = """
    StageView {
        border: round $primary 40%;
        border-title-color: $text-primary;
        border-title-style: bold;
        border-subtitle-color: $text-muted;
        padding: 0 1;
        height: auto;
        margin-bottom: 0;
    }
    StageView:focus {
        border: round $accent;
        background-tint: $foreground 4%;
    }
    StageView.-changed {
        border: round $warning;
    }
    StageView.-broken {
        border: round $error 70%;
    }
    """

    def __init__(self, stage: str, title: str, *, copy_hint: str = "") -> None:
        super().__init__(id=f"stage-{stage}")
        self.stage = stage
        self.value = ""
        self.body: RenderableType = Text("")
        self.stage_title = title
        self.border_title = title
        self.border_subtitle = copy_hint
        self._flash_timer: Timer | None = None
        self._visual: RenderedOnce | None = None  # what the stage draws now (render() returns it)

    def render(self) -> RenderResult:
        return self._visual if self._visual is not None else super().render()

    @property
    def help_topic(self) -> str:
        return self.stage

    def show(self, body: RenderableType, value: str, *, broken: bool, flash: bool, compact: bool = False) -> None:
        """Render a new value; flash the border when the value changed and `flash` is set.

        `compact` (a small terminal): the rule line is left out (F1 shows it).
        """
        changed = value != self.value
        self.value = value
        self.body = body
        self.set_class(broken, "-broken")
        content = body if compact else Group(Text(render.RULES[self.stage], style=render.RULE), body)
        visual = RenderedOnce(self, content)
        shown, self._visual = self._visual, visual
        width = self.content_region.width
        if shown is not None and width > 0 and shown.measured_width == width:
            old, new = shown.lines(width), visual.lines(width)
            if len(old) == len(new) == self.content_region.height:
                # Same height: nothing moves, so redraw only the rows whose text or style changed
                # (an edit usually changes one line of the canonical request; a tick often none).
                rows = [row for row, (before, after) in enumerate(zip(old, new, strict=True)) if before != after]
                if rows:
                    self.refresh(*(Region(0, row, width, 1) for row in rows))
                self._after_show(changed, flash)
                return
        # Lay the screen out again only when this stage's height changes.
        same_height = width > 0 and visual.get_height({}, width) == self.content_region.height
        self.update(visual, layout=not same_height)
        self._after_show(changed, flash)

    def _after_show(self, changed: bool, flash: bool) -> None:
        if changed and flash:
            self.add_class("-changed")
            if self._flash_timer is not None:
                self._flash_timer.stop()
            self._flash_timer = self.set_timer(FLASH_SECONDS, lambda: self.remove_class("-changed"))

    def mark_sent(self, sent: bool) -> None:
        """Say in the title that this value is the one that went out (until the next edit)."""
        self.border_title = f"{self.stage_title} · sent" if sent else self.stage_title
        self.set_class(sent, "-sent")

    def plain_text(self, width: int = 120) -> str:
        """What the stage shows, as plain text (for tests and copy)."""
        buffer = io.StringIO()
        console = Console(file=buffer, width=width, color_system=None, legacy_windows=False)
        console.print(Group(Text(render.RULES[self.stage]), self.body))
        return buffer.getvalue()


class StagesPanel(VerticalScroll):
    """The right column's upper half: all four stages."""

    DEFAULT_CSS = """
    StagesPanel {
        height: 1fr;
        scrollbar-size-vertical: 1;
    }
    """

    def __init__(self, *, id: str = "stages") -> None:
        super().__init__(id=id)
        self._shown: Stages | None = None
        self._shown_compact = False
        self._unmark_timer: Timer | None = None
        self.last_copy: tuple[str, str] | None = None  # (what, text) of the last copy
        self.copied: list[tuple[str, str]] = []  # (what, path) of every copy, for tests and the log
        self.sent: Stages | None = None  # the stages of the last send, shown (and copied) until the next edit
        self._sending: Stages | None = None

    def compose(self) -> ComposeResult:
        hints = {"canonical": "f3 copy", "digest": "f4 copy", "jwt": "ctrl+y copy token", "header": "f2 copy"}
        for stage, title in STAGES:
            yield StageView(stage, title, copy_hint=hints[stage])

    @property
    def compact(self) -> bool:
        """A small terminal (the app's breakpoints use the same sizes): rules to F1, long values cut
        in the middle. Read from the terminal's size, which is known before the first frame (the
        screen's breakpoint classes arrive a refresh later)."""
        width, height = self.app.size
        return width < COMPACT_BELOW_WIDTH or height < COMPACT_BELOW_HEIGHT

    def show(self, stages: Stages, *, flash: bool) -> None:
        """Render every stage; on an edit (`flash`), mark what changed for FLASH_SECONDS."""
        previous = self._shown if flash else None
        self._shown = stages
        compact = self._shown_compact = self.compact
        views = {view.stage: view for view in self.query(StageView)}
        signed = stages.signed
        canonical = render.compact_canonical_view if compact else render.canonical_view
        views["canonical"].show(
            canonical(stages, previous),
            signed.canonical_request or "",
            broken=bool(signed.canonical_errors),
            flash=flash,
            compact=compact,
        )
        if previous is not None:
            if self._unmark_timer is not None:
                self._unmark_timer.stop()
            self._unmark_timer = self.set_timer(FLASH_SECONDS, lambda: self._unmark(stages))
        digest = render.compact_digest_view(stages) if compact else render.digest_view(stages)
        views["digest"].show(digest, signed.digest or "", broken=signed.digest is None, flash=flash, compact=compact)
        token = stages.signature.token if stages.signature else ""
        jwt = render.compact_jwt_view(stages) if compact else render.jwt_view(stages)
        views["jwt"].show(jwt, token, broken=not token, flash=flash, compact=compact)
        header = stages.signature.header_line if stages.signature else ""
        header_view = render.compact_header_view(stages) if compact else render.header_view(stages)
        views["header"].show(header_view, header, broken=not header, flash=flash, compact=compact)
        title = f"{STAGES[3][1]} · X-Mp-Open-Api-Token" if compact else STAGES[3][1]
        if views["header"].stage_title != title:
            views["header"].stage_title = title
            views["header"].mark_sent(views["header"].has_class("-sent"))

    def on_resize(self) -> None:
        # The terminal's size decides the form of the stages: draw them in the one that now fits.
        if self._shown is not None and self.compact != self._shown_compact:
            self.call_after_refresh(self._redraw)

    def _redraw(self) -> None:
        if self._shown is not None and self.compact != self._shown_compact:
            for view in self.query(StageView):
                view.clear_cached_dimensions()  # Static.update keeps the old height otherwise
            self.show(self._shown, flash=False)

    def mark_sent(self, sent: bool) -> None:
        for view in self.query(StageView):
            view.mark_sent(sent)

    # --- what was sent: it stays on screen, marked, until the next edit ------------------------

    def show_current(self, stages: Stages, *, flash: bool) -> None:
        """The stages as the form now stands, unless what was sent is still on screen."""
        self.show(self.sent or stages, flash=flash and self.sent is None)

    def sending(self, stages: Stages) -> Stages:
        """The stages going out now: shown as sent once the exchange comes back."""
        self._sending = stages
        return stages

    def exchanged(self) -> None:
        """The send came back: what went out stays on screen and in the copies, marked as sent."""
        if self._sending is not None:
            self.sent, self._sending = self._sending, None
            self.show(self.sent, flash=False)
            self.mark_sent(True)

    def forget_sent(self) -> None:
        """An edit: the stages show the request as it now stands, no longer the one sent."""
        if self.sent is not None:
            self.sent = None
            self.mark_sent(False)

    def _unmark(self, stages: Stages) -> None:
        if self._shown is stages:
            view = self.query_one("#stage-canonical", StageView)
            compact = self._shown_compact
            canonical = render.compact_canonical_view if compact else render.canonical_view
            view.show(canonical(stages), view.value, broken=view.has_class("-broken"), flash=False, compact=compact)

    # --- copying what the stages show ----------------------------------------------------------

    def copy_text(self, what: str) -> str | None:
        """The text a copy target stands for now (see copying.copy_text)."""
        return copy_text(self._shown, what) if self._shown is not None else None

    def copy(self, what: str) -> None:
        """Copy a target to the clipboard (OSC 52 when there is no system clipboard), and say how."""
        text = self.copy_text(what)
        name = COPY_TARGETS.get(what, what)
        if text is None:
            errors = self._shown.canonical_errors + self._shown.jwt_errors if self._shown is not None else []
            why = f"fix {', '.join(e.field for e in errors)}" if errors else "check the target"
            self.notify(f"nothing to copy: the {name} cannot be made yet ({why})", severity="error")
            return
        path = clipboard.copy(text, osc52=self.app.copy_to_clipboard)
        self.copied.append((what, path))
        self.last_copy = (what, text)
        # OSC 52 is a request the terminal may ignore (many do, or ask first): say so, and where to look.
        ignored = "; the terminal may ignore OSC 52: f6 shows it on one line to select, or saves it to a file"
        self.notify(f"copied {name} via {path}{ignored if path == clipboard.OSC52 else ''}")

    def show_value(self, focused: Widget | None) -> None:
        """The focused stage's value (else the last copy, else the token) whole, on one line."""
        from explorer.tui.value_view import ValueView

        if isinstance(self.app.screen, ValueView):
            self.app.screen.dismiss(None)
            return
        what = {"jwt": "token"}.get(focused.stage, focused.stage) if isinstance(focused, StageView) else None
        what = what or (self.last_copy[0] if self.last_copy is not None else "token")
        text = self.copy_text(what)
        if text is None:
            self.notify(f"no {COPY_TARGETS.get(what, what)} yet: fix the inputs the stages name", severity="error")
            return
        self.app.push_screen(ValueView(COPY_TARGETS.get(what, what), text))
