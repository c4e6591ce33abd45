"""Where the explorer overrides a private part of Textual, fenced in one place.

Each override names what it relies on in PRIVATE_NAMES, so tests/test_textual_internals.py fails
the day Textual renames or removes one (pyproject.toml pins Textual to the minor version these were
checked on, 8.2). The other overrides of Textual's internals live beside the widgets they change and
are listed here too: explorer/tui/fields.py (key order: Textualize/textual#6605; exact text:
Textualize/textual#4207) and explorer/tui/form.py (a pasted PEM).
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
    locals. Textual 8.2 offers no switch for it, and no upstream issue asks for one yet (searched
    Textualize/textual's tracker: none as of 8.2.8); the override goes when a switch exists.
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


# Every private name of Textual the explorer relies on, each beside the reason (and upstream issue)
# it works around. tests/test_textual_internals.py fails when one of them disappears.
PRIVATE_NAMES: tuple[tuple[str, str, str], ...] = (
    # (module, attribute path on its class, where and why)
    ("textual.app", "App._fatal_error", "LocalsFreeCrashReport: no secrets in crash reports (no upstream switch)"),
    ("textual.app", "App._close_messages_no_wait", "LocalsFreeCrashReport, as App._fatal_error ends"),
    ("textual.widgets._input", "Input._on_key", "fields.ImmediateBindings: key order, Textualize/textual#6605"),
    ("textual.widgets._text_area", "TextArea._on_key", "fields.ImmediateBindings: key order, Textualize/textual#6605"),
    ("textual.widgets._input", "Input._value", "fields.FieldInput: control characters drawn as marks"),
    ("textual.widgets._input", "Input._on_paste", "fields.FieldInput and form.KeyInput: what a paste keeps"),
    ("textual.widgets._text_area", "TextArea._on_paste", "fields.FieldTextArea: a paste's CR line ends become LF"),
    ("textual.widgets._text_area", "TextArea._replace_via_keyboard", "fields.FieldTextArea._on_paste"),
    (
        "textual.widgets._text_area",
        "TextArea._set_document",
        "fields.FieldTextArea: exact text, Textualize/textual#4207",
    ),
    ("textual.widgets._text_area", "TextArea._rewrap_and_refresh_virtual_size", "fields.FieldTextArea, as above"),
    ("textual.message_pump", "MessagePump._is_prevented", "fields.FieldInput: a quiet set_value stays quiet"),
    ("textual.widgets._input", "Input._value", "fields.FieldInput: a control character drawn as one mark"),
    ("textual.document._document", "Document.replace_range", "fields.ExactDocument: lines break at \\n only"),
    ("textual.document._document", "EditResult", "fields.ExactDocument"),
    ("textual.document._document_navigator", "DocumentNavigator", "fields.FieldTextArea"),
    ("textual.document._wrapped_document", "WrappedDocument", "fields.FieldTextArea"),
)

# Private attributes set on instances: (module, class, attribute path on a fresh instance, why).
PRIVATE_INSTANCE_NAMES: tuple[tuple[str, str, str, str], ...] = (
    ("textual.app", "App", "_exit_renderables", "LocalsFreeCrashReport: where the report is printed from"),
    ("textual.widgets", "Input", "_bindings.key_to_bindings", "fields.ImmediateBindings, Textualize/textual#6605"),
)
