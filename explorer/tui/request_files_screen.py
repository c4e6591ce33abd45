"""Saving the form to a request file, and opening one from a folder (a picker), as modal screens.

SaveRequestScreen asks for a path (prefilled) and dismisses with the path written, or None.
OpenRequestScreen lists the request files of a folder (the folder is editable) and dismisses with
the chosen path, or None. Neither touches the form: the app does that with explorer.tui.request_io.
File names are shown with control characters made visible.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from explorer.doctor.diff import visible
from explorer.workspace import request_file
from explorer.workspace.request_file import RequestFileError, SavedRequest

_CSS = """
{name} {{
    align: center middle;
}}
{name} > Vertical {{
    width: 90%;
    max-width: 100;
    height: auto;
    max-height: 90%;
    border: round $primary;
    border-title-color: $text-primary;
    border-title-style: bold;
    background: $surface;
    padding: 0 1;
}}
{name} Label {{
    width: 100%;
    color: $text-muted;
}}
{name} .error {{
    color: $text-error;
    height: auto;
}}
{name} OptionList {{
    height: auto;
    max-height: 16;
}}
"""


class SaveRequestScreen(ModalScreen[Path | None]):
    """Ask where to save `request`; write it on enter (errors shown in place, nothing lost)."""

    DEFAULT_CSS = _CSS.format(name="SaveRequestScreen")
    # The explorer's own AUTO_FOCUS names a form field, which is not on this screen.
    AUTO_FOCUS = "#save-path"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel", id="save_request.cancel")]

    def __init__(
        self, request: SavedRequest, default_path: Path, notes: tuple[str, ...] = (), *, replaces: Path | None = None
    ) -> None:
        """`replaces`: the file this request was opened from (saving over it asks nothing)."""
        super().__init__()
        self.request = request
        self.default_path = default_path
        self.notes = notes
        self.replaces = replaces
        self._confirmed: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "save request"
            yield Label("file (enter saves, escape cancels); secrets are written as ${VARIABLE} references")
            yield Input(str(self.default_path), id="save-path", compact=True)
            yield Static("\n".join(self.notes), id="save-notes")
            yield Static("", id="save-error", classes="error")

    @on(Input.Submitted, "#save-path")
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            self.query_one("#save-error", Static).update("give a file name")
            return
        path = Path(text).expanduser()
        if path.is_dir():
            path = path / request_file.default_name(self.request)
        elif path.suffix != ".toml":
            path = path.with_name(path.name + request_file.SUFFIX)
        if path.exists() and path != self.replaces and path != self._confirmed:
            # Another file is there: say so once; enter again replaces it.
            self._confirmed = path
            self.query_one("#save-error", Static).update(
                f"{visible(str(path))} exists: enter again replaces it, or change the name"
            )
            return
        try:
            written = request_file.save(self.request, path)
        except RequestFileError as exc:
            self.query_one("#save-error", Static).update(visible(str(exc)))
            return
        self.dismiss(written)

    def action_cancel(self) -> None:
        self.dismiss(None)


class OpenRequestScreen(ModalScreen[Path | None]):
    """Pick a request file from a folder; the folder input reloads the list on enter."""

    DEFAULT_CSS = _CSS.format(name="OpenRequestScreen")
    AUTO_FOCUS = "#open-list"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel", id="open_request.cancel")]

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder
        self.paths: list[Path] = []

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "open request"
            yield Label("folder (enter lists it; a file path opens that file)")
            yield Input(str(self.folder), id="open-folder", compact=True)
            yield OptionList(id="open-list", compact=True)
            yield Static("", id="open-error", classes="error")

    def on_mount(self) -> None:
        self._list(self.folder)
        if self.paths:
            self.query_one(OptionList).focus()

    def _list(self, folder: Path) -> None:
        self.folder = folder
        self.paths = request_file.request_files(folder)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(visible(path.name)) for path in self.paths])
        error = "" if self.paths else f"no *{request_file.SUFFIX} files in {visible(str(folder))}"
        self.query_one("#open-error", Static).update(error)
        if self.paths:
            options.highlighted = 0

    @on(Input.Submitted, "#open-folder")
    def _folder_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        path = Path(event.value.strip() or ".").expanduser()
        if path.is_file():
            self.dismiss(path)
            return
        self._list(path)

    @on(OptionList.OptionSelected, "#open-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.paths):
            self.dismiss(self.paths[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
