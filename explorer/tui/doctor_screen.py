"""The doctor screen: paste a failing token and the request it was made for, see the mistake named.

Both boxes are TextAreas, so a multi-line curl command or a raw HTTP request pastes whole; the
checks, the matched mistake and the two canonical requests re-render as the user edits. The same
paste can fill the explorer's form ("import from curl"): the screen is dismissed with the
imported request and the app puts it into its fields.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static, TextArea

from explorer import doctor, signing

TOKEN_PLACEHOLDER = "the token: bare, 'Bearer …', or the whole header line (empty: taken from the request)"
REQUEST_PLACEHOLDER = "paste a curl command line, or a raw HTTP request (request line, headers, blank line, body)"
# Past this, a paste is not a request a person signs; diagnosing it would only stall the screen.
MAX_PASTE = 1024 * 1024


class DoctorScreen(Screen[doctor.ImportedRequest | None]):
    """Token + request in, checks + named mistakes + canonical requests side by side out."""

    DEFAULT_CSS = """
    DoctorScreen {
        layout: vertical;
    }
    DoctorScreen #doctor-inputs {
        height: auto;
        max-height: 60%;
        border: round $primary 40%;
        border-title-color: $text-primary;
        border-title-style: bold;
        padding: 0 1;
    }
    DoctorScreen .field-label {
        color: $text-muted;
    }
    DoctorScreen #doctor-token {
        height: 3;
    }
    DoctorScreen #doctor-request {
        height: 6;
    }
    DoctorScreen .row {
        height: 1;
    }
    DoctorScreen .row > Label {
        width: 12;
        color: $text-muted;
    }
    DoctorScreen .row > Input {
        width: 1fr;
    }
    DoctorScreen #doctor-report-scroll {
        height: 1fr;
        border: round $accent 50%;
        border-title-color: $text-accent;
        padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "back", id="doctor.close"),
        Binding("ctrl+l", "import_request", "import into form", priority=True, id="doctor.import"),
        Binding("f1", "help", "mistakes", id="doctor.help"),
    ]

    def __init__(
        self,
        *,
        secret_key: str = "",
        access_key_id: str = "",
        token: str = "",
        request: str = "",
        now: Callable[[], int] = signing.now_ts,
    ) -> None:
        super().__init__(id="doctor")
        self._initial = {"token": token, "request": request, "secret": secret_key, "access": access_key_id}
        self._now = now
        self.diagnosis: doctor.Diagnosis | None = None
        self.imported: doctor.ImportedRequest | None = None
        self.problem: str = ""

    def compose(self) -> ComposeResult:
        # Scrolls when the screen is short (at 80x24 the key rows sit below the 60% cap): a focused
        # field is scrolled into view instead of being typed into out of sight.
        with VerticalScroll(id="doctor-inputs") as inputs:
            inputs.border_title = "doctor · paste a failing request"
            yield Label("token", classes="field-label")
            yield TextArea(
                self._initial["token"], id="doctor-token", compact=True, soft_wrap=True, tab_behavior="focus",
                placeholder=TOKEN_PLACEHOLDER,
            )  # fmt: skip
            yield Label("request (curl or raw HTTP)", classes="field-label")
            yield TextArea(
                self._initial["request"], id="doctor-request", compact=True, soft_wrap=True, tab_behavior="focus",
                placeholder=REQUEST_PLACEHOLDER,
            )  # fmt: skip
            with Horizontal(classes="row"):
                yield Label("access key")
                yield Input(self._initial["access"], id="doctor-access-key-id", compact=True, placeholder="optional")
            with Horizontal(classes="row"):
                yield Label("secret key")
                yield Input(
                    self._initial["secret"], id="doctor-secret-key", compact=True, password=True,
                    placeholder="optional: without it the signature cannot be checked",
                )  # fmt: skip
        with VerticalScroll(id="doctor-report-scroll") as scroll:
            scroll.border_title = "diagnosis"
            yield Static("", id="doctor-report")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#doctor-request", TextArea).focus()
        self.refresh_diagnosis()

    @on(TextArea.Changed)
    @on(Input.Changed)
    def _edited(self) -> None:
        self.refresh_diagnosis()

    # --- diagnosis ------------------------------------------------------------------------------

    def refresh_diagnosis(self) -> None:
        """Read both boxes, diagnose, and show the report (or what is missing)."""
        token_text = self.query_one("#doctor-token", TextArea).text
        request_text = self.query_one("#doctor-request", TextArea).text
        secret_key = self.query_one("#doctor-secret-key", Input).value
        access_key_id = self.query_one("#doctor-access-key-id", Input).value.strip()
        self.diagnosis, self.imported, self.problem = None, None, ""
        if len(request_text) + len(token_text) > MAX_PASTE:
            self._show_problem(f"more than {MAX_PASTE // 1024} KiB pasted: paste the request and the token only")
            return
        if not request_text.strip():
            self._show_problem("paste the request the token was made for (a curl command or a raw HTTP request)")
            return
        try:
            # Files named by '@file' are not read from here: the report asks for the body itself.
            self.imported = doctor.parse_request(request_text.replace("\r\n", "\n"))
        except doctor.RequestImportError as exc:
            self._show_problem(f"request: {exc}")
            return
        if token_text.strip():
            found: doctor.FoundToken | None = doctor.parse_token(token_text.replace("\n", "").replace("\r", ""))
        else:
            found = doctor.token_from_headers(self.imported.headers)
            if found is None:
                self._show_problem(f"no token: paste it above, or keep the {signing.HEADER_NAME} header in the request")
                return
        assert found is not None
        try:
            self.diagnosis = doctor.diagnose(
                found, self.imported, secret_key=secret_key or None, access_key_id=access_key_id or None,
                now=self._now(),
            )  # fmt: skip
        except signing.SigningInputError as exc:
            self._show_problem(f"the request cannot be canonicalised: {exc}")
            return
        lines = [f"request: {doctor.visible(self.imported.method)} {doctor.visible(self.imported.shown_url())}"]
        lines += [f"note: {doctor.visible(note)}" for note in self.imported.notes]
        lines.append(doctor.render_text(self.diagnosis))
        self._show("\n".join(lines), ok=self.diagnosis.ok)

    def _show_problem(self, message: str) -> None:
        self.problem = message
        self._show(doctor.visible(message), ok=None)

    def _show(self, text: str, *, ok: bool | None) -> None:
        report = Text(text)
        report.highlight_regex(r"(?m)^  FAIL .*$", "bold red")
        report.highlight_regex(r"(?m)^  ok   \S+", "green")
        report.highlight_regex(r"(?m)^  \d+\. .*$", "bold")
        report.highlight_regex(r"(?m)^ +signer .*$", "yellow")
        report.highlight_regex(r"(?m)^ +\^$", "bold yellow")
        self.query_one("#doctor-report", Static).update(report)
        scroll = self.query_one("#doctor-report-scroll")
        scroll.border_title = (
            "diagnosis" if ok is None else ("diagnosis · valid" if ok else "diagnosis · problem found")
        )

    @property
    def report_text(self) -> str:
        """The report as plain text (for tests and for copying)."""
        content = self.query_one("#doctor-report", Static).content
        return content.plain if isinstance(content, Text) else str(content)

    # --- actions --------------------------------------------------------------------------------

    def action_close(self) -> None:
        self.dismiss(None)

    def action_import_request(self) -> None:
        """Fill the explorer's form from the pasted request (and leave the doctor)."""
        if self.imported is None:
            self.notify(self.problem or "nothing to import: paste a curl command or a raw request", severity="warning")
            return
        self.dismiss(self.imported)

    def action_help(self) -> None:
        from explorer.tui.help import HelpScreen

        self.app.push_screen(HelpScreen("doctor"))


def form_values(request: doctor.ImportedRequest) -> dict[str, str]:
    """The explorer's field values for an imported request (field id -> text)."""
    values = {
        "method": request.method,
        "path": request.path,
        "query": "\n".join(f"{name}={value}" for name, value in request.query_pairs),
        "body": request.body.decode("utf-8", "replace"),
    }
    if request.base_url:
        values["target"] = request.base_url
    app_id = request.app_id
    if app_id and re.fullmatch(r"[A-Za-z0-9_-]+", app_id):
        values["app-id"] = app_id
    return values


def open_doctor(app: Any) -> None:
    """Push the doctor over the explorer (`app`), with the form's keys; fill the form on ctrl+l."""
    if isinstance(app.screen, DoctorScreen):
        return
    state = app.form.state()

    def fill(request: doctor.ImportedRequest | None) -> None:
        if request is None:
            return
        for field_id, value in form_values(request).items():
            app.form.set_value(field_id, value)
        app.notify(
            f"form filled from the pasted request: {doctor.visible(request.method)} {doctor.visible(request.path)}"
        )

    app.push_screen(DoctorScreen(secret_key=state.secret_key, access_key_id=state.access_key_id), callback=fill)
