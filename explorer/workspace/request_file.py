"""Request files: one request per file, in TOML that diffs well, with no secret in it.

    # mp-explorer request
    format = 1
    endpoint = "SendPushMessage"
    method = "POST"
    path = "/mp-api/v1/apps/{appId}/message/send"
    query = []
    body = '''
    {"pushToken":"{pushToken}","templateId":"tpl_1"}'''
    target = "sandbox"
    timeout = "10"
    ts = "clock"
    app_id = "mpdemo9c23fdee63"
    access_key_id = "ak_3469ea4ea9a4f5d83092"
    secret_key = "${MP_SECRET_KEY}"
    private_key = "~/keys/mp.pem"
    passphrase = "${MP_PRIVATE_KEY_PASSPHRASE}"

The secret key and the passphrase are written only as references to environment variables (resolved
on opening from the env files and the environment); the private key only as a path. A pasted PEM is
never written. The body is kept byte for byte: a multi-line literal when it is plain text, an
escaped string when it holds control characters, `body_base64` when it is not UTF-8. The query is
the query field's lines. Written by hand here (the stdlib reads TOML but does not write it); read
with tomllib.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from explorer import environment
from explorer.workspace.capped_read import read_capped

FORMAT = 1
SUFFIX = ".request.toml"
HEADER = "# mp-explorer request: no secrets here (the secret key and passphrase are ${VARIABLE} references)"
SANDBOX_TARGET = "sandbox"
CLOCK = "clock"
DEFAULT_SECRET_REF = "${" + environment.SECRET_KEY + "}"
DEFAULT_PASSPHRASE_REF = "${" + environment.PRIVATE_KEY_PASSPHRASE + "}"
MAX_REQUEST_FILE_BYTES = 4 * 1024 * 1024
_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_STRING_KEYS = ("endpoint", "method", "path", "target", "timeout", "app_id", "access_key_id", "file")
_KEYS = {*_STRING_KEYS, "format", "query", "body", "body_base64", "ts", "secret_key", "private_key", "passphrase"}


class RequestFileError(ValueError):
    """A request file that cannot be written or read; the message names the file and the key."""


@dataclass(frozen=True)
class SavedRequest:
    """One request as a file holds it. `body` is exact bytes; `ts` None follows the clock.

    `secret_key_ref` / `passphrase_ref` are "${NAME}" references or ""; `private_key` is a path or "".
    `target` is SANDBOX_TARGET or a base URL.
    """

    endpoint: str | None = None
    method: str = "GET"
    path: str = ""
    query: str = ""
    body: bytes = b""
    target: str = SANDBOX_TARGET
    timeout: str = "10"
    ts: int | None = None
    app_id: str = ""
    access_key_id: str = ""
    secret_key_ref: str = ""
    private_key: str = ""
    passphrase_ref: str = ""
    file: str = ""

    @property
    def body_text(self) -> str | None:
        """The body as text when it is UTF-8, else None (a form cannot show it as typed)."""
        try:
            return self.body.decode("utf-8")
        except UnicodeDecodeError:
            return None


# --- writing -----------------------------------------------------------------------------------


def _basic(text: str) -> str:
    """A TOML basic string: quotes, backslashes and every control character escaped."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "\r":
            out.append("\\r")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        elif 0xD800 <= code <= 0xDFFF:
            raise ValueError("a lone surrogate")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _plain_multiline(text: str) -> bool:
    # A multi-line literal holds the text verbatim: no control characters but tab and LF, no ''',
    # and no quote at the very end (it would merge with the closing delimiter).
    if "'''" in text or text.endswith("'"):
        return False
    return all(char in "\t\n" or (0x20 <= ord(char) != 0x7F and not 0xD800 <= ord(char) <= 0xDFFF) for char in text)


def _quoted(key: str, value: str) -> str:
    try:
        return _basic(value)
    except ValueError:
        raise RequestFileError(f"{key}: holds a character that is not text (a lone surrogate); cannot save") from None


def _string_line(key: str, value: str) -> str:
    return f"{key} = {_quoted(key, value)}"


