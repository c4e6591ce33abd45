"""User-data decryption: RSA private keys from PEM, base64 in its variants, PKCS#1 v1.5.

Every failure is a CryptoError whose message says what to do about it.
"""

from __future__ import annotations

import base64
import binascii
import json
import re

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from explorer.exchange import Decrypted
from explorer.plurals import plural
from explorer.safe_text import is_printable_text, shorten

MIN_KEY_BITS = 1024
MAX_KEY_BITS = 4096
_PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.S)


class CryptoError(ValueError):
    """A key or ciphertext problem, with a message a person can act on. `kind` names it."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def _passphrase_bytes(passphrase: str | bytes | None) -> bytes | None:
    if passphrase is None or passphrase == "" or passphrase == b"":
        return None
    if "\x00" in (passphrase.decode("latin-1") if isinstance(passphrase, bytes) else passphrase):
        # OpenSSL reads a passphrase up to its first NUL: 'pw\x00junk' would open a key made with 'pw'.
        raise CryptoError("wrong_passphrase", "the passphrase contains a NUL character (U+0000): retype it")
    if isinstance(passphrase, bytes):
        return passphrase
    try:
        return passphrase.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: no key was ever encrypted with it
        raise CryptoError(
            "wrong_passphrase", "the passphrase holds a character that is not valid Unicode: retype it"
        ) from None


def load_private_key(pem: str | bytes, passphrase: str | bytes | None = None) -> rsa.RSAPrivateKey:
    """Load an RSA private key from PEM (PKCS#1 or PKCS#8, optionally encrypted)."""
    text = pem.decode("utf-8", "replace") if isinstance(pem, bytes) else pem
    match = _PEM_BLOCK.search(text)
    if match is None:
        if isinstance(pem, bytes) and _looks_like_der(pem):
            raise CryptoError(
                "not_pem",
                "this is a binary (DER) key, not PEM text: convert it with "
                "'openssl pkey -inform DER -in KEY.der -out key.pem' and give key.pem",
            )
        if "-----BEGIN" in text:
            raise CryptoError("not_pem", "the PEM block is incomplete: no matching '-----END ...-----' line")
        raise CryptoError(
            "not_pem",
            "not a PEM private key: expected a 'BEGIN PRIVATE KEY' or 'BEGIN RSA PRIVATE KEY' block",
        )
    label = match.group(1)
    if "PUBLIC KEY" in label or label == "CERTIFICATE":
        raise CryptoError("not_private", f"this is a {label.lower()}, not a private key: give the private key file")
    if "PRIVATE KEY" not in label:
        raise CryptoError("not_pem", f"PEM block is '{label}', not a private key")
    block = match.group(0).encode("ascii", "replace")
    secret = _passphrase_bytes(passphrase)
    encrypted = label == "ENCRYPTED PRIVATE KEY" or "Proc-Type: 4,ENCRYPTED" in match.group(2)
    if encrypted and secret is None:
        raise CryptoError("needs_passphrase", "this private key is encrypted: give its passphrase")
    try:
        key = serialization.load_pem_private_key(block, password=secret if encrypted else None)
    except TypeError:
        # cryptography raises TypeError for a password mismatch in kind (needed vs not needed).
        if encrypted:
            raise CryptoError("needs_passphrase", "this private key is encrypted: give its passphrase") from None
        key = None
    except ValueError:
        if encrypted:
            raise CryptoError(
                "wrong_passphrase", "wrong passphrase for this private key (or the key is damaged)"
            ) from None
        # The library's own text (a URL, 'InvalidData(Invalid padding)') tells a person nothing more.
        raise CryptoError(
            "bad_key", "the PEM block does not hold a readable private key: its base64 is damaged or cut short"
        ) from None
    except UnsupportedAlgorithm as exc:
        raise CryptoError("not_rsa", f"unsupported key type ({exc}); an RSA private key is needed") from None
    if key is None:
        raise CryptoError("bad_key", "the PEM block does not hold a readable private key")
    if not isinstance(key, rsa.RSAPrivateKey):
        kind = type(key).__name__.removeprefix("_").replace("PrivateKey", "") or "non-RSA"
        raise CryptoError("not_rsa", f"this is an {kind} key, not an RSA key")
    if not MIN_KEY_BITS <= key.key_size <= MAX_KEY_BITS:
        raise CryptoError(
            "key_size", f"RSA key is {key.key_size} bits; user data keys are {MIN_KEY_BITS} to {MAX_KEY_BITS} bits"
        )
    return key


def _looks_like_der(data: bytes) -> bool:
    """An ASN.1 SEQUENCE with a long-form length that spans the data: how every DER key starts."""
    if len(data) < 4 or data[0] != 0x30 or not 0x81 <= data[1] <= 0x84:
        return False
    header = 2 + data[1] - 0x80
    size = int.from_bytes(data[2:header], "big")
    return 0 <= len(data) - (header + size) <= 2  # a trailing line end at most


def decode_base64(text: str | bytes) -> bytes:
    """Decode base64 in the standard or URL-safe alphabet, padded or not, ignoring whitespace."""
    raw = text.decode("ascii", "replace") if isinstance(text, bytes) else text
    compact = re.sub(r"\s+", "", raw)
    if not compact:
        raise CryptoError("not_base64", "the ciphertext is empty")
    stripped = compact.rstrip("=")
    if len(compact) - len(stripped) > 2 or not re.fullmatch(r"[A-Za-z0-9+/_-]*", stripped):
        bad = next((c for c in stripped if not re.match(r"[A-Za-z0-9+/_=-]", c)), "=")
        raise CryptoError("not_base64", f"not base64: unexpected character {bad!r}")
    if len(stripped) % 4 == 1:
        raise CryptoError(
            "not_base64", f"not base64: {plural(len(stripped), 'character')} cannot be a whole number of bytes"
        )
    normalised = stripped.replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(normalised + "=" * (-len(normalised) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise CryptoError("not_base64", f"not base64 ({exc})") from None


def decrypt_bytes(private_key: rsa.RSAPrivateKey, ciphertext: bytes) -> bytes:
    """RSA PKCS#1 v1.5 decryption of one block."""
    size = (private_key.key_size + 7) // 8
    if len(ciphertext) != size:
        raise CryptoError(
            "length",
            f"ciphertext is {plural(len(ciphertext), 'byte')} but a {private_key.key_size}-bit key "
            f"needs exactly {size}: "
            "wrong key, or the text was cut or joined",
        )
    try:
        return private_key.decrypt(ciphertext, padding.PKCS1v15())
    except ValueError:
        raise CryptoError(
            "decrypt_failed",
            "decryption failed: this is not the key the data was encrypted for, or the data is corrupted",
        ) from None


WRONG_KEY_NOTE = (
    "with the wrong key, PKCS#1 v1.5 decryption returns pseudo-random bytes instead of failing "
    "(OpenSSL's implicit rejection), and about 1 in 200 of those pass as UTF-8"
)


def decrypt_user_data(private_key: rsa.RSAPrivateKey, user_data: str | bytes) -> str:
    """Decrypt `data.userData` (base64 of an RSA PKCS#1 v1.5 block) to UTF-8 text.

    User data is printable text (an openid, a phone number, an e-mail address, or JSON of them):
    an empty plaintext, or one with control characters, is what a wrong key gives, and is refused
    with kind 'likely_wrong_key'.
    """
    plaintext = decrypt_bytes(private_key, decode_base64(user_data))
    try:
        text = plaintext.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CryptoError(
            "not_utf8",
            f"decrypted, but the plaintext is not UTF-8 text (byte {exc.start}: {plaintext[exc.start]:#04x}); "
            "with PKCS#1 v1.5 a wrong key or corrupted data usually ends here",
        ) from None
    if not text.strip():
        shown = "empty" if not text else f"only white space ({plural(len(plaintext), 'byte')})"
        raise CryptoError(
            "likely_wrong_key",
            f"decrypted, but the plaintext is {shown}: most likely not the key the data was encrypted for; "
            f"{WRONG_KEY_NOTE}",
        )
    if not is_printable_text(text):
        raise CryptoError(
            "likely_wrong_key",
            f"decrypted {len(plaintext)} bytes, but they are not printable text ({shorten(text, 60)}): most likely "
            f"not the key the data was encrypted for; {WRONG_KEY_NOTE}",
        )
    return text


def decrypt(private_key: rsa.RSAPrivateKey, user_data: str | bytes) -> Decrypted:
    """decrypt_user_data, plus JSON detection for pretty display."""
    text = decrypt_user_data(private_key, user_data)
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            return Decrypted(text, json.loads(stripped), True)
        except ValueError:
            pass
    return Decrypted(text)


def encrypt_user_data(public_key: rsa.RSAPublicKey, plaintext: str, *, urlsafe: bool = True) -> str:
    """Encrypt text the way the Open API does: PKCS#1 v1.5, base64 (URL-safe, padded by default)."""
    data = plaintext.encode("utf-8")
    limit = (public_key.key_size + 7) // 8 - 11
    if len(data) > limit:
        raise CryptoError("too_long", f"plaintext is {len(data)} bytes; a {public_key.key_size}-bit key holds {limit}")
    ciphertext = public_key.encrypt(data, padding.PKCS1v15())
    return (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(ciphertext).decode("ascii")


def load_public_key(pem: str | bytes) -> rsa.RSAPublicKey:
    """Load an RSA public key from PEM (SubjectPublicKeyInfo or PKCS#1), or derive it from a private key."""
    data = pem.encode("utf-8") if isinstance(pem, str) else pem
    if b"PRIVATE KEY" in data:
        return load_private_key(data).public_key()
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise CryptoError("not_pem", f"not a PEM public key ({exc})") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise CryptoError("not_rsa", "the public key is not an RSA key")
    return key


def generate_private_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    """A new RSA private key (public exponent 65537)."""
    if not MIN_KEY_BITS <= bits <= MAX_KEY_BITS or bits % 8:
        raise CryptoError("key_size", f"key size must be a multiple of 8 from {MIN_KEY_BITS} to {MAX_KEY_BITS}")
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def private_key_pem(key: rsa.RSAPrivateKey, passphrase: str | None = None) -> bytes:
    """PKCS#8 PEM of a private key, encrypted when a passphrase is given."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase.encode("utf-8"))
        if passphrase
        else serialization.NoEncryption()
    )
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def public_key_pem(key: rsa.RSAPrivateKey | rsa.RSAPublicKey) -> bytes:
    """SubjectPublicKeyInfo PEM of a key's public half."""
    public = key.public_key() if isinstance(key, rsa.RSAPrivateKey) else key
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
