"""Reading a small file the user names, bounded in size, with one line saying why it could not be read."""

from __future__ import annotations

from pathlib import Path


def read_capped(path: Path, limit: int, *, shown: str, kind: str, error: type[Exception]) -> bytes:
    """At most `limit` + 1 bytes of `path` (so the caller can tell it is too large).

    A directory or an unreadable file raises `error` with "<shown>: ..." naming the `kind` of file expected.
    """
    try:
        with path.open("rb") as handle:
            return handle.read(limit + 1)
    except IsADirectoryError:
        raise error(f"{shown}: is a directory, not {kind}") from None
    except (OSError, ValueError) as exc:
        reason = exc.strerror.lower() if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise error(f"{shown}: cannot read it: {reason}") from None
