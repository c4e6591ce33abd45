"""Form fields whose own key bindings run in the order the keys arrive.

Textual runs a focused widget's non-priority bindings only when the key event has bubbled up to
the app, after the widget has already taken the keys queued behind it. In a real terminal a fast
typist, a macro or `tmux send-keys` delivers `ctrl+u` and the text after it in one read, so
`ctrl+u POST` ended up as `T`, or as nothing. Running the widget's own bindings as the key
arrives keeps every keystroke in order and nothing typed is lost.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input, TextArea


class ImmediateBindings:
    """Mixin for a focusable widget: its own bindings run inline, before the next key is handled."""

    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable:
            bindings = self._bindings.key_to_bindings.get(event.key, ())  # type: ignore[attr-defined]
            for binding in bindings:
                if await self.app.run_action(binding.action, self):  # type: ignore[attr-defined]
                    event.stop()
                    event.prevent_default()
                    return
        await super()._on_key(event)  # type: ignore[misc]


class FieldInput(ImmediateBindings, Input):
    """A one-line form field."""


class FieldTextArea(ImmediateBindings, TextArea):
    """A multi-line form field (query, body)."""
