"""The four stage panels: a bordered title, the stage's rule in one line, and its value."""

from __future__ import annotations

import io

from rich.console import Console, Group, RenderableType
from rich.segment import Segment
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.css.styles import RulesMap
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
        self.border_title = title
        self.border_subtitle = copy_hint
        self._flash_timer: Timer | None = None

    @property
    def help_topic(self) -> str:
        return self.stage

    def show(self, body: RenderableType, value: str, *, broken: bool, flash: bool) -> None:
        """Render a new value; flash the border when the value changed and `flash` is set."""
        changed = value != self.value
        self.value = value
        self.body = body
        self.set_class(broken, "-broken")
        visual = RenderedOnce(self, Group(Text(render.RULES[self.stage], style=render.RULE), body))
        # Lay the screen out again only when this stage's height changes (most keystrokes keep it).
        width = self.content_region.width
        same_height = width > 0 and visual.get_height({}, width) == self.content_region.height
        self.update(visual, layout=not same_height)
        if changed and flash:
            self.add_class("-changed")
            if self._flash_timer is not None:
                self._flash_timer.stop()
            self._flash_timer = self.set_timer(FLASH_SECONDS, lambda: self.remove_class("-changed"))

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
        self._unmark_timer: Timer | None = None
        self.last_copy: tuple[str, str] | None = None  # (what, text) of the last copy
        self.copied: list[tuple[str, str]] = []  # (what, path) of every copy, for tests and the log

    def compose(self) -> ComposeResult:
        hints = {"canonical": "f3 copy", "digest": "f4 copy", "jwt": "ctrl+y copy token", "header": "f2 copy"}
        for stage, title in STAGES:
            yield StageView(stage, title, copy_hint=hints[stage])

    def show(self, stages: Stages, *, flash: bool) -> None:
        """Render every stage; on an edit (`flash`), mark what changed for FLASH_SECONDS."""
        previous = self._shown if flash else None
        self._shown = stages
        views = {view.stage: view for view in self.query(StageView)}
        views["canonical"].show(
            render.canonical_view(stages, previous),
            stages.signed.canonical_request or "",
            broken=bool(stages.signed.canonical_errors),
            flash=flash,
        )
        if previous is not None:
            if self._unmark_timer is not None:
                self._unmark_timer.stop()
            self._unmark_timer = self.set_timer(FLASH_SECONDS, lambda: self._unmark(stages))
        views["digest"].show(
            render.digest_view(stages), stages.signed.digest or "", broken=stages.signed.digest is None, flash=flash
        )
        token = stages.signature.token if stages.signature else ""
        views["jwt"].show(render.jwt_view(stages), token, broken=not token, flash=flash)
        header = stages.signature.header_line if stages.signature else ""
        views["header"].show(render.header_view(stages), header, broken=not header, flash=flash)

    def _unmark(self, stages: Stages) -> None:
        if self._shown is stages:
            view = self.query_one("#stage-canonical", StageView)
            view.show(render.canonical_view(stages), view.value, broken=view.has_class("-broken"), flash=False)

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