def _body_lines(body: bytes) -> list[str]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        encoded = base64.b64encode(body).decode("ascii")
        chunks = [encoded[i : i + 76] for i in range(0, len(encoded), 76)] or [""]
        # Concatenated on reading; split so a changed byte is a one-line diff.
        return ["body_base64 = [", *(f'  "{chunk}",' for chunk in chunks), "]"]
    if not text:
        return ['body = ""']
    if "\n" in text and _plain_multiline(text):
        return [f"body = '''\n{text}'''"]
    return [_string_line("body", text)]


def _reference(value: str, key: str) -> str:
    if value and not _REFERENCE.fullmatch(value):
        raise RequestFileError(f"{key}: only a ${{VARIABLE}} reference is written, never a value")
    return value


def render(request: SavedRequest) -> str:
    """The file's text for a request (raises RequestFileError for a value that cannot be written)."""
    private_key = request.private_key
    if "-----BEGIN" in private_key or "PRIVATE KEY" in private_key:
        raise RequestFileError("private_key: a pasted key is never written; give its path instead")
    lines = [HEADER, f"format = {FORMAT}"]
    if request.endpoint:
        lines.append(_string_line("endpoint", request.endpoint))
    lines.append(_string_line("method", request.method))
    lines.append(_string_line("path", request.path))
    query_lines = request.query.split("\n") if request.query else []
    if query_lines:
        lines.append("query = [")
        lines.extend(f"  {_quoted('query', line)}," for line in query_lines)
        lines.append("]")
    else:
        lines.append("query = []")
    lines.extend(_body_lines(request.body))
    if request.file:
        lines.append(_string_line("file", request.file))
    lines.append(_string_line("target", request.target))
    lines.append(_string_line("timeout", request.timeout))
    lines.append(f'ts = "{CLOCK}"' if request.ts is None else f"ts = {int(request.ts)}")
    lines.append(_string_line("app_id", request.app_id))
    lines.append(_string_line("access_key_id", request.access_key_id))
    lines.append(_string_line("secret_key", _reference(request.secret_key_ref, "secret_key")))
    lines.append(_string_line("private_key", private_key))
    lines.append(_string_line("passphrase", _reference(request.passphrase_ref, "passphrase")))
    return "\n".join(lines) + "\n"


