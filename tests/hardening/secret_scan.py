"""Search text and files for a secret key, a private key and a passphrase in every form they could leak in.

Forms: the secret key and passphrase as typed, any 16 characters of them in a row, percent-encoded,
base64 (standard and URL-safe, padded or not) and hex; the private key as any 40-character run of
its PEM bodies (PKCS#8, PKCS#1, the encrypted PKCS#8), its DER bytes (any 64-byte stretch contains
one of the 32-byte slices searched), and its primes and private exponent in hex and decimal.
"""

from __future__ import annotations

import base64
import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

WINDOW = 40
PART = 16
DER_SLICE = 32
_BASE64_RUN = re.compile(rb"[A-Za-z0-9+/_-]{40,}")


def _text_forms(secret: str) -> set[str]:
    raw = secret.encode("utf-8")
    b64 = base64.b64encode(raw).decode()
    url = base64.urlsafe_b64encode(raw).decode()
    return {
        secret,
        urllib.parse.quote(secret, safe=""),
        urllib.parse.quote_plus(secret),
        b64,
        b64.rstrip("="),
        url.rstrip("="),
        raw.hex(),
        raw.hex().upper(),
    }


def _pem_body(pem: bytes) -> str:
    return "".join(line for line in pem.decode("ascii").splitlines() if line and not line.startswith("-----"))


@dataclass
class Needles:
    """What must not leak, each form with a label saying what it is."""

    texts: dict[bytes, str] = field(default_factory=dict)
    windows: dict[str, str] = field(default_factory=dict)  # 40-char run of a PEM body -> label
    slices: dict[bytes, str] = field(default_factory=dict)  # 32-byte slice of the DER -> label

    def add_text(self, label: str, secret: str) -> None:
        """The secret in every form, and any PART-character stretch of it (a field that shows a part)."""
        for start in range(len(secret) - PART + 1):
            self.texts[secret[start : start + PART].encode("utf-8")] = f"{label} (part)"
        for form in _text_forms(secret):
            self.texts[form.encode("utf-8")] = label

    def add_private_key(self, label: str, key: rsa.RSAPrivateKey, passphrase: str) -> None:
        plain = serialization.NoEncryption()
        encrypted = serialization.BestAvailableEncryption(passphrase.encode("utf-8"))
        pems = {
            "PKCS#8 PEM": key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, plain),
            "PKCS#1 PEM": key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, plain
            ),
            "encrypted PEM": key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encrypted
            ),
        }
        for kind, pem in pems.items():
            body = _pem_body(pem)
            for start in range(len(body) - WINDOW + 1):
                self.windows[body[start : start + WINDOW]] = f"{label} ({kind} body)"
        for kind, fmt in (
            ("PKCS#8", serialization.PrivateFormat.PKCS8),
            ("PKCS#1", serialization.PrivateFormat.TraditionalOpenSSL),
        ):
            der = key.private_bytes(serialization.Encoding.DER, fmt, plain)
            for start in range(0, len(der) - DER_SLICE + 1, DER_SLICE):
                self.slices[der[start : start + DER_SLICE]] = f"{label} ({kind} DER bytes)"
        numbers = key.private_numbers()
        for name, value in (("p", numbers.p), ("q", numbers.q), ("d", numbers.d)):
            for digits in (f"{value:x}", f"{value:X}", str(value)):
                self.texts[digits[:64].encode("ascii")] = f"{label} ({name})"

    def find(self, data: bytes) -> list[str]:
        """Labels of everything found in `data` (empty when clean)."""
        found = {label for needle, label in self.texts.items() if needle in data}
        found |= {label for piece, label in self.slices.items() if piece in data}
        for run in _BASE64_RUN.findall(data):
            text = run.decode("ascii")
            for start in range(len(text) - WINDOW + 1):
                label = self.windows.get(text[start : start + WINDOW])
                if label is not None:
                    found.add(label)
                    break
        return sorted(found)

    def find_on_screen(self, screen: str) -> list[str]:
        """`find` on a captured screen, also with its whitespace and panel borders taken out (wrapped values)."""
        joined = "".join(ch for ch in screen if not ch.isspace() and ch not in "│╭╮╰╯─")
        return sorted(set(self.find(screen.encode("utf-8"))) | set(self.find(joined.encode("utf-8"))))


def files_under(*roots: Path) -> Iterator[Path]:
    """Every regular file under the roots (symlinks not followed)."""
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                yield path
