"""The send history: every request as sent and what came back, in SQLite under the data directory.

One row per send: when, the endpoint, the request exactly as sent (method, URL, headers with the
token, body bytes), status, envelope code and message, the client's error if any, elapsed time, the
response body up to a cap, and the few form values that are not in the wire request (endpoint, app
id, timeout, UploadFile's path). Never the secret key, the private key, its passphrase or decrypted
user data: the caller hands over the wire request and the answer, nothing else.

Bounded by rows and by bytes (oldest first out); deleted content is overwritten (secure_delete) and
freed pages returned to the file system, so clearing leaves no old token behind in the file. The
file is created 0600.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # sqlite3 loads on the first read or write: the explorer starts with a History it may never open
    import sqlite3

FILE_NAME = "history.sqlite3"
MAX_ROWS = 1000
MAX_BYTES = 32 * 1024 * 1024
MAX_RESPONSE_BYTES = 64 * 1024
# An UploadFile body (a 1 MB image plus multipart) fits; past this only the start is kept.
MAX_REQUEST_BODY_BYTES = 2 * 1024 * 1024
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sends (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sent_at REAL NOT NULL,
    endpoint TEXT,
    method TEXT NOT NULL,
    url TEXT NOT NULL,
    headers TEXT NOT NULL,
    body BLOB NOT NULL,
    body_truncated INTEGER NOT NULL DEFAULT 0,
    token TEXT,
    status INTEGER,
    code TEXT,
    message TEXT,
    error TEXT,
    elapsed REAL,
    response BLOB NOT NULL,
    response_truncated INTEGER NOT NULL DEFAULT 0,
    form TEXT NOT NULL,
    size INTEGER NOT NULL
);
"""


class HistoryError(RuntimeError):
    """The history cannot be opened or written (the message names the file and why)."""


@dataclass(frozen=True)
class HistoryEntry:
    """One send as recorded."""

    id: int
    sent_at: float
    endpoint: str | None
    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    body_truncated: bool
    token: str | None
    status: int | None
    code: str | None
    message: str | None
    error: str | None
    elapsed: float | None
    response: bytes
    response_truncated: bool
    form: dict[str, Any] = field(default_factory=dict)

    @property
    def outcome(self) -> str:
        """'200 000000', '401 900002', or the client's error."""
        if self.error:
            return self.error
        return " ".join(str(part) for part in (self.status, self.code) if part is not None) or "no answer"


def default_path() -> Path:
    """history.sqlite3 in the data directory ($MP_EXPLORER_HOME, else the user data dir)."""
    from explorer.sandbox.demo import data_home

    return data_home() / FILE_NAME


