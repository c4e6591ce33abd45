"""`mp-explorer decrypt` and `mp-explorer keygen`: user data and the RSA key pair it is made for.

`explorer.crypto` (and with it `cryptography`) is imported inside the handlers, so `--help`
stays instant.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from explorer import environment
from explorer.commands import _inputs
from explorer.commands.env_flags import add_env_flag, environment_of
from explorer.commands.errors import EXIT_FAILURE, EXIT_OK, UsageError
from explorer.safe_text import visible

PRIVATE_KEY_FILE = "private_key.pem"
PUBLIC_KEY_FILE = "public_key.pem"

DECRYPT_EPILOG = """\
examples:
  mp-explorer decrypt "$USER_DATA" --private-key private_key.pem
  jq -r .data.userData response.json | mp-explorer decrypt - --private-key key.pem --passphrase-env KEY_PASS

CIPHERTEXT is data.userData: base64 (URL-safe or standard, padded or not, whitespace ignored) of one
RSA PKCS#1 v1.5 block. The plaintext goes to stdout, pretty-printed when it is JSON.

exit status: 0 decrypted, 1 not decrypted (one line on stderr says why), 2 usage error."""

KEYGEN_EPILOG = f"""\
examples:
  mp-explorer keygen --out keys
  mp-explorer keygen --out keys --bits 4096 --force

Writes DIR/{PRIVATE_KEY_FILE} (PKCS#8, mode 0600) and DIR/{PUBLIC_KEY_FILE} (SubjectPublicKeyInfo;
give this one to Binance), then prints the two paths.

exit status: 0 written, 2 usage error (files exist without --force, bad --bits, unwritable DIR)."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `decrypt` and `keygen` parsers."""
    decrypt = subparsers.add_parser(
        "decrypt",
        help="decrypt data.userData with your RSA private key",
        description="Decrypt user data (data.userData) with the developer's RSA private key.",
        epilog=DECRYPT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    decrypt.add_argument("ciphertext", metavar="CIPHERTEXT", help="base64 user data, or - for stdin")
    decrypt.add_argument(
        "--private-key",
        metavar="PATH",
        help=f"RSA private key PEM, PKCS#1 or #8 (default: ${environment.PRIVATE_KEY_PATH})",
    )
    decrypt.add_argument(
        "--passphrase-env",
        metavar="VAR",
        help="name of the variable holding the key's passphrase (an env file's, else the environment's)",
    )
    add_env_flag(decrypt)
    decrypt.set_defaults(handler=run_decrypt)

    keygen = subparsers.add_parser(
        "keygen",
        help="make an RSA key pair for user data",
        description="Generate an RSA key pair for user-data encryption.",
        epilog=KEYGEN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    keygen.add_argument("--out", required=True, metavar="DIR", help="directory for the two PEM files (created)")
    keygen.add_argument("--bits", default="2048", metavar="N", help="key size, 1024 to 4096 (default: 2048)")
    keygen.add_argument("--force", action="store_true", help="overwrite existing key files")
    keygen.add_argument(
        "--passphrase-env", metavar="VAR", help="encrypt the private key with the passphrase in this variable"
    )
    keygen.set_defaults(handler=run_keygen)


def _passphrase(var: str | None, args: argparse.Namespace | None = None) -> str | None:
    if var is None:
        return None
    # decrypt reads env files too (--env, ./mp-explorer.env); keygen only the environment.
    value = environment_of(args).get(var) if args is not None else os.environ.get(var)
    if value is None:
        raise UsageError(f"--passphrase-env: environment variable {var!r} is not set")
    if not value:
        raise UsageError(f"--passphrase-env: environment variable {var!r} is empty")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"--passphrase-env: the value of {var!r} is not UTF-8 text") from None
    return value


def run_decrypt(args: argparse.Namespace) -> int:
    from explorer import crypto

    passphrase = _passphrase(args.passphrase_env, args)
    private_key = args.private_key
    flag = "--private-key"
    if private_key is None:
        private_key = environment_of(args).get(environment.PRIVATE_KEY_PATH)
        flag = environment.PRIVATE_KEY_PATH
        if not private_key:
            raise UsageError(
                f"missing private key: give --private-key PATH or set {environment.PRIVATE_KEY_PATH} "
                "(in the environment or an env file)"
            )
        private_key = str(Path(private_key).expanduser())
    if args.ciphertext == "-" and _inputs.is_stdin(private_key):
        # /dev/stdin too: the key would take all of stdin and the ciphertext would read nothing.
        raise UsageError(f"the ciphertext (-) and --private-key ({private_key}) cannot both come from stdin")
    pem = _inputs.read_bytes(private_key, flag)
    ciphertext = _inputs.read_bytes("-", "CIPHERTEXT") if args.ciphertext == "-" else args.ciphertext
    try:
        key = crypto.load_private_key(pem, passphrase)
        decrypted = crypto.decrypt(key, ciphertext)
    except crypto.CryptoError as exc:
        # Exactly one line, even when the message quotes a multi-line library error.
        print(f"mp-explorer: {visible(' '.join(exc.message.split()))}", file=sys.stderr)
        return EXIT_FAILURE
    # Decrypted data is outside text: a control character in it is shown as its escape.
    print(visible(decrypted.pretty(), multiline=True))
    return EXIT_OK


def _bits(text: str) -> int:
    try:
        return int(text.strip(), 10)
    except ValueError:
        shown = text if len(text) <= 20 else text[:20] + "..."
        raise UsageError(f"--bits: {shown!r} is not an integer") from None


def _write_new(path: Path, data: bytes, mode: int) -> None:
    # O_EXCL: the file is created here, with this mode from the first byte (no chmod window).
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def run_keygen(args: argparse.Namespace) -> int:
    from explorer import crypto

    bits = _bits(args.bits)
    passphrase = _passphrase(args.passphrase_env)
    out = Path(args.out)
    private_path, public_path = out / PRIVATE_KEY_FILE, out / PUBLIC_KEY_FILE
    try:
        if out.exists() and not out.is_dir():
            raise UsageError(f"--out: {args.out!r} exists and is not a directory")
        existing = [str(p) for p in (private_path, public_path) if p.exists() or p.is_symlink()]
        if existing and not args.force:
            verb = "exists" if len(existing) == 1 else "exist"
            raise UsageError(f"{' and '.join(existing)} already {verb}; add --force to overwrite")
        try:
            key = crypto.generate_private_key(bits)
        except crypto.CryptoError as exc:
            raise UsageError(f"--bits: {exc.message}") from None
        out.mkdir(parents=True, exist_ok=True, mode=0o700)
        for path in (private_path, public_path):
            if path.exists() or path.is_symlink():
                path.unlink()
        _write_new(private_path, crypto.private_key_pem(key, passphrase), 0o600)
        _write_new(public_path, crypto.public_key_pem(key), 0o644)
    except (OSError, ValueError) as exc:
        reason = exc.strerror.lower() if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UsageError(f"--out: cannot write to {args.out!r}: {reason}") from None
    print(visible(str(private_path)))
    print(visible(str(public_path)))
    return EXIT_OK
