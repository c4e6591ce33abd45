"""Where the explorer overrides a private part of Textual, fenced in one place.

Each override names what it relies on in PRIVATE_NAMES, so tests/test_textual_internals.py fails
the day Textual renames or removes one (pyproject.toml pins Textual to the minor version these were
checked on, 8.2). The other overrides of Textual's internals live beside the widgets they change and
are listed here too: explorer/tui/fields.py (key order: Textualize/textual#6605; exact text:
Textualize/textual#4207) and explorer/tui/form.py (a pasted PEM).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip

if TYPE_CHECKING:
    from textual.app import App

    _AppBase = App[None]
else:
    _AppBase = object


class ChangedRegionsCompositor(Compositor):
    """A compositor whose partial updates draw only the widgets that meet a changed region.

    For a partial update Textual draws every widget whose clip meets the box around all the changed
    regions, then writes out only the changed regions. A key in the form's data-token field changes
    that field (left column) and the stages (right column): the box spans both columns, so every key
    drew each label, row and field of the form again (some 45 widgets, a quarter of the keystroke)
    for nothing to be taken from them. What reaches the terminal is the same: a widget that meets no
    changed region has no cell in what is written (tests/test_tui_keystroke_updates.py compares the
    bytes with Textual's own update, frame by frame). Full updates (a resize, a new screen) and
    screenshots draw everything, as Textual does. No upstream issue asks for this yet.
    """

    def __init__(self) -> None:
        super().__init__()
        self._changed: tuple[Region, ...] = ()  # while a partial update is drawn: what changed

    def render_partial_update(self) -> ChopsUpdate | None:
        self._changed = tuple(self._dirty_regions)
        try:
            return super().render_partial_update()
        finally:
            self._changed = ()

    def _get_renders(self, crop: Region | None = None) -> Iterable[tuple[Region, Region, list[Strip]]]:
        changed = self._changed
        if not changed:
            yield from super()._get_renders(crop)
            return
        for widget, (region, clip) in self.visible_widgets.items():
            shown = region.intersection(clip)
            if shown and any(shown.overlaps(part) for part in changed):
                yield region, clip, widget.render_lines(shown.translate((-region.x, -region.y)))


class DrawsWhatChanged(_AppBase):
    """An App whose main screen composes its partial updates with ChangedRegionsCompositor."""

    def get_default_screen(self) -> Screen[Any]:
        screen = super().get_default_screen()
        screen._compositor = ChangedRegionsCompositor()
        return screen


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


class FrameworkFences(DrawsWhatChanged, LocalsFreeCrashReport, ScreenshotsWhereTheUserIs):
    """Every behaviour of Textual's App the explorer changes, in one base of ExplorerApp."""


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

PRIVATE_NAMES += (
    ("textual._compositor", "Compositor", "ChangedRegionsCompositor: partial updates draw what changed"),
    ("textual._compositor", "ChopsUpdate", "ChangedRegionsCompositor.render_partial_update's result"),
    ("textual._compositor", "Compositor.render_partial_update", "ChangedRegionsCompositor: notes what changed"),
    ("textual._compositor", "Compositor._get_renders", "ChangedRegionsCompositor: draws only what meets it"),
    ("textual._compositor", "Compositor.visible_widgets", "ChangedRegionsCompositor._get_renders"),
)

# Private attributes set on instances: (module, class, attribute path on a fresh instance, why).
PRIVATE_INSTANCE_NAMES: tuple[tuple[str, str, str, str], ...] = (
    ("textual.app", "App", "_exit_renderables", "LocalsFreeCrashReport: where the report is printed from"),
    ("textual.widgets", "Input", "_bindings.key_to_bindings", "fields.ImmediateBindings, Textualize/textual#6605"),
    ("textual.screen", "Screen", "_compositor", "DrawsWhatChanged: the main screen's compositor, replaced"),
    ("textual._compositor", "Compositor", "_dirty_regions", "ChangedRegionsCompositor: what changed"),
)
