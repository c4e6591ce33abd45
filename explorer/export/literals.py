"""Source-code literals that carry text and bytes exactly, in ASCII, for each target language.

Every literal is plain ASCII (non-ASCII and control characters escaped), so a program survives
any editor, terminal or clipboard, and the bytes it rebuilds are the bytes that were signed.
"""

from __future__ import annotations

import base64


def _is_text(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def py_str(text: str) -> str:
    """A Python str literal (ascii() escapes everything outside printable ASCII)."""
    return ascii(text)


def js_str(text: str) -> str:
    """A JavaScript string literal: UTF-16 escapes, so astral characters become surrogate pairs."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
    out.append('"')
    return "".join(out)


def go_str(text: str) -> str:
    """A Go interpreted string literal."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        elif code < 0x80:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def java_str(text: str) -> str:
    """A Java string literal.

    Java turns \\uXXXX into characters before it reads the source, so \\u000a would end the line
    and \\u0022 the string: ASCII controls are written as octal escapes instead.
    """
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        elif code < 0x80:
            out.append(f"\\{code:03o}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
    out.append('"')
    return "".join(out)


# A class file holds a string constant of at most 65535 bytes: longer text is joined at run time.
JAVA_CHUNK = 8000


def java_long_str(text: str) -> str:
    """A Java String expression for text of any length (chunks of JAVA_CHUNK characters)."""
    if len(text) <= JAVA_CHUNK:
        return java_str(text)
    chunks: list[str] = []
    start = 0
    while start < len(text):
        end = min(start + JAVA_CHUNK, len(text))
        chunks.append(java_str(text[start:end]))
        start = end
    return 'String.join("", new String[] {\n            ' + ",\n            ".join(chunks) + "})"


def php_str(text: str) -> str:
    """A PHP double-quoted string literal ("\\u{...}" gives the character's UTF-8 bytes)."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in '"\\$':
            out.append("\\" + ch)
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        elif code < 0x80:
            out.append(f"\\x{code:02x}")
        else:
            out.append(f"\\u{{{code:x}}}")
    out.append('"')
    return "".join(out)


def body_literal(body: bytes, lang: str) -> str:
    """An expression of the language that evaluates to exactly `body` (a byte string).

    UTF-8 text is written as an escaped string (readable JSON stays readable); other bytes
    (a multipart upload with an image, say) are carried as base64.
    """
    text = body.decode("utf-8") if _is_text(body) else None
    b64 = base64.b64encode(body).decode("ascii")
    if lang == "python":
        if body.isascii():
            return repr(body)  # a bytes literal; repr escapes every byte outside printable ASCII
        return f"{py_str(text)}.encode()" if text is not None else f"base64.b64decode({py_str(b64)})"
    if lang == "node":
        return f"Buffer.from({js_str(text)}, 'utf8')" if text is not None else f"Buffer.from({js_str(b64)}, 'base64')"
    if lang == "go":
        return f"[]byte({go_str(text)})" if text is not None else f"mustBase64({go_str(b64)})"
    if lang == "java":
        if text is not None:
            return f"{java_long_str(text)}.getBytes(StandardCharsets.UTF_8)"
        return f"Base64.getDecoder().decode({java_long_str(b64)})"
    if lang == "php":
        return php_str(text) if text is not None else f"base64_decode({php_str(b64)}, true)"
    raise ValueError(f"unknown language {lang!r}")
