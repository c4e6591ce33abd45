"""The left column: every input of one signed request, compact, one row per field."""

from __future__ import annotations

import re
from collections.abc import Callable

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, TextArea

from explorer import multipart
from explorer.endpoints import BY_NAME, ENDPOINTS, MULTIPART, find
from explorer.multipart import Multipart
from explorer.safe_text import visible
from explorer.tui.fields import FieldInput, FieldTextArea, describe_character, hidden_characters
from explorer.tui.form_fields import BODY_LABEL, BY_ID, FIELDS, MULTIPART_BODY_LABEL, SECRET_FIELDS, SECTIONS, FormField
from explorer.tui.model import FormState, Stages
from explorer.tui.private_key import KeyStatus, load_key
from explorer.tui.sandbox_link import Credentials
from explorer.tui.settings import Settings
from explorer.tui.ts_age import pinned_hint


class KeyInput(FieldInput):
    """A masked input that keeps a pasted multi-line PEM (each run of line breaks becomes one space)."""

    def _on_paste(self, event: events.Paste) -> None:
        # prevent_default: Input's own handler (first line only) must not run after this one.
        event.prevent_default()
        event.stop()
        # Only line breaks change: other spaces are part of what was pasted (a path may hold two).
        text = re.sub(r"[\r\n]+", " ", event.text.strip("\r\n"))
        if text:
            self.insert_text_at_cursor(text)


FULL_TITLE = "mp-explorer · request"


