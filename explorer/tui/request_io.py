"""The form and a request file (or a history row), both ways. No Textual here: pure functions.

Saving keeps what the form holds except secrets: the secret key and passphrase become ${VARIABLE}
references (the ones the opened file used, else MP_SECRET_KEY / MP_PRIVATE_KEY_PASSPHRASE), a
pasted PEM is left out (a path is kept), and the embedded sandbox's URL (a new port each launch)
is written as `target = "sandbox"`. Opening resolves the references from env files and the
environment and says which are unset.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from explorer import signing
from explorer.endpoints import BY_NAME, MULTIPART
from explorer.tui.model import FormState
from explorer.workspace import request_file
from explorer.workspace.history import HistoryEntry
from explorer.workspace.request_file import SANDBOX_TARGET, SavedRequest


def _is_pem(text: str) -> bool:
    return "-----BEGIN" in text or "PRIVATE KEY" in text


@dataclass(frozen=True)
class SaveResult:
    request: SavedRequest
    notes: tuple[str, ...] = ()


def saved_from_form(
    state: FormState,
    *,
    ts_pinned: bool,
    sandbox_url: str | None,
    previous: SavedRequest | None = None,
) -> SaveResult:
    """The request file for what the form holds now (never a secret's value)."""
    notes: list[str] = []
    endpoint = BY_NAME.get(state.endpoint or "")
    multipart = endpoint is not None and endpoint.content_type == MULTIPART
    target = state.target.strip()
    if sandbox_url is not None and target.rstrip("/") == sandbox_url.rstrip("/"):
        target = SANDBOX_TARGET
    private_key = state.private_key.strip()
    if _is_pem(private_key):
        notes.append("the pasted private key is not saved (a request file keeps a path only)")
        private_key = ""
    ts: int | None = None
    if ts_pinned:
        try:
            ts = int(state.ts.strip())
        except ValueError:
            notes.append(f"ts {state.ts.strip()[:20]!r} is not Unix seconds; saved as following the clock")
    if state.secret_key:
        notes.append("the secret key is saved as a reference, never its value")
    saved = SavedRequest(
        endpoint=endpoint.name if endpoint else None,
        method=state.method,
        path=state.path,
        query=state.query,
        # UploadFile's body box shows a summary of the built body; the file path rebuilds it.
        body=b"" if multipart else state.body.encode("utf-8", "surrogatepass"),
        target=target or SANDBOX_TARGET,
        timeout=state.timeout,
        ts=ts,
        app_id=state.app_id,
        access_key_id=state.access_key_id,
        secret_key_ref=previous.secret_key_ref if previous else "",
        private_key=private_key,
        passphrase_ref=previous.passphrase_ref if previous else "",
        file=state.file if multipart else "",
    )
    saved = request_file.with_refs(saved, has_secret=bool(state.secret_key), has_passphrase=bool(state.passphrase))
    return SaveResult(saved, tuple(notes))


@dataclass(frozen=True)
class FormFill:
    """What opening a request file puts in the form: field id -> text, the ts pin, and what to say."""

    endpoint: str | None
    values: dict[str, str] = field(default_factory=dict)
    ts: int | None = None
    to_sandbox: bool = True
    problems: tuple[str, ...] = ()


def form_fill(saved: SavedRequest, lookup: Callable[[str], str | None], *, sandbox_url: str | None) -> FormFill:
    """The form's values for a request file; secrets come from `lookup` (env files, then the environment)."""
    problems: list[str] = []
    body = saved.body_text
    if body is None:
        problems.append("the body is not UTF-8 text and the body field holds text; it is left as it was")
    to_sandbox = saved.target == SANDBOX_TARGET
    values: dict[str, str] = {
        "method": saved.method,
        "path": saved.path,
        "query": saved.query,
        "timeout": saved.timeout,
        "app-id": saved.app_id,
        "access-key-id": saved.access_key_id,
        "private-key": saved.private_key,
        "file": saved.file,
    }
    if body is not None:
        values["body"] = body
    if to_sandbox:
        if sandbox_url is not None:
            values["target"] = sandbox_url
        else:
            problems.append("this request targets the embedded sandbox, which is not running; target unchanged")
    else:
        values["target"] = saved.target
    for field_id, reference in (("secret-key", saved.secret_key_ref), ("passphrase", saved.passphrase_ref)):
        value, problem = request_file.resolve(reference, lookup)
        if problem and field_id == "secret-key" and to_sandbox and sandbox_url is not None:
            # Nothing to say: the field keeps the running sandbox's own key, which signs its requests.
            continue
        if problem:
            # The field keeps what it holds.
            problems.append(f"{field_id.replace('-', ' ')}: {problem}")
        elif reference:
            values[field_id] = value
    if saved.ts is not None:
        values["ts"] = str(saved.ts)
    return FormFill(saved.endpoint, values, saved.ts, to_sandbox, tuple(problems))


# --- the send history ------------------------------------------------------------------------


def history_form(state: FormState, *, sandbox_url: str | None, ts: int | None) -> dict[str, object]:
    """The form values a history row keeps beside the wire request (no secret among them)."""
    target = state.target.strip()
    if sandbox_url is not None and target.rstrip("/") == sandbox_url.rstrip("/"):
        target = SANDBOX_TARGET
    return {
        "target": target,
        "app_id": state.app_id,
        "timeout": state.timeout,
        "file": state.file,
        "ts": ts,
    }


def history_fill(entry: HistoryEntry, *, sandbox_url: str | None) -> FormFill:
    """The form's values that send `entry` again byte for byte: the path and query as sent, the body,
    the ts pinned to the token's (the secret key is whatever the form holds now)."""
    problems: list[str] = []
    parts = urlsplit(entry.url)
    form = entry.form
    values: dict[str, str] = {
        "method": entry.method,
        "path": parts.path,
        # The query string exactly as sent: one line, read back with the same decoding the server uses.
        "query": parts.query,
        "app-id": str(form.get("app_id") or ""),
        "timeout": str(form.get("timeout") or "10"),
        "file": str(form.get("file") or ""),
    }
    endpoint = BY_NAME.get(entry.endpoint or "")
    multipart = endpoint is not None and endpoint.content_type == MULTIPART
    if not multipart:
        try:
            values["body"] = entry.body.decode("utf-8")
        except UnicodeDecodeError:
            problems.append("the body sent was not UTF-8 text; the body field is left as it was")
        if entry.body_truncated:
            problems.append("the body was too large to keep whole; what is loaded is its start")
    payload = _token_payload(entry.token)
    issuer = payload.get("iss")
    if isinstance(issuer, str):
        values["access-key-id"] = issuer
    found = payload.get("ts") if isinstance(payload.get("ts"), int) else form.get("ts")
    ts = found if isinstance(found, int) and not isinstance(found, bool) else None
    if ts is not None:
        values["ts"] = str(ts)
    target = str(form.get("target") or f"{parts.scheme}://{parts.netloc}")
    to_sandbox = target == SANDBOX_TARGET
    if to_sandbox:
        if sandbox_url is not None:
            values["target"] = sandbox_url
        else:
            problems.append("this send went to the embedded sandbox, which is not running; target unchanged")
    else:
        values["target"] = target
    return FormFill(endpoint.name if endpoint else None, values, ts, to_sandbox, tuple(problems))


def _token_payload(token: str | None) -> dict[str, object]:
    """The JWT payload as the server decodes it (no verification), or {}."""
    return signing.decode_payload(token or "") or {}
