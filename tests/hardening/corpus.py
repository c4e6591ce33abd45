"""The bad-input corpus: named inputs a user may give the explorer, and what they must see for each.

Data only, plus the builders for values that need a key or are too big to write out. Each case
names the input it goes into, the surfaces it applies to (the TUI, the CLI or both) and, per
surface, the words that must appear where the user is looking. The drivers are
test_bad_input_tui.py and test_bad_input_cli.py.

Surfaces. The TUI has no field where a user pastes a token (it makes its own), so the token cases
are CLI only (`mp-explorer verify`). The app id, data token and timeout have no CLI flag in the
headless commands, so those cases are TUI only.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SECRET = "a-test-secret-key-of-32-bytes-ok"
ACCESS_KEY = "testAccessKey"
PLAINTEXT = '{"openId":"corpus-user"}'

Value = str | bytes


@dataclass(frozen=True)
class Shown:
    """Words that must appear at one place on the TUI screen (see test_bad_input_tui.PLACES)."""

    place: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class Said:
    """What the CLI must answer: exit code, the stream and the words in it."""

    code: int
    words: tuple[str, ...]
    stream: str = "stderr"


@dataclass(frozen=True)
class Case:
    """One bad input. `value` is the text or bytes, or a builder returning it."""

    name: str
    input: str  # a form field id, or "user-data" (a response's data.userData), or "token"
    value: Value | Callable[[], Value]
    tui: tuple[Shown, ...] = ()
    cli: Said | None = None
    # How the CLI takes this input when it has more than one way ("--url" or "--base-url").
    cli_flag: str = ""
    # What the TUI field holds afterwards when it cannot hold the value as given (and why).
    kept: Callable[[Value], str] | None = None
    kept_why: str = ""

    @property
    def surfaces(self) -> tuple[str, ...]:
        return tuple(name for name, on in (("TUI", bool(self.tui)), ("CLI", self.cli is not None)) if on)

    def build(self) -> Value:
        return self.value() if callable(self.value) else self.value


# --- key material, made once -----------------------------------------------------------------


@functools.cache
def rsa_key() -> Any:
    from explorer.crypto import generate_private_key

    return generate_private_key(1024)


@functools.cache
def other_rsa_key() -> Any:
    from explorer.crypto import generate_private_key

    return generate_private_key(1024)


def rsa_pem() -> str:
    from explorer.crypto import private_key_pem

    return private_key_pem(rsa_key()).decode()


PASSPHRASE = "correct horse"


@functools.cache
def encrypted_pem() -> str:
    from explorer.crypto import private_key_pem

    return private_key_pem(rsa_key(), PASSPHRASE).decode()


def _pem_of(key: Any, fmt: str = "PKCS8") -> str:
    from cryptography.hazmat.primitives import serialization as s

    return key.private_bytes(s.Encoding.PEM, getattr(s.PrivateFormat, fmt), s.NoEncryption()).decode()


def truncated_pem() -> str:
    pem = rsa_pem()
    return pem[: len(pem) // 2]


def pem_cut_inside() -> str:
    # The END line is there, the base64 between is cut short.
    lines = rsa_pem().splitlines()
    return "\n".join([*lines[:4], lines[-1]]) + "\n"


def public_pem() -> str:
    from explorer.crypto import public_key_pem

    return public_key_pem(rsa_key()).decode()


def certificate_pem() -> str:
    return "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n"


def ec_pem() -> str:
    from cryptography.hazmat.primitives.asymmetric import ec

    return _pem_of(ec.generate_private_key(ec.SECP256R1()))


def ec_sec1_pem() -> str:
    from cryptography.hazmat.primitives.asymmetric import ec

    return _pem_of(ec.generate_private_key(ec.SECP256R1()), "TraditionalOpenSSL")


def ed25519_pem() -> str:
    from cryptography.hazmat.primitives.asymmetric import ed25519

    return _pem_of(ed25519.Ed25519PrivateKey.generate())


def encrypted_pkcs1_pem() -> str:
    from cryptography.hazmat.primitives import serialization as s

    return (
        rsa_key()
        .private_bytes(s.Encoding.PEM, s.PrivateFormat.TraditionalOpenSSL, s.BestAvailableEncryption(b"pw"))
        .decode()
    )


def der_key() -> bytes:
    from cryptography.hazmat.primitives import serialization as s

    return rsa_key().private_bytes(s.Encoding.DER, s.PrivateFormat.PKCS8, s.NoEncryption())


def junk_bytes() -> bytes:
    return random.Random(8).randbytes(8 * 1024)


# --- ciphertexts ---------------------------------------------------------------------------------


def good_ciphertext() -> str:
    from explorer.crypto import encrypt_user_data

    return encrypt_user_data(rsa_key().public_key(), PLAINTEXT)


def ciphertext_with_whitespace() -> str:
    text = good_ciphertext()
    return "  " + "\n".join(text[i : i + 40] for i in range(0, len(text), 40)) + " \t\n"


def short_ciphertext() -> str:
    return base64.b64encode(bytes(100)).decode()


def megabyte_ciphertext() -> str:
    return "A" * (1024 * 1024)


# --- tokens ------------------------------------------------------------------------------------


def _segment(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def _signed(header: Any, payload: Any) -> str:
    import hmac

    signing_input = f"{_segment(header)}.{_segment(payload)}"
    mac = hmac.new(SECRET.encode(), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def token_non_json_payload() -> str:
    return _segment({"alg": "HS256", "typ": "JWT"}) + "." + base64.urlsafe_b64encode(b"not json").decode() + ".c2ln"


def token_alg_none() -> str:
    return _segment({"alg": "none", "typ": "JWT"}) + "." + _segment({"iss": ACCESS_KEY, "dig": "0", "ts": 1}) + "."


def token_payload_array() -> str:
    return _segment({"alg": "HS256", "typ": "JWT"}) + "." + _segment([1, 2]) + ".c2ln"


def token_ts_as_text() -> str:
    return _signed({"alg": "HS256", "typ": "JWT"}, {"iss": ACCESS_KEY, "dig": "0" * 64, "ts": "1700000000"})


def token_float_ts() -> str:
    return _signed({"alg": "HS256", "typ": "JWT"}, {"iss": ACCESS_KEY, "dig": "0" * 64, "ts": 1700000000.5})


def token_negative_ts() -> str:
    return _signed({"alg": "HS256", "typ": "JWT"}, {"iss": ACCESS_KEY, "dig": "0" * 64, "ts": -5})


def token_year_3000() -> str:
    return _signed({"alg": "HS256", "typ": "JWT"}, {"iss": ACCESS_KEY, "dig": "0" * 64, "ts": 32503680000})


def token_crit() -> str:
    """A signed token whose header makes an unknown extension critical (RFC 7515 §4.1.11)."""
    header = {"alg": "HS256", "typ": "JWT", "crit": ["exp"], "exp": 1}
    return _signed(header, {"iss": ACCESS_KEY, "dig": "0" * 64, "ts": 1700000000})


def token_unused_bits() -> str:
    """A signed token whose signature's last base64url character has its two unused bits set:
    it decodes to the same bytes as the real signature, but it is another string."""
    token = _signed({"alg": "HS256", "typ": "JWT"}, {"iss": ACCESS_KEY, "dig": "0" * 64, "ts": 1700000000})
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(token[-1])
    assert last % 4 == 0, "32 bytes end in a character whose two low bits are unused"
    return token[:-1] + alphabet[last + 1]


def token_with_a_space() -> str:
    token = _signed({"alg": "HS256", "typ": "JWT"}, {"iss": ACCESS_KEY, "dig": "0" * 64, "ts": 1700000000})
    head, payload, signature = token.split(".")
    return f"{head}.{payload[:20]} {payload[20:]}.{signature}"


@functools.cache
def wrong_key_ciphertext() -> str:
    """userData made for another key that rsa_key() still 'decrypts' (OpenSSL's implicit rejection
    returns random bytes, about 1 in 200 of them UTF-8): to text that is empty or not printable."""
    from explorer.crypto import CryptoError, decrypt, encrypt_user_data

    for attempt in range(20_000):
        ciphertext = encrypt_user_data(other_rsa_key().public_key(), f'{{"openId":"u{attempt}"}}')
        try:
            decrypt(rsa_key(), ciphertext)
        except CryptoError as exc:
            if exc.kind == "likely_wrong_key":
                return ciphertext
    raise AssertionError("no wrong-key ciphertext decrypted to UTF-8 in 20,000 tries")


# --- big values ----------------------------------------------------------------------------------


def thousand_pairs() -> str:
    return "\n".join(f"n{i:04d}=v{i}" for i in range(1000))


def megabyte_body() -> str:
    return '{"blob":"' + "x" * (1024 * 1024 - 11) + '"}'


def megabyte_body_lines() -> str:
    return "\n".join(f'{{"line":{i},"pad":"{"y" * 90}"}}' for i in range(10_000))


def sha256_of(data: Value) -> str:
    return hashlib.sha256(data if isinstance(data, bytes) else data.encode("utf-8", "surrogateescape")).hexdigest()


def _flattened(value: Value) -> str:
    assert isinstance(value, str)
    return re.sub(r"[\r\n]+", " ", value.strip("\r\n"))


FLATTENED = "the key field is one line: a pasted PEM keeps its text with each run of line breaks as one space"
RTL = "\u202e"
RTL_WORDS = ("U+202E RIGHT-TO-LEFT OVERRIDE", "does not show")
ESC_WORDS = ("U+001B control character", "does not show")
NUL_WORDS = ("U+0000 control character", "does not show")


def _invisible(*words: str) -> Shown:
    return Shown("notice", words)


CASES: tuple[Case, ...] = (
    # --- PEM variants (the RSA key field, and `decrypt --private-key`) ----------------------------
    Case(
        "pem-truncated",
        "private-key",
        truncated_pem,
        (Shown("key-status", ("PEM block is incomplete", "END")),),
        Said(1, ("PEM block is incomplete",)),
        kept=_flattened,
        kept_why=FLATTENED,
    ),
    Case(
        "pem-cut-inside",
        "private-key",
        pem_cut_inside,
        (Shown("key-status", ("damaged or cut short",)),),
        Said(1, ("damaged or cut short",)),
        kept=_flattened,
        kept_why=FLATTENED,
    ),
    Case(
        "pem-public-key",
        "private-key",
        public_pem,
        (Shown("key-status", ("public key, not a private key",)),),
        Said(1, ("public key, not a private key",)),
        kept=_flattened,
        kept_why=FLATTENED,
    ),
    Case(
        "pem-certificate",
        "private-key",
        certificate_pem,
        (Shown("key-status", ("certificate, not a private key",)),),
        Said(1, ("certificate, not a private key",)),
        kept=_flattened,
        kept_why=FLATTENED,
    ),
    Case(
        "pem-ec-key",
        "private-key",
        ec_pem,
        (Shown("key-status", ("EC key, not an RSA key",)),),
        Said(1, ("EC key, not an RSA key",)),
        kept=_flattened,
        kept_why=FLATTENED,
    ),
    Case(
        "pem-ec-sec1-key",
        "private-key",
        ec_sec1_pem,
        (Shown("key-status", ("EC key, not an RSA key",)),),
        Said(1, ("EC key, not an RSA key",)),
        kept=_flattened,
        kept_why=FLATTENED,
    ),
    Case(
        "pem-ed25519-key",
        "private-key",
        ed25519_pem,
        (Shown("key-status", ("Ed25519 key, not an RSA key",)),),
        Said(1, ("Ed25519 key, not an RSA key",)),
        kept=_flattened,
        kept_why=FLATTENED,
    ),
    Case(
        "pem-encrypted-without-passphrase",
        "private-key",
        encrypted_pem,
        (Shown("key-status", ("encrypted", "give its passphrase")),),
        Said(1, ("encrypted", "give its passphrase")),
        kept=_flattened,
        kept_why=FLATTENED,
    ),
    Case(
        "pem-encrypted-pkcs1-without-passphrase",
        "private-key",
        encrypted_pkcs1_pem,
        (Shown("key-status", ("encrypted", "give its passphrase")),),
        Said(1, ("encrypted", "give its passphrase")),
        kept=_flattened,
        kept_why=FLATTENED,
    ),
    Case(
        "pem-der-bytes",
        "private-key",
        der_key,
        (Shown("key-status", ("binary (DER) key, not PEM", "openssl pkey -inform DER")),),
        Said(1, ("binary (DER) key, not PEM", "openssl pkey -inform DER")),
    ),
    Case(
        "pem-8kb-binary-junk",
        "private-key",
        junk_bytes,
        (Shown("key-status", ("not a PEM private key",)),),
        Said(1, ("not a PEM private key",)),
    ),
    Case(
        "pem-8kb-text-junk",
        "private-key",
        "x" * 8192,
        (Shown("key-status", ("not a PEM private key",)),),
        Said(1, ("not a PEM private key",)),
    ),
    Case(
        "pem-8kb-junk-pasted",
        "private-key",
        lambda: "".join(random.Random(9).choices("abcdefghij !#$%&()*,.:;<>?@[]^_{|}~", k=8192)),
        (Shown("key-status", ("neither a file path nor a PEM block", "8,192 characters")),),
        Said(1, ("not a PEM private key",)),
    ),
    Case(
        "pem-base64-without-armour",
        "private-key",
        lambda: "".join(rsa_pem().splitlines()[1:-1]),
        (Shown("key-status", ("base64 without its BEGIN and END lines", "paste the whole PEM")),),
        Said(1, ("not a PEM private key",)),
    ),
    Case("pem-empty-file", "private-key", b"", (), Said(1, ("not a PEM private key",))),
    Case(
        "pem-path-missing",
        "private-key",
        "/nonexistent/mp/key.pem",
        (Shown("key-status", ("no such file", "/nonexistent/mp/key.pem")),),
        Said(2, ("--private-key", "cannot read", "no such file")),
    ),
    Case(
        "pem-path-is-a-directory",
        "private-key",
        "/tmp",
        (Shown("key-status", ("no such file: /tmp", "give a path or paste the PEM")),),
        Said(2, ("--private-key", "directory")),
    ),
    Case(
        "pem-path-with-rtl-mark",
        "private-key",
        f"/tmp/key{RTL}mep.pem",
        (Shown("key-status", ("no such file",)), _invisible(*RTL_WORDS)),
        Said(2, ("--private-key", "cannot read", "no such file")),
    ),
    Case(
        "pem-path-with-control-characters",
        "private-key",
        "/tmp/key\x1b[2J.pem",
        (Shown("key-status", ("no such file",)), _invisible(*ESC_WORDS)),
        Said(2, ("--private-key", "cannot read", "no such file")),
    ),
    # --- passphrases --------------------------------------------------------------------------
    Case(
        "passphrase-wrong",
        "passphrase",
        "not the passphrase",
        (Shown("key-status", ("wrong passphrase",)),),
        Said(1, ("wrong passphrase",)),
    ),
    Case(
        "passphrase-with-rtl-mark",
        "passphrase",
        f"correct{RTL} horse",
        (Shown("key-status", ("wrong passphrase",)), _invisible(*RTL_WORDS)),
        Said(1, ("wrong passphrase",)),
    ),
    Case(
        "passphrase-with-control-characters",
        "passphrase",
        "correct\x1b[2J horse\x7f",
        (Shown("key-status", ("wrong passphrase",)), _invisible(*ESC_WORDS)),
        Said(1, ("wrong passphrase",)),
    ),
    Case(
        "passphrase-empty-for-encrypted-key",
        "passphrase",
        "",
        (Shown("key-status", ("encrypted", "give its passphrase")),),
        Said(2, ("--passphrase-env", "is empty")),
    ),
    Case(
        "passphrase-with-nul",
        "passphrase",
        "correct horse\x00",
        (Shown("key-status", ("passphrase contains a NUL character",)), _invisible(*NUL_WORDS)),
    ),
    # --- ciphertexts (a response's data.userData; `decrypt CIPHERTEXT`) -----------------------
    Case(
        "ciphertext-wrong-length",
        "user-data",
        short_ciphertext,
        (Shown("decrypted", ("100 bytes", "1024-bit key needs exactly 128")),),
        Said(1, ("100 bytes", "1024-bit key needs exactly 128")),
    ),
    Case(
        "ciphertext-for-another-key-decrypts-to-junk",
        "user-data",
        wrong_key_ciphertext,
        (Shown("decrypted", ("most likely not the key the data was encrypted for",)),),
        Said(1, ("most likely not the key the data was encrypted for", "implicit rejection")),
    ),
    Case(
        "ciphertext-not-whole-bytes",
        "user-data",
        "AAAAA",
        (Shown("decrypted", ("not base64", "5 characters cannot be a whole number of bytes")),),
        Said(1, ("not base64", "cannot be a whole number of bytes")),
    ),
    Case(
        "ciphertext-wrong-alphabet",
        "user-data",
        "abc$def!ghi",
        (Shown("decrypted", ("not base64", "unexpected character '$'")),),
        Said(1, ("not base64", "unexpected character '$'")),
    ),
    Case(
        "ciphertext-unicode-alphabet",
        "user-data",
        "é" * 172,
        (Shown("decrypted", ("not base64", "unexpected character 'é'")),),
        Said(1, ("not base64", "unexpected character 'é'")),
    ),
    Case(
        "ciphertext-too-much-padding",
        "user-data",
        "AAAA====",
        (Shown("decrypted", ("not base64",)),),
        Said(1, ("not base64",)),
    ),
    Case(
        "ciphertext-whitespace-only",
        "user-data",
        " \n\t ",
        (Shown("decrypted", ("the ciphertext is empty",)),),
        Said(1, ("the ciphertext is empty",)),
    ),
    Case(
        "ciphertext-whitespace-inside-decrypts",
        "user-data",
        ciphertext_with_whitespace,
        (Shown("decrypted", ("corpus-user", "RSA PKCS#1 v1.5")),),
        Said(0, ("corpus-user",), "stdout"),
    ),
    Case(
        "ciphertext-empty",
        "user-data",
        "",
        (Shown("decrypted", ("the ciphertext is empty",)),),
        Said(1, ("the ciphertext is empty",)),
    ),
    Case(
        "ciphertext-1mb",
        "user-data",
        megabyte_ciphertext,
        (Shown("decrypted", ("786,432 bytes", "needs exactly 128")),),
        Said(1, ("786,432 bytes", "needs exactly 128")),
    ),
    # --- URLs (the base URL field; `sign --base-url/--url`) -------------------------------------
    Case(
        "url-no-scheme",
        "target",
        "dip-cb.binanceapi.com",
        (Shown("target-hint", ("is not http(s)://host[:port]",)),),
        Said(2, ("base URL", "is not http(s)://host[:port]")),
        cli_flag="--base-url",
    ),
    Case(
        "url-no-scheme-full",
        "target",
        "dip-cb.binanceapi.com/mp-api/v1/x",
        (Shown("target-hint", ("is not http(s)://host[:port]",)),),
        Said(2, ("is not a full URL", "https://host/path?query")),
        cli_flag="--url",
    ),
    Case(
        "url-space-in-host",
        "target",
        "https://dip cb.binanceapi.com",
        (Shown("target-hint", ("U+0020 (SPACE)", "retype it")),),
        Said(2, ("base URL", "U+0020 (SPACE)")),
        cli_flag="--base-url",
    ),
    Case(
        "url-rtl-mark-in-host",
        "target",
        f"https://binance{RTL}moc.ipa",
        (Shown("target-hint", ("U+202E (RIGHT-TO-LEFT OVERRIDE)", "retype it")), _invisible(*RTL_WORDS)),
        Said(2, ("base URL", "U+202E (RIGHT-TO-LEFT OVERRIDE)")),
        cli_flag="--base-url",
    ),
    Case(
        "url-control-characters",
        "target",
        "http://127.0.0.1:9\x1b[2J",
        (Shown("target-hint", ("U+001B", "retype it")), _invisible(*ESC_WORDS)),
        Said(2, ("base URL", "U+001B")),
        cli_flag="--base-url",
    ),
    Case(
        "url-unicode-host",
        "target",
        "https://bínance.example",
        (Shown("target-hint", ("a real target",)),),
        Said(0, ("https://bínance.example/x",), "stdout"),
        cli_flag="--base-url",
    ),
    Case(
        "url-with-query",
        "target",
        "http://127.0.0.1:9/?debug=1",
        (Shown("target-hint", ("must not carry a query or fragment",)),),
        Said(2, ("base URL", "must not carry a query or fragment")),
        cli_flag="--base-url",
    ),
    Case(
        "url-ftp-scheme",
        "target",
        "ftp://dip-cb.binanceapi.com",
        (Shown("target-hint", ("is not http(s)://host[:port]",)),),
        Said(2, ("base URL", "is not http(s)://host[:port]")),
        cli_flag="--base-url",
    ),
    Case(
        "url-bad-ipv6",
        "target",
        "https://[::1:bad",
        (Shown("target-hint", ("is not a valid URL",)),),
        Said(2, ("is not a valid URL",)),
        cli_flag="--url",
    ),
    Case(
        "url-10kb",
        "target",
        "http://" + "h" * 10_000 + ".example",
        (Shown("target-hint", ("a real target",)),),
        Said(0, ("h" * 200,), "stdout"),
        cli_flag="--base-url",
    ),
    # --- paths --------------------------------------------------------------------------------
    Case(
        "path-no-leading-slash",
        "path",
        "mp-api/v1/apps/x/skus",
        (Shown("canonical", ("/mp-api/v1/apps/x/skus/",)),),
        Said(0, ("canonical URI      /mp-api/v1/apps/x/skus/",), "stdout"),
    ),
    Case(
        "path-spaces",
        "path",
        "/a b/c d",
        (Shown("canonical", ("/a%20b/c%20d/",)),),
        Said(0, ("/a%20b/c%20d/",), "stdout"),
    ),
    Case(
        "path-unicode",
        "path",
        "/é/中文/🙂",
        (Shown("canonical", ("/%C3%A9/%E4%B8%AD%E6%96%87/%F0%9F%99%82/",)),),
        Said(0, ("/%C3%A9/%E4%B8%AD%E6%96%87/%F0%9F%99%82/",), "stdout"),
    ),
    Case(
        "path-dot-dot",
        "path",
        "/a/../../b/./c",
        (Shown("canonical", ("canonical URI   /b/c/",)),),
        Said(0, ("canonical URI      /b/c/",), "stdout"),
    ),
    Case(
        "path-10kb",
        "path",
        "/" + "p" * 10_000,
        (Shown("canonical", ("p" * 100,)),),
        Said(0, ("p" * 100,), "stdout"),
    ),
    Case(
        "path-with-query-mark",
        "path",
        "/a?b=1",
        (Shown("canonical", ("path: contains '?'", "put the query string in the query")),),
        Said(2, ("path: contains '?'",)),
    ),
    Case(
        "path-with-fragment",
        "path",
        "/a#top",
        (Shown("canonical", ("path: contains '#'", "a fragment is never sent")),),
        Said(2, ("path: contains '#'",)),
    ),
    Case(
        "path-full-url",
        "path",
        "https://dip-cb.binanceapi.com/a",
        (Shown("canonical", ("path: is a full URL", "give only the path")),),
        Said(2, ("path: is a full URL",)),
    ),
    Case(
        "path-bad-escape",
        "path",
        "/a%zz/%",
        (Shown("canonical", ("/a%25zz/%25/",)),),
        Said(0, ("/a%25zz/%25/",), "stdout"),
    ),
    Case(
        "path-rtl-mark",
        "path",
        f"/user{RTL}txt.exe",
        (Shown("canonical", ("/user%E2%80%AEtxt.exe/",)), _invisible(*RTL_WORDS)),
        Said(0, ("/user%E2%80%AEtxt.exe/",), "stdout"),
    ),
    Case(
        "path-control-characters",
        "path",
        "/a\x00b\x1bc",
        (Shown("canonical", ("/a%00b%1Bc/",)), _invisible(*NUL_WORDS)),
    ),
    # --- queries ------------------------------------------------------------------------------
    Case(
        "query-lone-percent",
        "query",
        "a=%",
        (Shown("canonical", ("a=%25",)),),
        Said(0, ("canonical query    a=%25",), "stdout"),
    ),
    Case(
        "query-bad-escapes",
        "query",
        "a=%zz&b=%C3%28&c=%",
        (Shown("canonical", ("a=%25zz&b=%C3%28&c=%25", "raw query string")),),
        Said(0, ("a=%25zz&b=%C3%28&c=%25",), "stdout"),
        cli_flag="--url",
    ),
    Case(
        "query-duplicate-names",
        "query",
        "a=2\na=1\na=",
        (Shown("canonical", ("a=&a=1&a=2",)),),
        Said(0, ("canonical query    a=&a=1&a=2",), "stdout"),
    ),
    Case(
        "query-1000-pairs",
        "query",
        thousand_pairs,
        (Shown("canonical", ("n0000=v0&n0001=v1", "n0999=v999")),),
        Said(0, ("n0000=v0&n0001=v1", "n0999=v999"), "stdout"),
    ),
    Case(
        "query-name-without-equals",
        "query",
        "flag",
        (Shown("canonical", ("flag=",)),),
        Said(2, ("--query", "has no '='")),
    ),
    Case(
        "query-rtl-mark",
        "query",
        f"{RTL}name=value",
        (Shown("canonical", ("%E2%80%AEname=value",)), _invisible(*RTL_WORDS)),
        Said(0, ("%E2%80%AEname=value",), "stdout"),
    ),
    Case(
        "query-control-characters",
        "query",
        "a=\x00\x1b[31m",
        (Shown("canonical", ("a=%00%1B%5B31m",)), _invisible(*NUL_WORDS)),
        Said(0, ("a=%00%1B%5B31m",), "stdout"),
    ),
    # --- bodies -------------------------------------------------------------------------------
    Case(
        "body-invalid-utf8",
        "body",
        b'{"a":"\xff\xfe"}',
        (Shown("canonical", (sha256_of(b'{"a":"\xff\xfe"}'),)),),
        Said(0, (sha256_of(b'{"a":"\xff\xfe"}'),), "stdout"),
        kept=lambda value: value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else value,
        kept_why="a text field holds text: each byte that is not UTF-8 is kept as its surrogate escape "
        "(U+DCFF for 0xFF) and hashed and sent as that byte",
    ),
    Case(
        "body-1mb-one-line",
        "body",
        megabyte_body,
        (Shown("canonical", (sha256_of(megabyte_body()),)),),
        Said(0, (sha256_of(megabyte_body()),), "stdout"),
    ),
    Case(
        "body-1mb-many-lines",
        "body",
        megabyte_body_lines,
        (Shown("canonical", (sha256_of(megabyte_body_lines()),)),),
        Said(0, (sha256_of(megabyte_body_lines()),), "stdout"),
    ),
    Case(
        "body-nul-bytes",
        "body",
        '{"a":"\x00\x00"}\x00',
        (Shown("canonical", (sha256_of('{"a":"\x00\x00"}\x00'),)), _invisible(*NUL_WORDS)),
        Said(0, (sha256_of('{"a":"\x00\x00"}\x00'),), "stdout"),
    ),
    Case(
        "body-mixed-line-ends",
        "body",
        '{\r\n"a": 1,\n"b": 2\r}',
        (
            Shown("canonical", (sha256_of('{\n"a": 1,\n"b": 2\n}'),)),
            Shown("notice", ("line ends came as CR", "2 CR became LF")),
        ),
        Said(0, (sha256_of('{\r\n"a": 1,\n"b": 2\r}'),), "stdout"),
        kept=lambda value: re.sub(r"\r\n|\r", "\n", str(value)),
        kept_why="terminals send a paste's line ends as CR: the body box turns a paste's CR and CR LF into LF "
        "(what Enter gives there) and says so; a --body-file keeps its bytes",
    ),
    Case(
        "body-line-separator",
        "body",
        '{"s":"a\u2028b\u0085c\x0cd"}',
        (
            Shown("canonical", (sha256_of('{"s":"a\u2028b\u0085c\x0cd"}'),)),
            _invisible("U+2028 LINE SEPARATOR", "does not show"),
        ),
        Said(0, (sha256_of('{"s":"a\u2028b\u0085c\x0cd"}'),), "stdout"),
    ),
    Case(
        "body-rtl-and-bom",
        "body",
        f'\ufeff{{"name":"{RTL}abc"}}',
        (Shown("canonical", (sha256_of(f'\ufeff{{"name":"{RTL}abc"}}'),)), _invisible("U+FEFF", "U+202E")),
        Said(0, (sha256_of(f'\ufeff{{"name":"{RTL}abc"}}'),), "stdout"),
    ),
    # --- tokens (`mp-explorer verify`; the TUI has no token field) -----------------------------
    Case(
        "token-two-parts", "token", "aGVhZGVy.cGF5bG9hZA", cli=Said(1, ("malformed token", "this one has 2"), "stdout")
    ),
    Case("token-four-parts", "token", "a.b.c.d", cli=Said(1, ("malformed token", "this one has 4"), "stdout")),
    Case("token-bad-base64", "token", "!!!.@@@.###", cli=Said(1, ("header is not base64url JSON",), "stdout")),
    Case(
        "token-non-json-payload",
        "token",
        token_non_json_payload,
        cli=Said(1, ("payload is not base64url JSON",), "stdout"),
    ),
    Case(
        "token-payload-not-an-object",
        "token",
        token_payload_array,
        cli=Said(1, ("payload is not a JSON object",), "stdout"),
    ),
    Case(
        "token-alg-none",
        "token",
        token_alg_none,
        cli=Said(1, ("algorithm not HS256", 'alg is "none"'), "stdout"),
    ),
    Case("token-empty", "token", "", cli=Said(1, ("malformed token", "the token is empty"), "stdout")),
    Case("token-bearer-only", "token", "Bearer ", cli=Said(1, ("the token is empty",), "stdout")),
    Case("token-9kb", "token", "a" * 9000, cli=Said(1, ("9000 characters", "limit is 8192"), "stdout")),
    Case(
        "token-ts-as-text",
        "token",
        token_ts_as_text,
        cli=Said(1, ("mistyped claim", "'ts' must be an integer"), "stdout"),
    ),
    Case(
        "token-float-ts",
        "token",
        token_float_ts,
        cli=Said(1, ("mistyped claim", "'ts' must be an integer", "1700000000.5"), "stdout"),
    ),
    Case("token-negative-ts", "token", token_negative_ts, cli=Said(1, ("ts too old", "-5 = 1969-12-31"), "stdout")),
    Case(
        "token-year-3000-ts",
        "token",
        token_year_3000,
        cli=Said(1, ("ts in the future", "3000-01-01 00:00:00 UTC"), "stdout"),
    ),
    Case(
        "token-crit-unknown-extension",
        "token",
        token_crit,
        cli=Said(1, ("malformed token", 'crit is ["exp"]', "RFC 7515"), "stdout"),
    ),
    Case(
        "token-signature-unused-bits",
        "token",
        token_unused_bits,
        cli=Said(1, ("malformed token", "non-zero unused bits"), "stdout"),
    ),
    Case(
        "token-white-space-inside",
        "token",
        token_with_a_space,
        cli=Said(1, ("malformed token", "white space inside the token at character", "in the payload"), "stdout"),
    ),
    # --- timestamps (the ts field; `sign --ts`) -------------------------------------------------
    Case(
        "ts-negative",
        "ts",
        "-1",
        (Shown("jwt", ("ts: -1 is before 1970-01-01", "0 or more")),),
        Said(2, ("--ts", "-1 is out of range")),
    ),
    Case(
        "ts-after-year-9999",
        "ts",
        "253402300800",
        (Shown("jwt", ("ts: is after the year 9999",)),),
        Said(2, ("--ts", "253402300800 is out of range")),
    ),
    Case(
        "ts-400-digits",
        "ts",
        "9" * 400,
        (Shown("jwt", ("ts: is after the year 9999",)),),
        Said(2, ("--ts", "is out of range")),
    ),
    Case(
        "ts-4000-digits",
        "ts",
        "9" * 4000,
        (Shown("jwt", ("ts: is after the year 9999",)),),
        Said(2, ("--ts", "a number of 4000 digits is out of range")),
    ),
    Case(
        "ts-5000-digits",
        "ts",
        "9" * 5000,
        (Shown("jwt", ("ts: has 5000 digits",)),),
        Said(2, ("--ts", "a number of 5000 digits is out of range")),
    ),
    Case(
        "ts-float",
        "ts",
        "1700000000.5",
        (Shown("jwt", ("ts: '1700000000.5' is not integer Unix seconds",)),),
        Said(2, ("--ts", "'1700000000.5' is not an integer")),
    ),
    Case(
        "ts-exponent",
        "ts",
        "1.7e9",
        (Shown("jwt", ("ts: '1.7e9' is not integer Unix seconds",)),),
        Said(2, ("--ts", "'1.7e9' is not an integer")),
    ),
    Case(
        "ts-year-3000",
        "ts",
        "32503680000",
        (Shown("jwt", ("32503680000 (3000-01-01 00:00:00 UTC",)),),
        Said(0, ("32503680000 = 3000-01-01 00:00:00 UTC",), "stdout"),
    ),
    Case(
        "ts-empty",
        "ts",
        "",
        (Shown("jwt", ("ts: is empty; give integer Unix seconds",)),),
        Said(2, ("--ts", "'' is not an integer")),
    ),
    Case(
        "ts-rtl-mark",
        "ts",
        f"{RTL}1700000000",
        (Shown("jwt", ("is not integer Unix seconds",)), _invisible(*RTL_WORDS)),
        Said(2, ("--ts", "is not an integer")),
    ),
    Case(
        "ts-control-characters",
        "ts",
        "1700000000\x1b[2J",
        (Shown("jwt", ("is not integer Unix seconds",)), _invisible(*ESC_WORDS)),
        Said(2, ("--ts", "is not an integer")),
    ),
    # --- control characters and RTL marks in the other text fields ----------------------------
    Case(
        "method-control-characters",
        "method",
        "G\x1bET",
        (Shown("canonical", ("method: 'G\\x1bET' is not an HTTP method",)), _invisible(*ESC_WORDS)),
        Said(2, ("method: 'G\\x1bET' is not an HTTP method",)),
    ),
    Case(
        "method-rtl-mark",
        "method",
        f"{RTL}TEG",
        (Shown("canonical", ("method:", "is not an HTTP method")), _invisible(*RTL_WORDS)),
        Said(2, ("method:", "is not an HTTP method")),
    ),
    Case(
        "app-id-rtl-mark",
        "app-id",
        f"app{RTL}di",
        (Shown("canonical", ("/mp-api/v1/apps/app%E2%80%AEdi/",)), _invisible(*RTL_WORDS)),
    ),
    Case(
        "app-id-control-characters",
        "app-id",
        "app\x00\x07id",
        (Shown("canonical", ("/mp-api/v1/apps/app%00%07id/",)), _invisible(*NUL_WORDS)),
    ),
    Case(
        "access-key-id-rtl-mark",
        "access-key-id",
        f"testAccess{RTL}Key",
        (Shown("jwt", ("signature",)), _invisible(*RTL_WORDS)),
        Said(0, ('"iss":"testAccess\\u202eKey"',), "stdout"),
    ),
    Case(
        "access-key-id-zero-width-space",
        "access-key-id",
        "testAccess\u200bKey",
        (Shown("jwt", ("signature",)), _invisible("U+200B ZERO WIDTH SPACE", "does not show")),
        Said(0, ('"iss":"testAccess\\u200bKey"',), "stdout"),
    ),
    Case(
        "access-key-id-control-characters",
        "access-key-id",
        "testAccessKey\x1b[31m",
        (Shown("jwt", ("signature",)), _invisible(*ESC_WORDS)),
        Said(0, ('"iss":"testAccessKey\\u001b[31m"',), "stdout"),
    ),
    Case(
        "access-key-id-pasted-two-lines",
        "access-key-id",
        "testAccessKey\nsecond line",
        (Shown("notice", ("pasted 2 lines into a one-line field", "kept the first")), Shown("jwt", ("signature",))),
        Said(0, ('"iss":"testAccessKey\\nsecond line"',), "stdout"),
        kept=lambda value: str(value).split("\n")[0],
        kept_why="a one-line field keeps the first line of a paste, and says so",
    ),
    Case(
        "secret-key-pasted-with-line-end",
        "secret-key",
        SECRET + "\r\n",
        (Shown("jwt", ("signature",)),),
        kept=lambda value: str(value).rstrip("\r\n"),
        kept_why="a copied line's own line end is not part of the key",
    ),
    Case(
        "secret-key-rtl-mark",
        "secret-key",
        SECRET + RTL,
        (Shown("jwt", ("signature",)), _invisible(*RTL_WORDS)),
        Said(0, ("X-Mp-Open-Api-Token: ey",), "stdout"),
    ),
    Case(
        "secret-key-control-characters",
        "secret-key",
        "\x1b[2J" + SECRET,
        (Shown("jwt", ("signature",)), _invisible(*ESC_WORDS)),
        Said(0, ("X-Mp-Open-Api-Token: ey",), "stdout"),
    ),
    Case(
        "data-token-rtl-mark",
        "data-token",
        f"abc{RTL}123",
        (Shown("canonical", ("openData=abc%E2%80%AE123",)), _invisible(*RTL_WORDS)),
    ),
    Case(
        "data-token-control-characters",
        "data-token",
        "\x07abc123\x7f",
        (Shown("canonical", ("openData=%07abc123%7F",)), _invisible("U+0007 control character", "does not show")),
    ),
    Case(
        "timeout-rtl-mark",
        "timeout",
        f"{RTL}10",
        (Shown("send", ("cannot send", "is not a number of seconds")), _invisible(*RTL_WORDS)),
    ),
    Case(
        "timeout-control-characters",
        "timeout",
        "1\x000",
        (Shown("send", ("cannot send", "is not a number of seconds")), _invisible(*NUL_WORDS)),
    ),
)

BY_NAME: dict[str, Case] = {case.name: case for case in CASES}
assert len(BY_NAME) == len(CASES), "case names are unique"


def cases_for(surface: str, *inputs: str) -> list[Case]:
    """The cases that apply to `surface` ("TUI" or "CLI"), optionally only those for some inputs."""
    return [case for case in CASES if surface in case.surfaces and (not inputs or case.input in inputs)]


INPUTS: tuple[str, ...] = tuple(dict.fromkeys(case.input for case in CASES))
