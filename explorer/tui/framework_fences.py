"""Where the explorer overrides a private part of Textual, fenced in one place.

Each override names what it relies on in PRIVATE_NAMES, so tests/test_textual_internals.py fails
the day Textual renames or removes one (pyproject.toml pins Textual to the minor version these were
checked on). The other overrides of Textual's internals live beside the widgets they change and are
listed here too: explorer/tui/fields.py (key order, exact text) and explorer/tui/form.py (pasted keys).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

    _AppBase = App[None]
else:
    _AppBase = object


class LocalsFreeCrashReport(_AppBase):
    """An App whose crash report leaves out every frame's local variables.

    Textual's report (App._fatal_error) prints a Rich traceback with show_locals=True, which would
    print the secret key to the terminal and into bug reports. This keeps the traceback and drops the
    locals. Textual offers no switch for it.
    """

    def _fatal_error(self) -> None:
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None)
        self._exit_renderables.append(Segments(self.console.render(traceback, self.console.options)))
        self._close_messages_no_wait()


class ScreenshotsWhereTheUserIs(_AppBase):
    """An App whose screenshots go to the working directory when there is no downloads directory.

    Textual saves into the downloads directory and, where there is none (a server, a container),
    only says "Failed to save screenshot".
    """

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        if path is None:
            from platformdirs import user_downloads_path

            if not user_downloads_path().is_dir():
                path = "."
        return super().deliver_screenshot(filename, path, time_format)


# Every private name of Textual the explorer uses: (module, attribute path). Checked by a test.
PRIVATE_NAMES: tuple[tuple[str, str], ...] = (
    ("textual.app", "App._fatal_error"),
    ("textual.app", "App._exit_renderables"),
    ("textual.app", "App._close_messages_no_wait"),
    ("textual.widget", "Widget._on_key"),
    ("textual.dom", "DOMNode._bindings"),
    ("textual.widgets._input", "Input._on_paste"),
    ("textual.widgets._text_area", "TextArea._set_document"),
    ("textual.widgets._text_area", "TextArea._rewrap_and_refresh_virtual_size"),
    ("textual.widgets._text_area", "TextArea._on_text_area_changed"),
    ("textual.message_pump", "MessagePump._is_prevented"),
    ("textual.document._document", "Document"),
    ("textual.document._document", "EditResult"),
    ("textual.document._document_navigator", "DocumentNavigator"),
    ("textual.document._wrapped_document", "WrappedDocument"),
)
