"""The private key field: a path or a pasted PEM, loaded with its passphrase. No Textual here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from explorer.plurals import plural
from explorer.tui.model import normalise_pem

# A 4096-bit PEM key is about 3.3 KiB; anything far larger is not a key.
MAX_KEY_FILE_BYTES = 64 * 1024
# Longer than PATH_MAX: pasted text, not a path.
MAX_PATH_CHARS = 4096
_BASE64_BODY = re.compile(r"[A-Za-z0-9+/=\s]+")
UNARMOURED = "this looks like a key's base64 without its BEGIN and END lines: paste the whole PEM"


@dataclass(frozen=True)
class KeyStatus:
    """The loaded key (or None) and a one-line status for the form."""

    key: Any = None
    status: str = ""
    level: str = ""  # "", "warning" or "error"


def load_key(text: str, passphrase: str = "") -> KeyStatus:
    """Load the private key the field names. Never raises; the status says what went wrong."""
    from explorer.crypto import CryptoError, load_private_key

    stripped = text.strip()
    if not stripped:
        return KeyStatus(None, "no private key: userData cannot be decrypted", "warning")
    if "-----BEGIN" in stripped:
        pem = normalise_pem(stripped).encode("utf-8")
        source = "pasted PEM"
    elif len(stripped) > MAX_PATH_CHARS or "\n" in stripped:
        # Pasted text, not a path: naming it as a missing file would print all of it back.
        if _BASE64_BODY.fullmatch(stripped):
            return KeyStatus(None, UNARMOURED, "error")
        return KeyStatus(
            None,
            f"neither a file path nor a PEM block ({plural(len(stripped), 'character')}): give a path or paste the PEM",
            "error",
        )
    else:
        try:
            path = Path(stripped).expanduser()
            # Only a regular, key-sized file: '/dev/zero' typed here must not hang the screen.
            if not path.is_file():
                if _BASE64_BODY.fullmatch(stripped) and len(stripped) > 200:
                    return KeyStatus(None, UNARMOURED, "error")
                shown = str(path) if len(str(path)) <= 120 else str(path)[:120] + "…"
                return KeyStatus(None, f"no such file: {shown} (give a path or paste the PEM)", "error")
            with path.open("rb") as handle:
                pem = handle.read(MAX_KEY_FILE_BYTES + 1)
        except (OSError, ValueError, RuntimeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            return KeyStatus(None, f"cannot read the private key file: {reason}", "error")
        if len(pem) > MAX_KEY_FILE_BYTES:
            limit = MAX_KEY_FILE_BYTES // 1024
            return KeyStatus(None, f"{path.name} is larger than {limit} KiB: not a key file", "error")
        source = path.name
    try:
        key = load_private_key(pem, passphrase or None)
    except CryptoError as exc:
        return KeyStatus(None, exc.message, "error")
    return KeyStatus(key, f"RSA {key.key_size}-bit private key ({source})")
