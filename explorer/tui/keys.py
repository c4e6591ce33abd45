"""The private key field: a path or a pasted PEM, loaded with its passphrase. No Textual here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from explorer.tui.model import normalise_pem


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
        path = Path(stripped).expanduser()
        try:
            pem = path.read_bytes()
        except OSError as exc:
            return KeyStatus(None, f"cannot read {path}: {exc.strerror or exc}", "error")
        source = path.name
    try:
        key = load_private_key(pem, passphrase or None)
    except CryptoError as exc:
        return KeyStatus(None, exc.message, "error")
    return KeyStatus(key, f"RSA {key.key_size}-bit private key ({source})")
