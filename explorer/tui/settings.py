"""What the explorer starts with. No Textual here: the launcher builds it before Textual loads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from explorer import signing

DEFAULT_ENDPOINT = "GetUserOpenId"


@dataclass
class Settings:
    """Everything ExplorerApp needs; nothing here touches the user's home.

    Target, in order: `sandbox` (a running handle the app uses and does not stop), else
    `start_sandbox` (the app starts the embedded sandbox after its first frame and stops it on
    exit), else `base_url` (a real target). Every other field prefills the form and, when given,
    wins over what the sandbox's demo app supplies. `ts` pins the timestamp; None follows `clock`.
    """

    base_url: str | None = None
    sandbox: Any = None
    start_sandbox: bool = False
    data_dir: str | None = None
    endpoint: str | None = DEFAULT_ENDPOINT
    method: str | None = None
    path: str | None = None
    query: str | None = None
    body: str | None = None
    app_id: str | None = None
    access_key_id: str | None = None
    secret_key: str | None = field(default=None, repr=False)
    private_key: str | None = field(default=None, repr=False)
    passphrase: str | None = field(default=None, repr=False)
    data_token: str | None = None
    ts: int | None = None
    timeout: float = 10.0
    clock: Callable[[], int] = signing.now_ts
    rules: signing.Rules = signing.SPEC_RULES
    masked: bool = True
    preload_client: bool = True
    # Garbage collection was paused for the first frame (the launcher does): the app resumes it once drawn.
    gc_paused: bool = False
    file: str | None = None  # UploadFile's file (a path)
    # Where sends are recorded (an explorer.workspace.history.History), or None to record nothing.
    history: Any = None
    # The request file the explorer opened with (a SavedRequest) and its path: saving reuses both.
    opened_request: Any = None
    opened_request_path: str | None = None
    # Looks up ${VARIABLE} references of request files (env files, then the environment).
    env_lookup: Callable[[str], str | None] | None = field(default=None, repr=False)

    @property
    def sandbox_mode(self) -> bool:
        return self.sandbox is not None or self.start_sandbox
