"""A pytest plugin (the `pytest11` entry point): a running sandbox for a backend's own test suite.

    def test_my_backend(mp_sandbox):
        token = mp_sandbox.mint_data_token()["dataToken"]
        mp_sandbox.faults.fail_with_code("900231")          # the next call is rate limited
        assert my_backend.open_id(mp_sandbox.base_url, token) == token_owner

`mp_sandbox` is started once per session (its faults are cleared after every test that used it);
`mp_sandbox_fresh` is a sandbox of its own for one test (fresh tokens, users, SKUs and faults).
Both serve the demo app from a temporary data directory, never the user's. Override the
`mp_sandbox_options` fixture to change the windows (`ts_window`, `data_token_ttl`, `file_check_delay`).

Loaded into every pytest session where mp-explorer is installed, so this module imports nothing
heavy at import time (the server loads when a fixture is first used) and never Textual.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from explorer.sandbox.faults import Faults
    from explorer.sandbox.runner import SandboxHandle

SESSION_FIXTURE = "mp_sandbox"


class MpSandbox:
    """A running sandbox as a test sees it: where it listens, the app's credentials, minting, faults.

    `faults` is the fault table (fail_with_code, fail_with_status, delay, close_connections,
    rate_limit, list, clear); see explorer/sandbox/faults.py for what each does.
    """

    def __init__(self, handle: SandboxHandle) -> None:
        self.handle = handle
        self.base_url: str = handle.base_url
        self.app_id: str = handle.app_id
        self.access_key_id: str = handle.access_key_id
        self.secret_key: str = handle.secret_key
        self.private_key_path: Path = _required(handle.private_key_path, "private key path")
        self.private_key_pem: str = _required(handle.private_key_pem, "private key").decode("ascii")
        self.public_key_path: Path = _required(handle.public_key_path, "public key path")
        self.faults: Faults = handle.faults

    def __repr__(self) -> str:
        return f"MpSandbox({self.base_url}, app_id={self.app_id!r})"

    @property
    def api_prefix(self) -> str:
        """The Open API path prefix of the app: /mp-api/v1/apps/{appId}."""
        return f"/mp-api/v1/apps/{self.app_id}"

    @property
    def users(self) -> list[dict[str, Any]]:
        """The app's users: [{"openId", "phone", "email", "payId"}, ...] (the demo users first)."""
        state = self.handle.state
        with state.lock:
            return [user.as_dict() for user in state.require_app(self.app_id).users.values()]

    def mint_data_token(
        self, scope: str = "openid", open_id: str | None = None, *, ttl: float | None = None
    ) -> dict[str, Any]:
        """A data token for GetUserOpenId: {"dataToken", "openId", "scope", "expiresAt"}.

        scope is openid, phone or email; open_id picks the user (default: the first demo user);
        ttl overrides the lifetime in seconds (0 gives a token that has already expired).
        """
        return self.handle.mint_data_token(scope, open_id, ttl=ttl)

    def mint_push_token(self, open_id: str | None = None, *, ttl: float | None = None) -> dict[str, Any]:
        """A single-use push token for SendPushMessage: {"pushToken", "openId", "expiresAt"}."""
        return self.handle.mint_push_token(open_id, ttl=ttl)

    def decrypt(self, user_data: str) -> str:
        """userData from GetUserOpenId decrypted with the app's private key (to check what a backend got)."""
        from explorer import crypto

        return crypto.decrypt_user_data(crypto.load_private_key(self.private_key_pem.encode("ascii")), user_data)

    def clear_faults(self) -> int:
        return self.faults.clear()


def _required(value: Any, what: str) -> Any:
    if value is None:
        raise RuntimeError(f"the sandbox has no {what}; the plugin serves the demo app, which always has one")
    return value


@pytest.fixture(scope="session")
def mp_sandbox_options() -> dict[str, Any]:
    """Keyword arguments for explorer.sandbox.runner.start_background (override in a conftest.py)."""
    return {}


@pytest.fixture(scope="session")
def mp_sandbox_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data directory the plugin's sandboxes keep their demo app in (temporary, per session)."""
    return tmp_path_factory.mktemp("mp-sandbox-home")


def _start(home: Path, options: dict[str, Any]) -> MpSandbox:
    from explorer.sandbox.runner import start_background

    return MpSandbox(start_background(data_dir=home, **options))


@pytest.fixture(scope="session")
def mp_sandbox(mp_sandbox_home: Path, mp_sandbox_options: dict[str, Any]) -> Iterator[MpSandbox]:
    """One sandbox for the whole session; faults set by a test are cleared when it ends."""
    sandbox = _start(mp_sandbox_home, mp_sandbox_options)
    try:
        yield sandbox
    finally:
        sandbox.handle.stop()


@pytest.fixture
def mp_sandbox_fresh(mp_sandbox_home: Path, mp_sandbox_options: dict[str, Any]) -> Iterator[MpSandbox]:
    """A sandbox of this test's own (same demo app, empty state), stopped when the test ends."""
    sandbox = _start(mp_sandbox_home, mp_sandbox_options)
    try:
        yield sandbox
    finally:
        sandbox.handle.stop()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    # A fault left on the session's sandbox would fail the next test for no reason of its own.
    if SESSION_FIXTURE not in getattr(item, "fixturenames", ()):
        return
    funcargs = getattr(item, "funcargs", {})
    sandbox = funcargs.get(SESSION_FIXTURE)
    if isinstance(sandbox, MpSandbox):
        sandbox.faults.clear()
