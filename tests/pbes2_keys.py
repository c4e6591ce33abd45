"""PKCS#8 "ENCRYPTED PRIVATE KEY" in the PBES2 variants OpenSSL can write (RFC 8018), built by hand.

cryptography's BestAvailableEncryption writes one variant only (PBKDF2-HMAC-SHA256, AES-256-CBC);
the generated Go program parses PBES2 itself, so the tests also hand it HMAC-SHA1 (the default PRF,
left out of the parameters), AES-128 and AES-192, and an explicit key length.
"""

from __future__ import annotations

import base64
import os
import textwrap

from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

PBES2 = "1.2.840.113549.1.5.13"
PBKDF2 = "1.2.840.113549.1.5.12"
HMAC_OIDS = {"sha1": "1.2.840.113549.2.7", "sha256": "1.2.840.113549.2.9"}
AES_CBC_OIDS = {128: "2.16.840.1.101.3.4.1.2", 192: "2.16.840.1.101.3.4.1.22", 256: "2.16.840.1.101.3.4.1.42"}


def _der(tag: int, *parts: bytes) -> bytes:
    body = b"".join(parts)
    if len(body) < 0x80:
        return bytes([tag, len(body)]) + body
    size = len(body).to_bytes((len(body).bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + body


def _oid(dotted: str) -> bytes:
    numbers = [int(part) for part in dotted.split(".")]
    out = bytearray([40 * numbers[0] + numbers[1]])
    for number in numbers[2:]:
        chunk = [number & 0x7F]
        while number > 0x7F:
            number >>= 7
            chunk.append(0x80 | (number & 0x7F))
        out += bytes(reversed(chunk))
    return _der(0x06, bytes(out))


def _int(value: int) -> bytes:
    return _der(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def encrypted_pkcs8(
    key: rsa.RSAPrivateKey,
    passphrase: bytes,
    *,
    aes_bits: int,
    prf: str,
    iterations: int = 2048,
    write_key_length: bool = False,
) -> bytes:
    """The key as PEM "ENCRYPTED PRIVATE KEY": PBES2, PBKDF2 with HMAC-`prf`, AES-`aes_bits`-CBC."""
    plain = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    salt, iv = os.urandom(16), os.urandom(16)
    algorithm = hashes.SHA1() if prf == "sha1" else hashes.SHA256()
    secret = PBKDF2HMAC(algorithm, aes_bits // 8, salt, iterations).derive(passphrase)
    padder = padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(secret), modes.CBC(iv)).encryptor()
    data = encryptor.update(padder.update(plain) + padder.finalize()) + encryptor.finalize()
    kdf_params = [_der(0x04, salt), _int(iterations)]
    if write_key_length:
        kdf_params.append(_int(aes_bits // 8))
    if prf != "sha1":  # DER leaves the default (HMAC-SHA1) out
        kdf_params.append(_der(0x30, _oid(HMAC_OIDS[prf]), b"\x05\x00"))
    pbes2 = _der(
        0x30,
        _der(0x30, _oid(PBKDF2), _der(0x30, *kdf_params)),
        _der(0x30, _oid(AES_CBC_OIDS[aes_bits]), _der(0x04, iv)),
    )
    info = _der(0x30, _der(0x30, _oid(PBES2), pbes2), _der(0x04, data))
    lines = "\n".join(textwrap.wrap(base64.b64encode(info).decode("ascii"), 64))
    return f"-----BEGIN ENCRYPTED PRIVATE KEY-----\n{lines}\n-----END ENCRYPTED PRIVATE KEY-----\n".encode("ascii")
