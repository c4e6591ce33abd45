"""`mp-explorer sandbox` and its data directory: shared fresh homes, damaged keys, unusable places.

- Two sandboxes started at the same moment on one fresh MP_EXPLORER_HOME, several rounds: both
  serve the same demo app, and userData from each decrypts with the private key each printed.
- A host name that does not resolve is one line (no warning about other machines before it).
- A key pair on disk that does not match, a damaged private or public key, and a data directory
  that cannot hold the demo app (a file, a place nothing can be created, /proc/self) each end the
  command with exit code 1 and one clear line naming the file and what to do; never a traceback.
"""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

import httpx
import pytest

from explorer import crypto
from explorer.sandbox.demo import PRIVATE_KEY_FILE, PUBLIC_KEY_FILE, load_or_create_demo_app
from tests.hardening import tally
from tests.hardening.sandbox_process import SandboxProcess, base_env, console_command, running_sandbox
from tests.hardening.sandbox_requests import Target, send

ROUNDS = 4


def served_user_data_decrypts(sandbox: SandboxProcess) -> str:
    """Mint a token, call GetUserOpenId, decrypt with the printed private key; the openId decrypted."""
    line = sandbox.line
    minted = sandbox.mint("openid")
    where = Target(line["base_url"], line["app_id"], line["access_key_id"], line["secret_key"])
    with httpx.Client(base_url=where.base_url, timeout=30) as client:
        answer = send(client, where, "GET", "/user-open-data", query=[("openData", minted["dataToken"])])
    assert answer.json()["code"] == "000000", answer.text
    key = crypto.load_private_key(Path(line["private_key_path"]).read_bytes())
    plain = crypto.decrypt_user_data(key, answer.json()["data"]["userData"])
    assert plain == minted["openId"], "userData does not decrypt with the private key the sandbox printed"
    return str(line["app_id"])


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_sandboxes_on_one_fresh_home_serve_one_matching_key_pair(tmp_path: Path, round_: int) -> None:
    env = base_env(MP_EXPLORER_HOME=str(tmp_path / "fresh"))
    apps: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def one() -> None:
        try:
            barrier.wait(timeout=10)
            with running_sandbox(["--port", "0", "--quiet"], env=env) as sandbox:
                apps.append(served_user_data_decrypts(sandbox))
                # Both processes stay up until both have checked, so they overlap for the whole check.
                barrier.wait(timeout=60)
            assert "Traceback" not in sandbox.stderr, sandbox.stderr
        except BaseException as exc:  # reported below, from the test's thread
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(apps) == 2 and apps[0] == apps[1], f"two demo apps were made on one home: {apps}"
    tally.count("sandbox home", "simultaneous starts", 2)


def refused(env: dict[str, str], *words: str, args: tuple[str, ...] = ()) -> str:
    """Run `mp-explorer sandbox`; it must exit 1 at once with `words` on stderr and no traceback."""
    result = subprocess.run(
        [console_command(), "sandbox", "--port", "0", *args], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == "", "a refused sandbox printed a JSON line"
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("mp-explorer sandbox: error: "), result.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


def demo_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    load_or_create_demo_app(home)
    return home / "sandbox"


def test_a_mismatched_key_pair_is_refused(tmp_path: Path) -> None:
    folder = demo_home(tmp_path)
    other = crypto.generate_private_key(1024)
    (folder / PUBLIC_KEY_FILE).write_bytes(crypto.public_key_pem(other))
    refused(base_env(MP_EXPLORER_HOME=str(tmp_path / "home")), "do not match", PRIVATE_KEY_FILE, "delete")
    tally.count("sandbox home", "refused", 1)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (PRIVATE_KEY_FILE, b"-----BEGIN PRIVATE KEY-----\nAAAAnotakey\n-----END PRIVATE KEY-----\n"),
        (PRIVATE_KEY_FILE, b"\x00\xff binary garbage"),
        (PUBLIC_KEY_FILE, b"-----BEGIN PUBLIC KEY-----\nAAAAnotakey\n-----END PUBLIC KEY-----\n"),
    ],
    ids=["private PEM garbage", "private binary", "public PEM garbage"],
)
def test_a_damaged_demo_key_is_refused(tmp_path: Path, name: str, content: bytes) -> None:
    folder = demo_home(tmp_path)
    (folder / name).write_bytes(content)
    refused(base_env(MP_EXPLORER_HOME=str(tmp_path / "home")), "damaged", name, "delete")
    # Nothing was replaced behind the user's back.
    assert (folder / name).read_bytes() == content
    tally.count("sandbox home", "refused", 1)


def test_a_missing_public_key_is_made_again_from_the_private_key(tmp_path: Path) -> None:
    folder = demo_home(tmp_path)
    private_before = (folder / PRIVATE_KEY_FILE).read_bytes()
    (folder / PUBLIC_KEY_FILE).unlink()
    with running_sandbox(["--port", "0", "--quiet"], env=base_env(MP_EXPLORER_HOME=str(tmp_path / "home"))) as sandbox:
        served_user_data_decrypts(sandbox)
    assert (folder / PRIVATE_KEY_FILE).read_bytes() == private_before
    tally.count("sandbox home", "repaired", 1)


def _not_writable_dir(tmp_path: Path) -> str:
    """A directory in which nothing can be created, for this user (root ignores file modes)."""
    if os.geteuid() == 0:
        return "/sys/kernel"  # sysfs refuses mkdir even to root
    place = tmp_path / "read-only"
    place.mkdir()
    place.chmod(0o555)
    return str(place)


@pytest.mark.parametrize("kind", ["a file", "read-only", "/proc/self"])
def test_an_unusable_data_directory_gives_one_clear_line(tmp_path: Path, kind: str) -> None:
    if kind == "a file":
        home = tmp_path / "plain-file"
        home.write_text("not a directory")
        where = str(home)
    elif kind == "read-only":
        where = _not_writable_dir(tmp_path)
    else:
        where = "/proc/self"
    line = refused(base_env(MP_EXPLORER_HOME=where), "cannot keep the demo app", where, "MP_EXPLORER_HOME")
    assert len(line) < 400
    tally.count("sandbox home", "refused", 1)


def test_a_host_that_does_not_resolve_gets_its_error_alone(tmp_path: Path) -> None:
    """The warning about other machines used to come first, for a host that was never bound."""
    env = base_env(MP_EXPLORER_HOME=str(tmp_path / "home"))
    line = refused(env, "cannot resolve host", "no-such-host.invalid", args=("--host", "no-such-host.invalid"))
    assert "other machines" not in line
    tally.count("sandbox home", "refused", 1)
