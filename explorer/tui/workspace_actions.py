"""The explorer's workspace actions: save and open request files, the history view, recording sends.

Kept out of app.py: the app holds one WorkspaceActions and calls it from a binding, a palette
command and the end of a send. Everything here goes through the form's own API (set_value,
apply_endpoint) and the app's ts pin, so the form computes its stages as if typed.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from explorer.plurals import plural

if TYPE_CHECKING:
    from explorer.tui.request_io import FormFill
    from explorer.workspace.history import HistoryEntry
    from explorer.workspace.request_file import SavedRequest

# The dialogs, the request-file reader (tomllib) and the escaping helper (which loads the whole
# doctor package) are imported by the actions that use them: none of it is in the first frame,
# and importing it with the app cost the explorer's cold start tens of milliseconds.


class WorkspaceActions:
    """Request files and history for one ExplorerApp."""

    def __init__(self, app: Any) -> None:
        # `app` is the ExplorerApp (typed loosely: app.py imports this module, never the reverse).
        self.app = app
        settings = app.settings
        self.opened: SavedRequest | None = settings.opened_request
        self.opened_path: Path | None = Path(settings.opened_request_path) if settings.opened_request_path else None
        self.history: Any = settings.history
        self.lookup = settings.env_lookup or os.environ.get
        self._history_failed = False
        self._writes: list[threading.Thread] = []

    def _sandbox_url(self) -> str | None:
        sandbox = self.app.sandbox_life.handle
        return str(sandbox.base_url) if sandbox is not None else None

    # --- request files -----------------------------------------------------------------------

    def run(self, what: str) -> None:
        """save, open, history or clear_history: what the app's bindings and palette name."""
        actions = {"save": self.save, "open": self.open_picker, "history": self.show_history}
        actions["clear_history"] = self.clear_history
        actions[what]()

    def save(self) -> None:
        """Ask where, then write the form as a request file (no secret in it)."""
        from explorer.doctor.diff import visible
        from explorer.tui.request_files_screen import SaveRequestScreen
        from explorer.tui.request_io import saved_from_form
        from explorer.workspace import request_file
        from explorer.workspace.request_file import RequestFileError

        app = self.app
        try:
            result = saved_from_form(
                app.form.state(), ts_pinned=app.ts_pinned, sandbox_url=self._sandbox_url(), previous=self.opened
            )
        except RequestFileError as exc:
            app.notify(visible(str(exc)), title="not saved", severity="error")
            return
        default = self.opened_path or Path.cwd() / request_file.default_name(result.request)

        def saved(path: Path | None) -> None:
            if path is None:
                return
            self.opened, self.opened_path = result.request, path
            app.notify(f"saved {visible(str(path))}", title="request saved")

        app.push_screen(SaveRequestScreen(result.request, default, result.notes, replaces=self.opened_path), saved)

    def open_picker(self) -> None:
        """The request files of the last folder used (else the working directory)."""
        from explorer.tui.request_files_screen import OpenRequestScreen

        folder = self.opened_path.parent if self.opened_path else Path.cwd()
        self.app.push_screen(OpenRequestScreen(folder), self._picked)

    def _picked(self, path: Path | None) -> None:
        if path is not None:
            self.open(path)

    def open(self, path: Path) -> bool:
        """Fill the form from a request file; False (and a message) when it cannot be read."""
        from explorer.doctor.diff import visible
        from explorer.tui.request_io import form_fill
        from explorer.workspace import request_file
        from explorer.workspace.request_file import RequestFileError

        try:
            saved = request_file.load(path)
        except RequestFileError as exc:
            self.app.notify(visible(str(exc)), title="not opened", severity="error")
            return False
        self.opened, self.opened_path = saved, path
        self.apply(form_fill(saved, self.lookup, sandbox_url=self._sandbox_url()))
        self.app.notify(f"opened {visible(str(path))}", title="request opened")
        return True

    def apply(self, fill: FormFill) -> None:
        """Put a FormFill into the form: the endpoint first, then every value, then the ts pin."""
        from explorer.doctor.diff import visible

        app, form = self.app, self.app.form
        if fill.endpoint:
            form.apply_endpoint(fill.endpoint, quiet=True)
        for field_id, value in fill.values.items():
            form.set_value(field_id, value, quiet=True)
        app.ts_pinned = fill.ts is not None  # its watcher shows the mode and recomputes when it changes
        form.refresh_key_status()
        app.recompute(flash=True)
        for problem in fill.problems:
            app.notify(visible(problem), severity="warning")

    # --- history -----------------------------------------------------------------------------

    def record(self, exchange: Any, *, endpoint: str | None, state: Any, ts: int | None) -> None:
        """Record one send in a thread (SQLite stays off the UI thread); a failure is said once.

        Not a daemon thread: a send made just before quitting is still written before the process ends.
        """
        history = self.history
        if history is None or exchange is None:
            return
        from explorer.tui.request_io import history_form

        form = history_form(state, sandbox_url=self._sandbox_url(), ts=ts)

        def write() -> None:
            from explorer.workspace.history import HistoryError

            try:
                history.record_exchange(exchange, endpoint=endpoint, form=form)
            except HistoryError as exc:
                from explorer.doctor.diff import visible  # the doctor's package loads when a write fails

                if not self._history_failed:
                    self._history_failed = True
                    with contextlib.suppress(RuntimeError):  # the app may have gone meanwhile
                        self.app.call_from_thread(
                            self.app.notify, visible(str(exc)), title="history not recorded", severity="warning"
                        )

        thread = threading.Thread(target=write, name="mp-explorer-history", daemon=False)
        self._writes = [t for t in self._writes if t.is_alive()] + [thread]
        thread.start()

    def flush(self, timeout: float = 10.0) -> None:
        """Wait for the sends being recorded (tests, and anything that reads the history right after a send)."""
        for thread in list(self._writes):
            thread.join(timeout)

    def show_history(self) -> None:
        if self.history is None:
            self.app.notify("history is off (--no-history): nothing was recorded", severity="warning")
            return
        from explorer.tui.history_screen import HistoryScreen

        self.flush(2.0)  # the send just made belongs at the top of the list

        self.app.push_screen(HistoryScreen(self.history), self._load_entry)

    def _load_entry(self, entry: HistoryEntry | None) -> None:
        if entry is not None:
            from explorer.tui.request_io import history_fill

            self.apply(history_fill(entry, sandbox_url=self._sandbox_url()))
            self.app.notify(f"send {entry.id} loaded: ctrl+s sends the same bytes again", title="history")

    def clear_history(self) -> None:
        """Ask first (every recorded send goes, for good), then clear."""
        if self.history is None:
            self.app.notify("history is off (--no-history)", severity="warning")
            return
        from explorer.doctor.diff import visible
        from explorer.tui.confirm_screen import ConfirmScreen
        from explorer.workspace.history import HistoryError

        self.flush(2.0)  # a send still being written is counted and cleared with the rest
        try:
            count, _size = self.history.stats()
        except HistoryError as exc:
            self.app.notify(visible(str(exc)), severity="error")
            return
        if count == 0:
            self.app.notify("history is empty: nothing to clear", title="history")
            return
        question = f"Delete {plural(count, 'recorded send')} from the history? This cannot be undone."
        self.app.push_screen(ConfirmScreen("Clear history", question, "Delete"), self._clear_confirmed)

    def _clear_confirmed(self, yes: bool | None) -> None:
        if not yes:
            self.app.notify("history kept", title="history")
            return
        from explorer.doctor.diff import visible
        from explorer.workspace.history import HistoryError

        try:
            cleared = self.history.clear()
        except HistoryError as exc:
            self.app.notify(visible(str(exc)), severity="error")
            return
        self.app.notify(f"history cleared: {plural(cleared, 'send')} deleted", title="history")
