"""UploadFile's body: one file as multipart/form-data, built byte for byte, and a summary of it.

Pure apart from reading the chosen file (bounded, regular files only, cached by size and mtime).
No UI, no network. The bytes built here are the bytes hashed for the signature and sent.
"""

from __future__ import annotations

import functools
import hashlib
import os
import stat
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from explorer.plurals import plural
from explorer.signing import SigningInputError

FIELD_NAME = "file"
SAMPLE_NAME = "sample.png"
API_MAX_BYTES = 1024 * 1024  # UploadFile takes at most 1 MB
READ_LIMIT = 8 * 1024 * 1024  # read no more than this: a bigger file is refused before the send
CONTENT_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


@dataclass(frozen=True)
class FilePart:
    """One file to upload: its name as sent, its media type and its bytes."""

    filename: str
    content_type: str
    data: bytes = field(repr=False)
    sample: bool = False


@dataclass(frozen=True)
class Multipart:
    """A built multipart body and the Content-Type header that goes with it."""

    body: bytes = field(repr=False)
    content_type: str
    boundary: str
    part: FilePart


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


@functools.cache
def sample_png() -> bytes:
    """A 4x4 PNG (a yellow square), generated: the built-in file UploadFile sends by default."""
    width = height = 4
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    row = b"\x00" + bytes((0xF0, 0xB9, 0x0B)) * width  # filter byte, then the pixels
    pixels = zlib.compress(row * height, 9)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", pixels) + _png_chunk(b"IEND", b"")


def sample_part() -> FilePart:
    return FilePart(SAMPLE_NAME, "image/png", sample_png(), sample=True)


def _header_filename(name: str) -> str:
    # A quote or a line end would end the header early; encode them as browsers do.
    return name.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def _shown(text: str) -> str:
    """A path as it may be shown: quoted, control characters escaped, at most 80 characters of it."""
    return repr(text) if len(text) <= 80 else repr(text[:80]) + "…"


def load_part(path_text: str) -> FilePart:
    """The file named by the 'file' field; an empty field means the built-in sample image.

    SigningInputError('file', ...) when it cannot be read as one regular file of a sane size.
    """
    text = path_text.strip()
    if not text:
        return sample_part()
    try:
        path = Path(text).expanduser()
    except RuntimeError:  # "~user/..." for a user this machine does not know
        path = Path(text)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise SigningInputError("file", f"{_shown(text)} does not exist") from None
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise SigningInputError("file", f"{_shown(text)} cannot be read ({why})") from None
    except ValueError:  # a NUL in the path: no file can have that name
        raise SigningInputError("file", f"{_shown(text)} holds a NUL character, which no file name can") from None
    if not stat.S_ISREG(info.st_mode):
        raise SigningInputError("file", f"{_shown(text)} is not a regular file")
    if info.st_size > READ_LIMIT:
        raise SigningInputError("file", f"{_shown(text)} is {info.st_size:,} bytes; UploadFile takes at most 1 MB")
    return _read(str(path), info.st_mode, info.st_size, info.st_mtime_ns, info.st_ino)


@functools.lru_cache(maxsize=8)
def _read(path: str, _mode: int, size: int, _mtime_ns: int, _ino: int) -> FilePart:
    # Cached by size, mtime and inode: every keystroke recomputes the stages, and the file rarely changes.
    try:
        with open(path, "rb") as handle:
            data = handle.read(READ_LIMIT + 1)
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise SigningInputError("file", f"{_shown(path)} cannot be read ({why})") from None
    if len(data) > READ_LIMIT:
        raise SigningInputError("file", f"{_shown(path)} is over {READ_LIMIT:,} bytes; UploadFile takes at most 1 MB")
    name = os.path.basename(path)
    content_type = CONTENT_TYPES.get(os.path.splitext(name)[1].lower(), "application/octet-stream")
    return FilePart(name, content_type, data)


@functools.lru_cache(maxsize=4)
def build(part: FilePart) -> Multipart:
    """The multipart/form-data body holding `part`; the boundary is derived from the content,
    so the same file gives the same bytes (and the same payload hash) on every keystroke."""
    seed = hashlib.sha256(part.filename.encode("utf-8", "surrogateescape") + b"\0" + part.data).hexdigest()
    boundary = "mpx-" + seed[:28]
    while boundary.encode("ascii") in part.data:  # never in practice; still, a boundary must not occur
        boundary += "x"
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="{FIELD_NAME}"; filename="{_header_filename(part.filename)}"\r\n'
        f"Content-Type: {part.content_type}\r\n\r\n"
    ).encode("utf-8", "surrogateescape")
    body = head + part.data + f"\r\n--{boundary}--\r\n".encode("ascii")
    return Multipart(body, f"multipart/form-data; boundary={boundary}", boundary, part)


@functools.lru_cache(maxsize=4)
def summary(built: Multipart) -> str:
    """What the body box shows: the multipart text with the binary part summarised, never pasted."""
    part = built.part
    digest = hashlib.sha256(part.data).hexdigest()
    origin = "built-in sample image" if part.sample else "file"
    lines = [
        f"# multipart/form-data: {plural(len(built.body), 'byte')} sent and hashed as they are",
        f"--{built.boundary}",
        f'Content-Disposition: form-data; name="{FIELD_NAME}"; filename="{_header_filename(part.filename)}"',
        f"Content-Type: {part.content_type}",
        "",
        f"<{origin}: {plural(len(part.data), 'byte')}, sha256 {digest[:16]}…>",
        f"--{built.boundary}--",
    ]
    if len(part.data) > API_MAX_BYTES:
        lines.append(f"# note: over 1 MB ({plural(len(part.data), 'byte')}); the API refuses it")
    return "\n".join(lines)