class History:
    """The history database; every method opens, works and closes (no connection is held)."""

    def __init__(
        self,
        path: Path | None = None,
        *,
        max_rows: int = MAX_ROWS,
        max_bytes: int = MAX_BYTES,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self._path = path
        self.max_rows = max_rows
        self.max_bytes = max_bytes
        self.max_response_bytes = max_response_bytes

    @property
    def path(self) -> Path:
        """The database file; the default is looked up on first use (the data directory's lookup
        loads the sandbox's demo module and platformdirs, which the explorer's first frame does not need)."""
        if self._path is None:
            self._path = default_path()
        return self._path

    @contextlib.contextmanager
    def _connect(self, *, create: bool = True) -> Iterator[sqlite3.Connection]:
        import sqlite3

        if not create and not self.path.exists():
            raise FileNotFoundError(self.path)
        try:
            if create and not self.path.exists():
                self.path.parent.mkdir(parents=True, exist_ok=True)
                # Tokens and data tokens are in here: readable by the owner only, from the first byte.
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
            connection = sqlite3.connect(self.path, timeout=2.0, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise HistoryError(f"history {self.path}: cannot open it: {exc}") from None
        try:
            connection.execute("PRAGMA secure_delete = ON")
            # A history row lost to a power cut costs little; a sync per step cost ~40 ms a send. A file
            # left damaged reads as a HistoryError, and clear() then removes it.
            connection.execute("PRAGMA synchronous = OFF")
            if connection.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                connection.execute("PRAGMA auto_vacuum = INCREMENTAL")
                connection.executescript(_SCHEMA)
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                connection.execute("VACUUM")  # auto_vacuum takes effect on an empty database only after this
            yield connection
        except sqlite3.Error as exc:
            raise HistoryError(f"history {self.path}: {exc}") from None
        finally:
            connection.close()

    # --- writing -------------------------------------------------------------------------------

    def record(
        self,
        *,
        method: str,
        url: str,
        headers: tuple[tuple[str, str], ...] | list[tuple[str, str]],
        body: bytes,
        status: int | None,
        code: str | None,
        message: str | None,
        error: str | None,
        elapsed: float | None,
        response: bytes,
        endpoint: str | None = None,
        form: dict[str, Any] | None = None,
        sent_at: float | None = None,
    ) -> int:
        """Add one send and trim to the caps; returns its id."""
        token = next((value for name, value in headers if name.lower() == "x-mp-open-api-token"), None)
        kept_body = body[:MAX_REQUEST_BODY_BYTES]
        kept_response = response[: self.max_response_bytes]
        # ASCII JSON: a lone surrogate (a server's "\ud800") is stored as its escape, never an encoding error.
        headers_json = json.dumps([list(pair) for pair in headers])
        form_json = json.dumps(form or {}, sort_keys=True)
        size = len(kept_body) + len(kept_response) + len(headers_json) + len(url) + len(form_json) + 64
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")  # one commit (one sync) for the row and the trim
            cursor = db.execute(
                "INSERT INTO sends (sent_at, endpoint, method, url, headers, body, body_truncated, token, status,"
                " code, message, error, elapsed, response, response_truncated, form, size)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    time.time() if sent_at is None else sent_at,
                    _storable(endpoint),
                    _storable(method),
                    _storable(url),
                    headers_json,
                    kept_body,
                    len(kept_body) < len(body),
                    _storable(token),
                    status,
                    _storable(code),
                    _storable(message),
                    _storable(error),
                    elapsed,
                    kept_response,
                    len(kept_response) < len(response),
                    form_json,
                    size,
                ),
            )
            new_id = int(cursor.lastrowid or 0)
            self._trim(db)
            db.execute("COMMIT")
            db.execute("PRAGMA incremental_vacuum").fetchall()  # each step frees pages: step them all
        return new_id

    def record_exchange(self, exchange: Any, *, endpoint: str | None = None, form: dict[str, Any] | None = None) -> int:
        """record() from an explorer.client.Exchange (the request as sent and what came back)."""
        wire = exchange.request
        error = None
        if exchange.error_kind is not None:
            error = f"{exchange.error_kind}: {exchange.error}" if exchange.error else str(exchange.error_kind)
        return self.record(
            method=wire.method,
            url=wire.url,
            headers=list(exchange.sent_headers or wire.headers),
            body=wire.body,
            status=exchange.status,
            code=exchange.code,
            message=exchange.message,
            error=error,
            elapsed=exchange.elapsed,
            response=exchange.body or b"",
            endpoint=endpoint,
            form=form,
        )

    def _trim(self, db: sqlite3.Connection) -> None:
        rows, total = db.execute("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM sends").fetchone()
        if rows <= self.max_rows and total <= self.max_bytes:
            return
        # Newest to oldest: the first row past either cap goes, and every older one with it (the
        # newest row always stays, however large).
        kept = 0
        for index, (row_id, size) in enumerate(db.execute("SELECT id, size FROM sends ORDER BY id DESC").fetchall()):
            kept += size
            if index > 0 and (index >= self.max_rows or kept > self.max_bytes):
                db.execute("DELETE FROM sends WHERE id <= ?", (row_id,))
                break

    def clear(self) -> int:
        """Delete every row, overwrite the freed pages and shrink the file; returns how many went."""
        if not self.path.exists():
            return 0
        try:
            with self._connect() as db:
                cleared = int(db.execute("SELECT COUNT(*) FROM sends").fetchone()[0])
                db.execute("DELETE FROM sends")
                db.execute("VACUUM")
        except HistoryError:
            # Not a database we can read (damaged, or not ours): the file goes, and with it what it held.
            try:
                self.path.unlink()
            except OSError as exc:
                raise HistoryError(f"history {self.path}: cannot remove it: {exc.strerror or exc}") from None
            return 0
        return cleared

    # --- reading -------------------------------------------------------------------------------

    def entries(self, limit: int = 200) -> list[HistoryEntry]:
        """The newest `limit` sends, newest first."""
        if not self.path.exists():
            return []
        with self._connect() as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM sends ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [_entry(row) for row in rows]

    def summaries(self, limit: int = 200) -> list[HistoryEntry]:
        """Like entries(), without the bodies and headers (a list view reads no blobs)."""
        if not self.path.exists():
            return []
        with self._connect() as db:
            rows = db.execute(f"SELECT {_SUMMARY_COLUMNS} FROM sends ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [_entry(row) for row in rows]

    def get(self, entry_id: int) -> HistoryEntry | None:
        if not self.path.exists():
            return None
        with self._connect() as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM sends WHERE id = ?", (entry_id,)).fetchone()
        return _entry(row) if row else None

    def stats(self) -> tuple[int, int]:
        """(rows, bytes counted against the cap)."""
        if not self.path.exists():
            return 0, 0
        with self._connect() as db:
            rows, total = db.execute("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM sends").fetchone()
        return int(rows), int(total)


_COLUMNS = (
    "id, sent_at, endpoint, method, url, headers, body, body_truncated, token, status, code, message, error,"
    " elapsed, response, response_truncated, form"
)


def _storable(text: str | None) -> str | None:
    """Text SQLite can store as UTF-8: a lone surrogate becomes its backslash escape."""
    return None if text is None else text.encode("utf-8", "backslashreplace").decode("utf-8")


_SUMMARY_COLUMNS = (
    "id, sent_at, endpoint, method, url, '[]', X'', body_truncated, NULL, status, code, message, error,"
    " elapsed, X'', response_truncated, '{}'"
)


def _entry(row: tuple[Any, ...]) -> HistoryEntry:
    try:
        headers = tuple((str(name), str(value)) for name, value in json.loads(row[5]))
    except (ValueError, TypeError):
        headers = ()
    try:
        form = json.loads(row[16])
    except ValueError:
        form = {}
    return HistoryEntry(
        id=int(row[0]),
        sent_at=float(row[1]),
        endpoint=row[2],
        method=str(row[3]),
        url=str(row[4]),
        headers=headers,
        body=bytes(row[6]),
        body_truncated=bool(row[7]),
        token=row[8],
        status=row[9],
        code=row[10],
        message=row[11],
        error=row[12],
        elapsed=row[13],
        response=bytes(row[14]),
        response_truncated=bool(row[15]),
        form=form if isinstance(form, dict) else {},
    )
