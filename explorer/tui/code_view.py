"""The code view: the form's request as curl, HTTPie or a program in six languages, with copy.

Opened over the explorer with the current stages; 1-8 or [ and ] pick the language, c copies,
escape closes and hands the language back so the explorer opens the same one next time.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from explorer import clipboard, signing
from explorer.export import LANGUAGES
from explorer.tui.code_text import CodeText, code_text
from explorer.tui.model import Stages

ORDER = list(LANGUAGES)
SHORT = {
    "curl": "curl",
    "httpie": "HTTPie",
    "python": "Python",
    "python-httpx": "httpx",
    "node": "Node",
    "go": "Go",
    "java": "Java",
    "php": "PHP",
}


def shown(text: str) -> str:
    """Text for the screen: control characters other than newline and tab made visible as \\xNN."""
    return "".join(
        ch if ch in "\n\t" or not (ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0) else f"\\x{ord(ch):02x}" for ch in text
    )


class CodeScreen(ModalScreen[str]):
    """The request as code in the chosen language; dismissed with that language."""

    DEFAULT_CSS = """
    CodeScreen { align: center middle; }
    CodeScreen > Vertical { width: 100%; height: 100%; border: round $accent; background: $surface; }
    CodeScreen #code-tabs { height: 1; }
    CodeScreen #code-note { height: auto; color: $text-muted; }
    CodeScreen TextArea { height: 1fr; border: none; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "close", id="code.close"),
        Binding("c", "copy", "copy", id="code.copy"),
        # Arrows move in the code; brackets and digits pick the language.
        Binding("left_square_bracket", "step(-1)", "previous", id="code.previous"),
        Binding("right_square_bracket", "step(1)", "next", id="code.next"),
        *(Binding(str(index + 1), f"pick({index})", show=False) for index in range(len(ORDER))),
    ]

    def __init__(self, stages: Stages, rules: signing.Rules = signing.SPEC_RULES, language: str = "python") -> None:
        super().__init__()
        self.stages = stages
        self.rules = rules
        self.language = language if language in LANGUAGES else "python"
        self.code: CodeText = code_text(self.language, stages, rules)
        self.copied: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._tabs(), id="code-tabs")
            yield Static(self._note(), id="code-note")
            # Line numbers mark where a long line wraps: a continuation has none, so it cannot pass for code.
            yield TextArea(shown(self.code.text), read_only=True, show_line_numbers=True, id="code")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def _tabs(self) -> Text:
        tabs = Text(no_wrap=True, overflow="ellipsis")
        for index, language in enumerate(ORDER):
            style = "reverse bold" if language == self.language else ""
            tabs.append(f" {index + 1} {SHORT[language]} ", style=style)
        return tabs

    def _note(self) -> Text:
        if self.code.problem:
            return Text(f"{LANGUAGES[self.language]}: {self.code.problem}", style="bold red")
        hint = "c copy · 1-8 [ ] language · esc close"
        if self.code.file_name:
            return Text(
                f"{LANGUAGES[self.language]} · save as {self.code.file_name}; keys from MP_ACCESS_KEY_ID, "
                f"MP_SECRET_KEY, MP_PRIVATE_KEY_PATH · {hint}"
            )
        return Text(f"{LANGUAGES[self.language]} · carries a token signed now (never the secret) · {hint}")

    def show(self, language: str) -> None:
        """Switch to `language` and redraw."""
        self.language = language
        self.code = code_text(language, self.stages, self.rules)
        self.query_one("#code-tabs", Static).update(self._tabs())
        self.query_one("#code-note", Static).update(self._note())
        self.query_one(TextArea).load_text(shown(self.code.text))

    def action_pick(self, index: int) -> None:
        self.show(ORDER[index])

    def action_step(self, delta: int) -> None:
        self.show(ORDER[(ORDER.index(self.language) + delta) % len(ORDER)])

    def action_copy(self) -> None:
        if not self.code.text:
            self.notify(f"nothing to copy: {self.code.problem}", severity="error")
            return
        path = clipboard.copy(self.code.text, osc52=self.app.copy_to_clipboard)
        self.copied.append(self.language)
        self.notify(f"copied the {LANGUAGES[self.language]} code via {path}")

    def action_close(self) -> None:
        self.dismiss(self.language)


def open_code_view(app: Any) -> None:
    """f7: the code view on the app's current stages, in the language picked last (kept on the app)."""

    def remember(language: str | None) -> None:
        if language:
            app.code_language = language

    app.push_screen(CodeScreen(app.stages, app.settings.rules, app.code_language), remember)
