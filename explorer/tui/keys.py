"""The private key field: a path or a pasted PEM, loaded with its passphrase. No Textual here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from explorer.tui.model import normalise_pem

# A 4096-bit PEM key is about 3.3 KiB; anything far larger is not a key.
MAX_KEY_FILE_BYTES = 64 * 1024


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
    else:
        try:
            path = Path(stripped).expanduser()
            # Only a regular, key-sized file: '/dev/zero' typed here must not hang the screen.
            if not path.is_file():
                return KeyStatus(None, f"no such file: {path} (give a path or paste the PEM)", "error")
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