class Form(VerticalScroll):
    """Inputs for target, request, credentials, timestamp and decryption."""

    # alt+m maximises the form from any of its fields; Textual only maximises focusable widgets
    # unless told, and the form itself never takes focus.
    ALLOW_MAXIMIZE = True

    DEFAULT_CSS = """
    Form {
        width: 52;
        min-width: 36;
        border: round $primary 40%;
        border-title-color: $text-primary;
        border-title-style: bold;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }
    Form Select {
        margin-bottom: 0;
    }
    Form .section {
        color: $text-accent;
        text-style: bold;
        margin-top: 1;
    }
    Form .section.-first {
        margin-top: 0;
    }
    Form .row {
        height: auto;
    }
    Form .row > Label {
        width: 11;
        color: $text-muted;
        padding-top: 0;
    }
    Form .row > Input, Form .row > Select {
        width: 1fr;
    }
    Form .field-label {
        color: $text-muted;
        margin-top: 1;
    }
    Form TextArea {
        height: 4;
    }
    Form #body {
        height: 7;
    }
    Form .hint {
        color: $text-muted;
        margin-left: 11;
        height: auto;
    }
    Form .hint.-empty, Form .row.-hidden {
        display: none;
    }
    Form .hint.-error {
        color: $text-error;
    }
    Form .hint.-warning {
        color: $text-warning;
    }
    """

    def __init__(
        self, *, endpoint: str | None = None, id: str = "form", on_edit: Callable[[str], None] | None = None
    ) -> None:
        """`on_edit(source)` is called on every edit (from when it is set: the app sets it once mounted)."""
        super().__init__(id=id)
        self.on_edit = on_edit
        self.key_status = KeyStatus()  # the private key the key field names, loaded (or why not)
        self.border_title = FULL_TITLE
        self._initial_endpoint = endpoint
        # The initial value is applied by the app (after its own prefill), never by a late Changed.
        self._applied_endpoint: str | None = endpoint
        self._hidden: dict[str, list[str]] = {}  # field id -> invisible characters already reported

    # --- layout ------------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        # The border and its corners take 4 columns, Textual's title padding 2 more: a narrow form
        # (26 columns at 80x24) would show "mp-explorer · reque…", so it says "request" alone.
        self.border_title = FULL_TITLE if event.size.width >= len(FULL_TITLE) + 6 else "request"

    def _row(self, label: str, widget: Widget) -> Horizontal:
        return Horizontal(Label(label), widget, classes="row")

    def compose(self) -> ComposeResult:
        for index, (section, field_ids) in enumerate(SECTIONS):
            yield Static(section, classes="section -first" if index == 0 else "section")
            for field_id in field_ids:
                if field_id == "endpoint":
                    yield self._row("endpoint", self._endpoint_picker())
                    continue
                field = BY_ID[field_id]
                yield from self._field(field)
                if field.hint is not None:
                    yield Static("", id=field.hint, classes="hint -empty")

    def _endpoint_picker(self) -> Select[str]:
        options = [(endpoint.name, endpoint.name) for endpoint in ENDPOINTS]
        initial = self._initial_endpoint or Select.NULL
        return Select(options, id="endpoint", compact=True, prompt="(custom)", value=initial)

    def _field(self, field: FormField) -> ComposeResult:
        """A field's widgets: a label above a multi-line box, or a label and an input on one row."""
        if field.kind == "lines":
            label_id = "body-label" if field.id == "body" else None
            yield Label(field.label, id=label_id, classes="field-label")
            yield FieldTextArea(
                id=field.id, compact=True, soft_wrap=True, show_line_numbers=False, tab_behavior="focus"
            )
            return
        kind = KeyInput if field.kind == "pem" else FieldInput
        widget = kind(
            id=field.id, compact=True, password=field.secret, placeholder=field.placeholder, value=field.initial
        )
        if field.id == "file":  # shown only for UploadFile
            yield Horizontal(Label(field.label), widget, id="file-row", classes="row -hidden")
        else:
            yield self._row(field.label, widget)

    # --- reading and writing ------------------------------------------------------------------

    def value(self, field_id: str) -> str:
        widget = self.query_one(f"#{field_id}")
        if isinstance(widget, TextArea):
            return widget.text
        if isinstance(widget, Input):
            return widget.value
        raise KeyError(field_id)

    def state(self) -> FormState:
        endpoint = self.query_one("#endpoint", Select).value
        texts = {field.attr: self.value(field.id) for field in FIELDS}
        return FormState(endpoint=endpoint if isinstance(endpoint, str) else None, **texts)

    def follow_clock(self, now: int, *, pinned: bool) -> None:
        """The ts field: a pinned one is signed as typed; an unpinned one shows the clock, but is never
        overwritten while someone may be typing in it (typing pins it)."""
        if not pinned and self.app.focused is not self.query_one("#ts"):
            self.set_value("ts", str(now), quiet=True)

    def set_value(self, field_id: str, value: str, *, quiet: bool = False) -> None:
        """Set a field; with `quiet`, on_edit is not called (the caller recomputes)."""
        widget = self.query_one(f"#{field_id}")
        if isinstance(widget, TextArea):
            if widget.text == value:
                return
            if quiet:
                with widget.prevent(TextArea.Changed):
                    widget.load_text(value)
            else:
                widget.load_text(value)
        elif isinstance(widget, Input):
            if widget.value == value:
                return
            if quiet:
                with widget.prevent(Input.Changed):
                    widget.value = value
            else:
                widget.value = value

    def set_hint(self, hint_id: str, text: str, level: str = "") -> None:
        hint = self.query_one(f"#{hint_id}", Static)
        # Hints quote file names, exceptions and pasted text: escaped, and never read as markup.
        shown = visible(text)
        if shown != str(hint.content):  # an unchanged hint costs nothing (an update lays out the screen)
            hint.update(Content(shown))
        hint.set_class(not text, "-empty")
        hint.set_class(level == "error", "-error")
        hint.set_class(level == "warning", "-warning")

    def apply_endpoint(self, name: str, *, quiet: bool = False) -> None:
        """Fill method, path template, query and body from an endpoint (`quiet`: on_edit is not called)."""
        endpoint = find(name)
        self._applied_endpoint = endpoint.name
        select = self.query_one("#endpoint", Select)
        if select.value != endpoint.name:
            with select.prevent(Select.Changed):
                select.value = endpoint.name
        self.set_value("method", endpoint.method, quiet=quiet)
        self.set_value("path", endpoint.path_template, quiet=quiet)
        self.set_value("query", "\n".join(f"{n}={v}" for n, v in endpoint.query), quiet=quiet)
        self.set_value("body", endpoint.body, quiet=quiet)
        self.set_multipart(endpoint.content_type == MULTIPART)
        if not quiet:
            self._schedule("endpoint")

    def set_multipart(self, on: bool) -> None:
        """UploadFile: the file row shows and the body box becomes a read-only summary of the body."""
        self.query_one("#file-row").set_class(not on, "-hidden")
        self.query_one("#body", TextArea).read_only = on
        self.query_one("#body-label", Label).update(MULTIPART_BODY_LABEL if on else BODY_LABEL)

    def show_body_summary(self, summary: str) -> None:
        """What a built (multipart) body holds, in the read-only body box."""
        self.set_value("body", summary, quiet=True)

    def prefill(self, settings: Settings) -> None:
        """Put what the explorer was started with into the fields (quietly: the app computes once)."""
        s = settings
        values: dict[str, str | None] = {
            field.id: getattr(s, field.setting or field.attr, None)
            for field in FIELDS
            if field.attr not in ("ts", "timeout")
        }
        values["target"] = s.base_url or ""
        values["timeout"] = f"{s.timeout:g}"
        values["ts"] = str(s.ts if s.ts is not None else s.clock())
        if s.endpoint:
            # Quiet: the first frame shows the stages without a flash (snapshots stay stable).
            self.apply_endpoint(s.endpoint, quiet=True)
        for field_id, value in values.items():
            if value is not None:
                self.set_value(field_id, value, quiet=True)

    def fill_from_sandbox(self, credentials: Credentials, settings: Settings) -> None:
        """The sandbox's demo credentials, in every field the user did not give (quietly)."""
        for field_id, given, value in (
            ("target", settings.base_url, credentials.base_url),
            ("app-id", settings.app_id, credentials.app_id),
            ("access-key-id", settings.access_key_id, credentials.access_key_id),
            ("secret-key", settings.secret_key, credentials.secret_key),
            ("private-key", settings.private_key, credentials.private_key),
        ):
            if given is None:
                self.set_value(field_id, value, quiet=True)

    def show_built_body(self, endpoint_name: str | None, built: Multipart | None) -> None:
        """UploadFile: the body box is read-only and shows the built multipart body, summarised."""
        endpoint = BY_NAME.get(endpoint_name or "")
        is_multipart = endpoint is not None and endpoint.content_type == MULTIPART
        if self.query_one("#body", TextArea).read_only != is_multipart:
            self.set_multipart(is_multipart)
        if built is not None:
            self.show_body_summary(multipart.summary(built))

    def refresh_key_status(self) -> None:
        """Load the private key the field names (cryptography loads here) and say how it went."""
        self.key_status = load_key(self.value("private-key"), self.value("passphrase"))
        self.set_hint("private-key-status", self.key_status.status, level=self.key_status.level)

    def show_stage_hints(self, stages: Stages, typed_path: str, target_hint: tuple[str, str]) -> None:
        """The hints under the fields that come from the stages: the filled path, the key note, the target."""
        self.set_hint("path-hint", f"→ {stages.path}" if stages.path != typed_path else "")
        note = stages.secret_note
        self.set_hint("secret-hint", note or "", level="warning" if note else "")
        text, level = target_hint
        # A base URL wider than its field is written out whole under it: the port is never cut silently.
        target = self.value("target")
        width = self.query_one("#target").content_region.width
        if target and width and len(target) >= width:
            text = f"{target}\n{text}"
        self.set_hint("target-hint", text, level=level)

    def show_ts_mode(self, pinned: bool, ts: int | None, now: int, window: int) -> None:
        """Under the ts: following the clock, or pinned with its age against the server's window."""
        if pinned:
            self.set_hint("ts-mode", *pinned_hint(ts, now, window))
        else:
            self.set_hint("ts-mode", "follows the clock  (ctrl+g pins it)")

    def show_minted_token(self, data_token: str, countdown: tuple[str, str]) -> None:
        """A data token the sandbox minted, in its field, with its time left under it."""
        self.set_value("data-token", data_token, quiet=True)
        self.set_hint("data-token-ttl", countdown[0], level=countdown[1])

    def show_sandbox_starting(self, starting: bool) -> None:
        """The base URL's placeholder while the embedded sandbox starts, and after it failed to."""
        failed = "no target: type a base URL (the sandbox did not start)"
        self.query_one("#target", Input).placeholder = "starting sandbox…" if starting else failed

    def set_masked(self, masked: bool) -> None:
        for field_id in SECRET_FIELDS:
            self.query_one(f"#{field_id}", Input).password = masked

    # --- events: every change goes to on_edit at once ------------------------------------------

    def _schedule(self, source: str) -> None:
        # A call, not a message: the stages are then drawn in the same frame as the keystroke's echo
        # (a message hopping up to the app waited for the next one, ~17 ms).
        if source in ("private-key", "passphrase") and self.on_edit is not None:
            self.refresh_key_status()
        if self.on_edit is not None:
            self.on_edit(source)

    def on_mount(self) -> None:
        for field in self.query(FieldInput):
            field.on_change = self._field_changed

    def _field_changed(self, field: Input) -> None:
        self._report_hidden(field.id or "", field.value)
        self._schedule(field.id or "")

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._field_changed(event.input)

    @on(TextArea.Changed)
    def _text_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self._report_hidden(event.text_area.id or "", event.text_area.text, multiline=True)
        self._schedule(event.text_area.id or "")

    def _report_hidden(self, field_id: str, text: str, *, multiline: bool = False) -> None:
        """Say once when a field gains a character that does not show (a control, an RTL mark)."""
        hidden = hidden_characters(text, multiline=multiline)
        new = [char for char in hidden if char not in self._hidden.get(field_id, [])]
        self._hidden[field_id] = hidden
        if new:
            names = ", ".join(describe_character(char) for char in new[:3])
            more = f" and {len(new) - 3} more" if len(new) > 3 else ""
            self.notify(
                f"{field_id}: contains {names}{more}, which does not show on screen; it is kept as typed",
                title="invisible character",
                severity="warning",
            )

    @on(Select.Changed, "#endpoint")
    def _endpoint_changed(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str) and event.value != self._applied_endpoint:
            self.apply_endpoint(event.value)
