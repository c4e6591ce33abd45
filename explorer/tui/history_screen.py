"""The history view: every recorded send, newest first; one shown whole; enter loads it into the form.

The screen dismisses with the chosen HistoryEntry (the app fills the form with
explorer.tui.request_io.history_fill) or None. Everything shown that came from outside (URLs,
headers, bodies, server messages) has its control characters made visible.
"""

from __future__ import annotations

import time
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from explorer.doctor.diff import visible
from explorer.plurals import plural
from explorer.workspace.history import History, HistoryEntry, HistoryError

LIST_LIMIT = 500


def _lines(data: bytes) -> str:
    return "\n".join(visible(line) for line in data.decode("utf-8", "backslashreplace").split("\n"))


def _cut(text: str, width: int) -> str:
    """`text` in at most `width` characters, ending in '…' when something was cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def summary_line(entry: HistoryEntry) -> str:
    """One row of the list: id, local time, method, outcome, elapsed, path (a cut path or outcome ends in '…').

    The path comes last: where the row is wider than the list, the path is what is cut, never the outcome.
    """
    when = time.strftime("%m-%d %H:%M:%S", time.localtime(entry.sent_at))
    path = entry.url.split("://", 1)[-1].partition("/")[2]
    elapsed = f"{entry.elapsed * 1000:.0f} ms" if entry.elapsed is not None else ""
    outcome = _cut(visible(entry.outcome), 40)
    return f"{entry.id:>4} {when} {visible(entry.method):<5} {outcome} {elapsed:>7}  {_cut('/' + visible(path), 61)}"


def detail_text(entry: HistoryEntry) -> Text:
    """The send whole: request line, headers (the token included), body, then the answer."""
    text = Text()
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(entry.sent_at))
    text.append(f"send {entry.id} · {when} · {visible(entry.endpoint or '(custom)')}\n", style="bold")
    text.append(f"{visible(entry.method)} {visible(entry.url)}\n")
    for name, value in entry.headers:
        text.append(f"{visible(name)}: ", style="dim")
        text.append(f"{visible(value)}\n")
    if entry.body:
        text.append("\n" + _lines(entry.body) + ("  …(cut: too large to keep)" if entry.body_truncated else "") + "\n")
    text.append("\nanswer: ", style="bold")
    text.append(visible(entry.outcome), style="green" if entry.code == "000000" else "red")
    if entry.elapsed is not None:
        text.append(f" · {entry.elapsed * 1000:.0f} ms")
    if entry.message:
        text.append(f" · {visible(entry.message)}")
    if entry.response:
        text.append(
            "\n" + _lines(entry.response) + ("  …(cut at the history's cap)" if entry.response_truncated else "")
        )
    return text


class HistoryScreen(Screen[HistoryEntry | None]):
    """List on top, the highlighted send below; enter loads it, escape goes back."""

    DEFAULT_CSS = """
    HistoryScreen {
        layout: vertical;
    }
    HistoryScreen #history-list {
        height: 40%;
        padding: 0;
        /* One line a send, cut with '…' at the list's edge: wrapped, a row read as two sends. */
        text-wrap: nowrap;
        text-overflow: ellipsis;
        border: round $primary 40%;
        border-title-color: $text-primary;
        border-title-style: bold;
    }
    HistoryScreen #history-detail-scroll {
        height: 1fr;
        border: round $accent 50%;
        padding: 0 1;
    }
    """

    AUTO_FOCUS = "#history-list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "back", id="history.close"),
        Binding("enter", "load", "load into form", priority=True, id="history.load"),
    ]

    def __init__(self, history: History) -> None:
        super().__init__()
        self.history = history
        self.entries: list[HistoryEntry] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            # Not compact: Textual's compact OptionList has `border: none !important`, which hid the
            # border and with it the title that says how many sends there are and what enter does.
            yield OptionList(id="history-list")
            with VerticalScroll(id="history-detail-scroll"):
                yield Static("", id="history-detail")
        yield Footer()

    def on_mount(self) -> None:
        options = self.query_one("#history-list", OptionList)
        try:
            self.entries = self.history.summaries(LIST_LIMIT)
        except HistoryError as exc:
            self.query_one("#history-detail", Static).update(Text(visible(str(exc)), style="red"))
            return
        sends = plural(len(self.entries), "send")
        options.border_title = f"history · {sends}, newest first · enter loads one into the form"
        options.add_options([Option(summary_line(entry)) for entry in self.entries])
        if self.entries:
            options.highlighted = 0
            options.focus()
        else:
            self.query_one("#history-detail", Static).update(
                Text(f"no sends recorded yet ({visible(str(self.history.path))})", style="dim")
            )

    @on(OptionList.OptionHighlighted, "#history-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        entry = self._full(event.option_index)
        if entry is not None:
            self.query_one("#history-detail", Static).update(detail_text(entry))

    def _full(self, index: int) -> HistoryEntry | None:
        if not 0 <= index < len(self.entries):
            return None
        try:
            return self.history.get(self.entries[index].id)
        except HistoryError as exc:
            self.notify(visible(str(exc)), severity="error")
            return None

    @on(OptionList.OptionSelected, "#history-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._load(event.option_index)

    def action_load(self) -> None:
        highlighted = self.query_one("#history-list", OptionList).highlighted
        if highlighted is not None:
            self._load(highlighted)

    def _load(self, index: int) -> None:
        entry = self._full(index)
        if entry is not None:
            self.dismiss(entry)

    def action_close(self) -> None:
        self.dismiss(None)
