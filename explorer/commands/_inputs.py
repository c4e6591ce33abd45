"""Reading what the user points a command at, with every failure turned into a UsageError."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator

from explorer.commands.errors import UsageError

TYPE_CHECKING = False  # typing stays unloaded: annotations only
if TYPE_CHECKING:
    from typing import TextIO

# Past this a file is not a key, a token or a body anyone means to sign by hand.
MAX_INPUT_BYTES = 64 * 1024 * 1024


def _describe(exc: OSError | ValueError) -> str:
    if isinstance(exc, IsADirectoryError):
        return "it is a directory, not a file"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc)


STDIN_PATHS = ("/dev/stdin", "/dev/fd/0", "/proc/self/fd/0")


def is_stdin(path: str) -> bool:
    """'-', /dev/stdin and the like, or any path that is the very file stdin reads."""
    if path == "-" or path in STDIN_PATHS:
        return True
    try:
        here, there = os.stat(path), os.fstat(sys.stdin.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def read_bytes(path: str, flag: str) -> bytes:
    """The bytes of a file, or of stdin for '-'; a UsageError naming `flag` when unreadable."""
    try:
        if path == "-":
            stream = getattr(sys.stdin, "buffer", None)
            data = stream.read(MAX_INPUT_BYTES + 1) if stream is not None else sys.stdin.read().encode()
        else:
            with open(path, "rb") as handle:
                data = handle.read(MAX_INPUT_BYTES + 1)
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        where = "stdin" if path == "-" else repr(path)
        raise UsageError(f"{flag}: cannot read {where}: {_describe(exc)}") from None
    if len(data) > MAX_INPUT_BYTES:
        raise UsageError(f"{flag}: more than {MAX_INPUT_BYTES // (1024 * 1024)} MiB; that is not a usable input")
    return data


def read_secret_file(path: str, flag: str) -> str:
    """A secret from a file: UTF-8 text with one trailing newline cut. Never echoes the content."""
    data = read_bytes(path, flag)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{flag}: {path!r} is not UTF-8 text (byte {exc.start})") from None
    text = text.removesuffix("\n").removesuffix("\r") if text.endswith("\n") else text
    if not text:
        raise UsageError(f"{flag}: {path!r} is empty")
    return text


@contextlib.contextmanager
def signing_errors_as_usage() -> Iterator[None]:
    """Report signing.SigningInputError as `mp-explorer: error: <field>: <message>`, exit 2."""
    from explorer.signing import SigningInputError

    try:
        yield
    except SigningInputError as exc:
        raise UsageError(str(exc)) from None


def use_color(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def can_encode(stream: TextIO, text: str) -> bool:
    """True when `stream`'s encoding can write `text` as it is (PYTHONIOENCODING=latin-1 cannot write CJK)."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True
