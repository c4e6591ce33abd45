"""The demo app: ids, secret key and RSA key pair made once and kept in the user's data directory.

Layout under the data directory (MP_EXPLORER_HOME, else platformdirs' user data dir):

    sandbox/demo-app.json          {"app_id", "access_key_id", "secret_key"}   mode 0600
    sandbox/demo-private-key.pem   PKCS#8 PEM, no passphrase                   mode 0600
    sandbox/demo-public-key.pem    SubjectPublicKeyInfo PEM                    mode 0644

Creation is atomic: a lock file (sandbox/.demo.lock, flock) serialises sandboxes started at the
same moment on a fresh home, and every file is written under a temporary name and renamed into
place. At every load the private key is checked against the public key (a probe encrypted with one
must decrypt with the other); a pair that does not match, or a key that does not load, is refused
with DemoAppError naming the files, never replaced without a word.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from explorer import environment
from explorer.sandbox.config import SandboxAppConfig

HOME_ENV = environment.HOME
APP_FILE = "demo-app.json"
PRIVATE_KEY_FILE = "demo-private-key.pem"
PUBLIC_KEY_FILE = "demo-public-key.pem"
LOCK_FILE = ".demo.lock"
KEY_BITS = 2048


class DemoAppError(RuntimeError):
    """The demo app cannot be loaded or made (unusable data directory, damaged keys); says what to do."""


def data_home() -> Path:
    """The mp-explorer data directory: $MP_EXPLORER_HOME, else platformdirs.user_data_dir('mp-explorer')."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("mp-explorer"))


@dataclass(frozen=True)
class DemoApp:
    """The demo app's credentials and where its keys live. `created` is True on first creation."""

    app_id: str
    access_key_id: str
    secret_key: str = field(repr=False)
    private_key_path: Path
    public_key_path: Path
    private_key_pem: bytes = field(repr=False)
    public_key_pem: bytes = field(repr=False)
    created: bool = False

    def config(self) -> SandboxAppConfig:
        """This app as the sandbox serves it."""
        return SandboxAppConfig(
            app_id=self.app_id,
            access_key_id=self.access_key_id,
            secret_key=self.secret_key,
            public_key_pem=self.public_key_pem,
            private_key_path=self.private_key_path,
            public_key_path=self.public_key_path,
            private_key_pem=self.private_key_pem,
        )


def _write_private(path: Path, data: bytes) -> None:
    # Created 0600 from the first byte (os.open), then renamed into place so readers never see half a file.
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write_public(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _read_app(path: Path) -> dict[str, str] | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(value, dict) or not all(
        isinstance(value.get(name), str) and value.get(name) for name in ("app_id", "access_key_id", "secret_key")
    ):
        return None
    return value


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on folder/.demo.lock (released when the process dies, too)."""
    try:
        import fcntl
    except ImportError:  # no flock on this platform: rename alone keeps files whole
        yield
        return
    fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def load_or_create_demo_app(data_dir: Path | None = None) -> DemoApp:
    """Load the demo app from `data_dir` (default: data_home()), creating what is missing.

    Ids and secret key are reused when demo-app.json is readable (made anew otherwise). The key
    pair: made when the private key file is missing; the public key file is rewritten from the
    private key when missing. A private key that does not load, or a public key that is not its
    pair, is refused (DemoAppError), as is a data directory that cannot be used.
    """
    folder = (data_dir if data_dir is not None else data_home()) / "sandbox"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with _locked(folder):
            return _load_or_create(folder)
    except OSError as exc:
        raise DemoAppError(
            f"cannot keep the demo app in {folder}: {exc.strerror or exc}"
            + (f" ({exc.filename})" if exc.filename and str(exc.filename) != str(folder) else "")
            + f". Set {HOME_ENV} to a writable directory, or serve your own app with --app-id, "
            "--access-key-id, --secret-key and --public-key."
        ) from None


def _key_pair(private_path: Path, public_path: Path) -> tuple[bytes, bytes, bool]:
    """(private PEM, public PEM, created) after checking that the two keys are one pair."""
    from explorer import crypto

    remedy = f"delete {private_path} and {public_path} to make a new demo key pair"
    if not private_path.exists():
        key = crypto.generate_private_key(KEY_BITS)
        private_pem = crypto.private_key_pem(key)
        public_pem = crypto.public_key_pem(key)
        _write_private(private_path, private_pem)
        _write_public(public_path, public_pem)
        return private_pem, public_pem, True
    private_pem = private_path.read_bytes()
    try:
        key = crypto.load_private_key(private_pem)
    except crypto.CryptoError as exc:
        raise DemoAppError(f"the demo private key {private_path} is damaged ({exc.message}); {remedy}") from None
    if not public_path.exists():
        public_pem = crypto.public_key_pem(key)
        _write_public(public_path, public_pem)
        return private_pem, public_pem, True
    public_pem = public_path.read_bytes()
    try:
        public_key = crypto.load_public_key(public_pem)
    except crypto.CryptoError as exc:
        raise DemoAppError(f"the demo public key {public_path} is damaged ({exc.message}); {remedy}") from None
    probe = secrets.token_urlsafe(16)
    try:
        matches = crypto.decrypt_user_data(key, crypto.encrypt_user_data(public_key, probe)) == probe
    except (crypto.CryptoError, ValueError):
        matches = False
    if not matches:
        raise DemoAppError(
            f"the demo keys do not match: userData made with {public_path} cannot be decrypted with "
            f"{private_path}; {remedy}"
        )
    return private_pem, public_pem, False


def _load_or_create(folder: Path) -> DemoApp:
    app_path = folder / APP_FILE
    private_path = folder / PRIVATE_KEY_FILE
    public_path = folder / PUBLIC_KEY_FILE
    created = False

    app = _read_app(app_path)
    if app is None:
        app = {
            "app_id": "mpdemo" + secrets.token_hex(5),
            "access_key_id": "ak_" + secrets.token_hex(10),
            "secret_key": secrets.token_urlsafe(32),
        }
        _write_private(app_path, (json.dumps(app, indent=2) + "\n").encode("utf-8"))
        created = True

    private_pem, public_pem, made = _key_pair(private_path, public_path)

    return DemoApp(
        app_id=app["app_id"],
        access_key_id=app["access_key_id"],
        secret_key=app["secret_key"],
        private_key_path=private_path,
        public_key_path=public_path,
        private_key_pem=private_pem,
        public_key_pem=public_pem,
        created=created or made,
    )