def save(request: SavedRequest, path: Path) -> Path:
    """Write the file atomically (a reader never sees half of it); returns the path written."""
    text = render(request)
    path = path.expanduser()
    if path.is_dir():
        raise RequestFileError(f"{path}: is a directory; give a file name ending in {SUFFIX}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        tmp.write_text(text, encoding="utf-8", newline="\n")
        os.replace(tmp, path)
    except OSError as exc:
        raise RequestFileError(f"{path}: cannot write it: {(exc.strerror or str(exc)).lower()}") from None
    return path


# --- reading -----------------------------------------------------------------------------------


def _string(data: dict[str, Any], key: str, default: str = "") -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise RequestFileError(f"{key}: expected a string, got {type(value).__name__}")
    return value


def parse(text: str, shown: str = "request file") -> SavedRequest:
    """A SavedRequest from a file's text; RequestFileError names the key that is wrong."""
    import tomllib  # loaded when a file is read: recording a send needs this module, not the reader

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RequestFileError(f"{shown}: not a request file ({exc})") from None
    if data.get("format") != FORMAT:
        raise RequestFileError(f"{shown}: format: expected {FORMAT}, got {data.get('format')!r}")
    unknown = sorted(key for key in data if key not in _KEYS)
    if unknown:
        raise RequestFileError(f"{shown}: {unknown[0][:40]}: not a key of a request file")
    values = {key: _string(data, key) for key in _STRING_KEYS if key in data}
    query = data.get("query", [])
    if not isinstance(query, list) or not all(isinstance(line, str) for line in query):
        raise RequestFileError(f"{shown}: query: expected a list of strings (one name=value each)")
    if "body" in data and "body_base64" in data:
        raise RequestFileError(f"{shown}: body and body_base64: give one of them")
    body = b""
    if "body_base64" in data:
        chunks = data["body_base64"]
        if isinstance(chunks, str):
            chunks = [chunks]
        if not isinstance(chunks, list) or not all(isinstance(chunk, str) for chunk in chunks):
            raise RequestFileError(f"{shown}: body_base64: expected base64 text (a string or a list of them)")
        try:
            body = base64.b64decode("".join(chunks), validate=True)
        except ValueError:
            raise RequestFileError(f"{shown}: body_base64: not base64") from None
    elif "body" in data:
        try:
            body = _string(data, "body").encode("utf-8")
        except UnicodeEncodeError:
            raise RequestFileError(f"{shown}: body: not text") from None
    ts_value = data.get("ts", CLOCK)
    if ts_value == CLOCK:
        ts = None
    elif isinstance(ts_value, int) and not isinstance(ts_value, bool) and 0 <= ts_value < 10**11:
        ts = ts_value
    else:
        raise RequestFileError(f'{shown}: ts: expected "{CLOCK}" or Unix seconds, got {ts_value!r}'[:200])
    secret_ref = _string(data, "secret_key")
    passphrase_ref = _string(data, "passphrase")
    for key, ref in (("secret_key", secret_ref), ("passphrase", passphrase_ref)):
        if ref and not _REFERENCE.fullmatch(ref):
            # Never echo it: it may be the secret itself.
            raise RequestFileError(
                f"{shown}: {key}: must be a ${{VARIABLE}} reference such as {DEFAULT_SECRET_REF}; "
                "a request file never holds the value (remove it from the file)"
            )
    private_key = _string(data, "private_key")
    if "-----BEGIN" in private_key or "PRIVATE KEY" in private_key:
        raise RequestFileError(f"{shown}: private_key: must be a path; a request file never holds the key")
    return SavedRequest(
        endpoint=values.get("endpoint") or None,
        method=values.get("method", "GET"),
        path=values.get("path", ""),
        query="\n".join(query),
        body=body,
        target=values.get("target", SANDBOX_TARGET) or SANDBOX_TARGET,
        timeout=values.get("timeout", "10"),
        ts=ts,
        app_id=values.get("app_id", ""),
        access_key_id=values.get("access_key_id", ""),
        secret_key_ref=secret_ref,
        private_key=private_key,
        passphrase_ref=passphrase_ref,
        file=values.get("file", ""),
    )


def load(path: Path) -> SavedRequest:
    """Read and parse a request file (bounded in size); RequestFileError names what is wrong."""
    shown = str(path)
    data = read_capped(
        path.expanduser(), MAX_REQUEST_FILE_BYTES, shown=shown, kind="a request file", error=RequestFileError
    )
    if len(data) > MAX_REQUEST_FILE_BYTES:
        raise RequestFileError(f"{shown}: more than {MAX_REQUEST_FILE_BYTES // (1024 * 1024)} MiB; not a request file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RequestFileError(f"{shown}: not UTF-8 text (byte {exc.start})") from None
    return parse(text, shown)


def resolve(reference: str, lookup: Callable[[str], str | None]) -> tuple[str, str | None]:
    """(value, problem): a ${NAME} reference looked up; problem says when NAME is unset."""
    match = _REFERENCE.fullmatch(reference)
    if not match:
        return "", None
    value = lookup(match.group(1))
    if value is None:
        return "", f"{match.group(1)} is not set (in an env file or the environment)"
    return value, None


def request_files(folder: Path, limit: int = 500) -> list[Path]:
    """The request files in a folder (not recursive), sorted by name; at most `limit`."""
    try:
        found = sorted(p for p in folder.expanduser().iterdir() if p.name.endswith(SUFFIX) and p.is_file())
    except OSError:
        return []
    return found[:limit]


def default_name(request: SavedRequest) -> str:
    """A file name for a request: its endpoint (or method) in lower case, with the suffix."""
    stem = request.endpoint or request.method or "request"
    return re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-").lower() + SUFFIX


def with_refs(request: SavedRequest, *, has_secret: bool, has_passphrase: bool) -> SavedRequest:
    """Fill the default references for secrets the form holds (their values are never written)."""
    return replace(
        request,
        secret_key_ref=request.secret_key_ref or (DEFAULT_SECRET_REF if has_secret else ""),
        passphrase_ref=request.passphrase_ref or (DEFAULT_PASSPHRASE_REF if has_passphrase else ""),
    )
