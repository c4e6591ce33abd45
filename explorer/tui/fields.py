"""Form fields whose own key bindings run in the order the keys arrive, and that keep what is put in.

Textual runs a focused widget's non-priority bindings only when the key event has bubbled up to
the app, after the widget has already taken the keys queued behind it. In a real terminal a fast
typist, a macro or `tmux send-keys` delivers `ctrl+u` and the text after it in one read, so
`ctrl+u POST` ended up as `T`, or as nothing. Running the widget's own bindings as the key
arrives keeps every keystroke in order and nothing typed is lost.

Textual's own editing splits text at every character `str.splitlines` knows (U+2028, U+0085,
form feed, ...) and rejoins the lines with one line end, so a pasted body came back with other
bytes than were pasted. The body is signed byte for byte: these fields break lines at '\\n' only.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rich.text import Text
from textual import events
from textual.document._document import Document, EditResult, Location
from textual.document._document_navigator import DocumentNavigator
from textual.document._wrapped_document import WrappedDocument
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.widgets import Input, TextArea

from explorer.plurals import plural
from explorer.safe_text import HIDDEN_RANGES, describe, one_cell

# A line longer than this is shown unwrapped: Textual re-splits a wrapped line into its screen rows
# for every row it draws, so one 1 MB line took about a second per keystroke.
LONG_LINE = 10_000
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


# Controls, invisible format marks (zero-width, bidi), line/paragraph separators, lone surrogates:
# the same set the explorer escapes wherever outside text is shown.
_HIDDEN_IN_LINE = re.compile(f"[\t\n\r{HIDDEN_RANGES}]")
_HIDDEN_IN_TEXT = re.compile(f"[{HIDDEN_RANGES}]")


def hidden_characters(text: str, *, multiline: bool = False) -> list[str]:
    """Characters that do not show as themselves (controls, invisible marks), in order, each once.

    In a multi-line field a tab and a line end are what they look like.
    """
    pattern = _HIDDEN_IN_TEXT if multiline else _HIDDEN_IN_LINE
    return list(dict.fromkeys(pattern.findall(text)))


def describe_character(char: str) -> str:
    """'U+202E RIGHT-TO-LEFT OVERRIDE'; a control character has no name of its own."""
    return describe(char)


class ImmediateBindings:
    """Mixin for a focusable widget: its own bindings run inline, before the next key is handled.

    Works around Textualize/textual#6605 (a bound key such as backspace or ctrl+u bubbles to the app
    and runs after the printable keys queued behind it); upstream's fix is proposed in
    Textualize/textual#6631. Relies on the private Input._on_key / TextArea._on_key and the widget's
    `_bindings` map (listed in framework_fences.PRIVATE_NAMES and checked by a test).
    """

    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable:
            bindings = self._bindings.key_to_bindings.get(event.key, ())  # type: ignore[attr-defined]
            for binding in bindings:
                if await self.app.run_action(binding.action, self):  # type: ignore[attr-defined]
                    event.stop()
                    event.prevent_default()
                    return
        await super()._on_key(event)  # type: ignore[misc]


# How a hidden character in a field looks (the same style as an escape in the response panes).
MARKED = "bold #f0883e on #3b2300"


def marked(text: str, *, multiline: bool = False, **options: object) -> Text:
    """`text` as a field draws it: each control or invisible character as one visible mark."""
    shown = one_cell(text, multiline=multiline)
    out = Text(shown, **options)  # type: ignore[arg-type]
    if shown is not text:
        for index, (before, after) in enumerate(zip(text, shown, strict=True)):
            if before != after:
                out.stylize(MARKED, index, index + 1)
    return out


class FieldInput(ImmediateBindings, Input):
    """A one-line form field.

    With `on_change` set (the form sets it), a change is handed over at once instead of as a
    bubbling Changed message: the stages then follow the keystroke in the frame that echoes it.
    The Changed message reached the form after that frame was drawn, so every key cost a frame.
    Textual has no public hook for that (no upstream issue asks for one); this swallows the
    field's own Changed message in post_message and honours `prevent` through the private
    MessagePump._is_prevented (listed in framework_fences.PRIVATE_NAMES).
    """

    on_change: Callable[[FieldInput], None] | None = None

    # A one-line field's virtual size is the width of its text: Input sets it on every keystroke and
    # Widget declares it with layout=True, so each key laid the whole screen out again (the field's
    # own size never changes: its width comes from the form, and an auto-width Input asks for the
    # layout itself in Input._watch_value). Scrolling to the cursor reads the virtual size directly.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def post_message(self, message: Message) -> bool:
        if self.on_change is not None and isinstance(message, Input.Changed) and message.input is self:
            if not self._is_prevented(Input.Changed):  # a quiet set_value prevents it
                self.on_change(self)
            return True
        return super().post_message(message)

    @property
    def _value(self) -> Text:
        # Textual draws the value as it is: an ESC typed, pasted or put here by a server would reach
        # the terminal. Each hidden character is drawn as one mark, so the cursor stays in step.
        if self.password or not self.value:
            return super()._value
        shown = marked(self.value, no_wrap=True, overflow="ignore", end="")
        if shown.plain == self.value:
            return super()._value
        return shown

    def _on_paste(self, event: events.Paste) -> None:
        # Input keeps the first of `str.splitlines` (which also splits at U+2028, \x0b, \x1c...):
        # only a real line end ends the line here, and dropping more lines is said out loud.
        event.prevent_default()
        event.stop()
        lines = _LINE_BREAK.split(event.text)
        kept = [line for line in lines if line]
        if not kept:
            return
        if self.selection.is_empty:
            self.insert_text_at_cursor(kept[0])
        else:
            self.replace(kept[0], *self.selection)
        if len(kept) > 1:
            self.notify(
                f"pasted {len(kept)} lines into a one-line field: kept the first ({plural(len(kept[0]), 'character')})",
                severity="warning",
            )


class ExactDocument(Document):
    """A document whose lines break at '\\n' only, so `text` is exactly what was loaded and typed.

    Textual's Document splits at every str.splitlines break and rejoins with one newline style, by
    design (Textualize/textual#4207: mixed line endings are unified on export). A signed body must
    come back byte for byte, so this subclasses the private textual.document._document.Document.
    """

    def __init__(self, text: str) -> None:
        self._newline = "\n"
        self._lines = text.split("\n")

    def replace_range(self, start: Location, end: Location, text: str) -> EditResult:
        top, bottom = sorted((start, end))
        top_row, top_column = top
        bottom_row, bottom_column = bottom
        insert_lines = text.split("\n")
        lines = self._lines
        replaced_text = self.get_text_range(top, bottom)
        after = lines[bottom_row][bottom_column:] if bottom_row < len(lines) else ""
        before = lines[top_row][:top_column] if top_row < len(lines) else ""
        insert_lines[0] = before + insert_lines[0]
        destination_column = len(insert_lines[-1])
        insert_lines[-1] = insert_lines[-1] + after
        lines[top_row : bottom_row + 1] = insert_lines
        return EditResult((top_row + len(insert_lines) - 1, destination_column), replaced_text)


class FieldTextArea(ImmediateBindings, TextArea):
    """A multi-line form field (query, body): holds exactly the text put in."""

    def _set_document(self, text: str, language: str | None) -> None:
        super()._set_document("", language)
        self.document = ExactDocument(text)
        self.wrapped_document = WrappedDocument(self.document, tab_width=self.indent_width)
        self.navigator = DocumentNavigator(self.wrapped_document)
        self._fit_wrap()
        self._rewrap_and_refresh_virtual_size()

    async def _on_paste(self, event: events.Paste) -> None:
        # A terminal sends a paste's line ends as CR (what the Enter key sends), so a pasted body
        # looked like one line and was signed as '{\r"a":1\r}'. Each CR (and CR LF) becomes LF,
        # which is what Enter gives here, and the notice says so. A paste without CR is Textual's.
        if "\r" not in event.text:
            return
        event.prevent_default()
        event.stop()
        if self.read_only:
            return
        count = event.text.count("\r")
        if result := self._replace_via_keyboard(_LINE_BREAK.sub("\n", event.text), *self.selection):
            self.move_cursor(result.end_location)
        self.notify(
            f"{self.id}: the paste's line ends came as CR (as terminals send them): "
            f"{count} CR became LF (\\n); the bytes signed are the ones shown",
            title="pasted line ends",
        )

    def get_line(self, line_index: int) -> Text:
        # As in FieldInput: a control character in the body is drawn as one mark ('␍' for a CR).
        line = self.document.get_line(line_index)
        return marked(line, multiline=True, end="", no_wrap=True)

    def _fit_wrap(self) -> None:
        wrap = not any(len(line) > LONG_LINE for line in self.document.lines)
        if self.soft_wrap != wrap:
            self.soft_wrap = wrap

    def _on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area is self:
            self._fit_wrap()
