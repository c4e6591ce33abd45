"""UploadFile (multipart, one jpg/png) and GetFileStatus (CHECKING, then SUCCESS)."""

from __future__ import annotations

import re
from typing import Any

from starlette.datastructures import UploadFile

from explorer.sandbox import envelope as env
from explorer.sandbox.envelope import ApiError
from explorer.sandbox.limits import MAX_FILE_BYTES, MAX_FILENAME_CHARS
from explorer.sandbox.openapi import Context, route
from explorer.sandbox.validation import invalid, media_type

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
EXTENSIONS = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg"}
# A part header naming its file with the RFC 5987 form only.
_EXTENDED_FILENAME = re.compile(rb"(?im)^content-disposition:[^\r\n]*;\s*filename\*\s*=")


def _sniff(content: bytes) -> str | None:
    if content.startswith(PNG_MAGIC):
        return "png"
    if content.startswith(JPEG_MAGIC):
        return "jpeg"
    return None


@route("POST", "/files/upload")
async def upload_file(ctx: Context) -> dict[str, Any]:
    """Parse the multipart from the same bytes the signature covered; check name, type and size."""
    content_type = ctx.request.headers.get("content-type")
    if media_type(content_type) != "multipart/form-data":
        raise invalid("Content-Type", f"expected multipart/form-data, got {media_type(content_type)!r}", 415)
    # request.form() reads request.stream(), which replays the cached body: the bytes verified above.
    try:
        form = await ctx.request.form(max_files=1, max_fields=10, max_part_size=64 * 1024)
    except Exception as exc:  # python-multipart and Starlette raise several kinds for garbage
        raise invalid("body", f"not valid multipart/form-data ({str(exc)[:160] or type(exc).__name__})") from None
    try:
        files = [(name, value) for name, value in form.multi_items() if isinstance(value, UploadFile)]
        if not files:
            if _EXTENDED_FILENAME.search(ctx.body):
                # Parsers (python-multipart here) read such a part as a plain field, not a file.
                raise invalid(
                    "file",
                    "the file part names its file only with filename*= (RFC 5987), which multipart/form-data "
                    'does not use (RFC 7578 section 4.2); give filename="cover.png" instead',
                )
            raise invalid("file", "no file part in the multipart body")
        field_name, upload = files[0]
        filename = upload.filename or ""
        if not filename:
            raise invalid(field_name, "the file part has no filename")
        if len(filename) > MAX_FILENAME_CHARS:
            raise invalid(field_name, f"filename is {len(filename)} characters; at most {MAX_FILENAME_CHARS}")
        dot = filename.rfind(".")
        extension = filename[dot:].lower() if dot >= 0 else ""
        if extension not in EXTENSIONS:
            raise invalid(field_name, f"only .jpg, .jpeg and .png files are accepted, got {filename!r}")
        content = await upload.read(MAX_FILE_BYTES + 1)
        if not content:
            raise invalid(field_name, "the file is empty")
        if len(content) > MAX_FILE_BYTES:
            raise invalid(field_name, f"the file is over {MAX_FILE_BYTES} bytes (1 MB)")
        kind = _sniff(content)
        if kind is None:
            raise invalid(field_name, "content is neither PNG nor JPEG (magic bytes do not match)")
        if kind != EXTENSIONS[extension]:
            raise invalid(field_name, f"content is {kind.upper()} but the name says {extension}")
        stored = ctx.state.add_file(ctx.app, filename, f"image/{kind}", content)
    finally:
        await form.close()
    return {"fileIds": [stored.file_id]}


@route("GET", "/files/{fileId}")
async def get_file_status(ctx: Context) -> dict[str, Any]:
    stored = ctx.app.files.get(ctx.params["fileId"])
    if stored is None:
        raise ApiError(env.INVALID_FILE_ID, f"invalid fileId: no file {ctx.params['fileId']!r} in this app", 404)
    return {"status": ctx.state.file_status(stored)}
