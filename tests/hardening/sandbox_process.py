"""The real `mp-explorer sandbox` command as a child process: start it, read its JSON line, stop it."""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]


def console_command() -> str:
    """The installed `mp-explorer` entry point next to this interpreter."""
    return str(Path(sys.executable).with_name("mp-explorer"))


@dataclass
class SandboxProcess:
    """A running sandbox: its process, its JSON line, and (after stop) what it wrote."""

    process: subprocess.Popen[str]
    line: dict[str, Any]
    stdout_rest: str = ""
    stderr: str = ""
    stopped: bool = False

    def stop(self) -> None:
        """Ctrl+C (SIGINT) and wait; keep what it wrote after the JSON line. Stopping twice is a no-op."""
        if self.stopped:
            return
        self.stopped = True
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            self.stdout_rest, self.stderr = self.process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.stdout_rest, self.stderr = self.process.communicate()

    @property
    def base_url(self) -> str:
        return str(self.line["base_url"])

    @property
    def app_id(self) -> str:
        return str(self.line["app_id"])

    def mint(self, scope: str = "openid", open_id: str | None = None) -> dict[str, Any]:
        """A data token from the sandbox-only route (unsigned)."""
        body: dict[str, Any] = {"scope": scope}
        if open_id is not None:
            body["openId"] = open_id
        answer = httpx.post(f"{self.base_url}/sandbox/v1/apps/{self.app_id}/data-tokens", json=body, timeout=10)
        minted = answer.json()
        assert answer.status_code == 200 and "dataToken" in minted, minted
        return dict(minted)

    def users(self) -> list[dict[str, Any]]:
        answer = httpx.get(f"{self.base_url}/sandbox/v1/apps/{self.app_id}/users", timeout=10)
        assert answer.status_code == 200, answer.text
        return list(answer.json()["users"])

    def rss_kib(self) -> int:
        """The server's resident set size (VmRSS) in KiB."""
        for row in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if row.startswith("VmRSS:"):
                return int(row.split()[1])
        raise AssertionError(f"no VmRSS for pid {self.process.pid}")


@contextlib.contextmanager
def running_sandbox(
    args: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: Path = ROOT,
    timeout: float = 30.0,
) -> Iterator[SandboxProcess]:
    """Run `mp-explorer sandbox ARGS`; yield once its JSON line is read; SIGINT and collect output at exit."""
    process = subprocess.Popen(
        [console_command(), "sandbox", *args],
        cwd=cwd,
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    sandbox: SandboxProcess | None = None
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], timeout)
        if not ready:
            process.kill()
            raise AssertionError(f"sandbox printed no JSON line within {timeout} s: {process.communicate()[1]}")
        first = process.stdout.readline()
        if not first.endswith("\n"):
            raise AssertionError(f"sandbox exited before its JSON line: {first!r} {process.communicate()[1]}")
        sandbox = SandboxProcess(process, json.loads(first))
        yield sandbox
    finally:
        if sandbox is not None:
            sandbox.stop()
        elif process.poll() is None:
            process.kill()
            process.communicate()


def base_env(**extra: str) -> dict[str, str]:
    """The test run's environment without MP_* credentials, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MP_")}
    env.update(extra)
    return env
