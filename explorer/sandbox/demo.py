"""The demo app: ids, secret key and RSA key pair made once and kept in the user's data directory.

Layout under the data directory (MP_EXPLORER_HOME, else platformdirs' user data dir):

    sandbox/demo-app.json          {"app_id", "access_key_id", "secret_key"}   mode 0600
    sandbox/demo-private-key.pem   PKCS#8 PEM, no passphrase                   mode 0600
    sandbox/demo-public-key.pem    SubjectPublicKeyInfo PEM                    mode 0644

Reading existing files is fast (no key parsing), so the explorer can call this at start-up.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from explorer import environment
from explorer.sandbox.config import SandboxAppConfig

HOME_ENV = environment.HOME
APP_FILE = "demo-app.json"
PRIVATE_KEY_FILE = "demo-private-key.pem"
PUBLIC_KEY_FILE = "demo-public-key.pem"
KEY_BITS = 2048


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


def load_or_create_demo_app(data_dir: Path | None = None) -> DemoApp:
    """Load the demo app from `data_dir` (default: data_home()), creating what is missing.

    Ids and secret key are reused when demo-app.json is readable; the key pair is reused when both
    PEM files exist. Anything missing or unreadable is made anew (a new private key also means a new
    public key file).
    """
    folder = (data_dir if data_dir is not None else data_home()) / "sandbox"
    folder.mkdir(parents=True, exist_ok=True)
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

    try:
        private_pem = private_path.read_bytes()
        public_pem = public_path.read_bytes()
        if b"PRIVATE KEY" not in private_pem or b"PUBLIC KEY" not in public_pem:
            raise ValueError("not PEM")
    except (OSError, ValueError):
        from explorer import crypto

        key = crypto.generate_private_key(KEY_BITS)
        private_pem = crypto.private_key_pem(key)
        public_pem = crypto.public_key_pem(key)
        _write_private(private_path, private_pem)
        _write_public(public_path, public_pem)
        created = True

    return DemoApp(
        app_id=app["app_id"],
        access_key_id=app["access_key_id"],
        secret_key=app["secret_key"],
        private_key_path=private_path,
        public_key_path=public_path,
        private_key_pem=private_pem,
        public_key_pem=public_pem,
        created=created,
    )
