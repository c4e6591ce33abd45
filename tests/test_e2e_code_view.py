"""The code view in the real app (tmux): every program copied from the explorer runs against its sandbox.

Launched with no arguments, the explorer starts its embedded sandbox and mints a data token; f7
opens the code view on GetUserOpenId, a digit picks the language, c copies through OSC 52 (into
tmux's buffer). Each copied program then runs as its users run it (`python3 mp_request.py`,
`node mp_request.js`, `go run main.go`, `java MpRequest.java`, `php mp_request.php`) with the demo
app's keys in the environment, and must get 000000 and print the openid the data token was minted
for. A data token lives two minutes, so ctrl+t mints a fresh one before each language.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.tmux_harness import TmuxSession
from tests.toolchains import require_toolchain, run_env

pytestmark = [pytest.mark.tmux, pytest.mark.slow]

STAGE_TITLES = ("1 · canonical request", "2 · digest", "3 · JWT", "4 · header")
TOKEN = re.compile(r"dt_[A-Za-z0-9_-]+")
# digit in the code view -> (language, file name, command line before the file)
LANGUAGES = {
    "3": ("python", "mp_request.py", [sys.executable]),
    "4": ("python-httpx", "mp_request.py", [sys.executable]),
    "5": ("node", "mp_request.js", ["node"]),
    "6": ("go", "main.go", ["go", "run"]),
    "7": ("java", "MpRequest.java", ["java"]),
    "8": ("php", "mp_request.php", ["php"]),
}


def _stages_drawn(screen: str) -> bool:
    return all(title in screen for title in STAGE_TITLES)


def _copy(term: TmuxSession, digit: str, file_name: str, previous_token: str | None) -> str:
    """Open the code view, pick the language, copy; again until the code carries a new data token."""
    deadline = time.monotonic() + 30
    while True:
        if term.buffer() is not None:
            term.run("delete-buffer")  # so the next buffer is this copy
        term.keys("F7")
        term.keys(digit)
        term.wait_for(f"save as {file_name}", what=f"the code view on {file_name}")
        term.keys("c")
        code = term.wait_for_buffer()
        term.keys("Escape")
        term.wait_for(lambda s: _stages_drawn(s) and "save as" not in s, what="the explorer again")
        found = TOKEN.search(code)
        if found and found.group(0) != previous_token:
            return code
        assert time.monotonic() < deadline, "the form never took the newly minted data token"
        time.sleep(0.5)


def test_programs_copied_from_the_code_view_get_000000_from_the_sandbox(tmp_path: Path) -> None:
    for language, _, _ in LANGUAGES.values():
        require_toolchain(language)
    home = tmp_path / "home"
    home.mkdir()

    def ready(screen: str) -> bool:
        return _stages_drawn(screen) and "embedded sandbox · app" in screen and "dt_" in screen

    with TmuxSession.start([], home=home) as term:
        term.wait_for(ready, what="the sandbox's app and a minted data token in the form")
        term.wait_interactive()
        demo = json.loads((home / "sandbox" / "demo-app.json").read_text(encoding="utf-8"))
        env = run_env(
            MP_ACCESS_KEY_ID=demo["access_key_id"],
            MP_SECRET_KEY=demo["secret_key"],
            MP_PRIVATE_KEY_PATH=str(home / "sandbox" / "demo-private-key.pem"),
        )
        previous: str | None = None
        for digit, (language, file_name, runner) in LANGUAGES.items():
            if previous is not None:
                term.keys("C-t")  # a fresh data token for this language's run
            code = _copy(term, digit, file_name, previous)
            assert demo["secret_key"] not in code
            previous = TOKEN.search(code).group(0)  # type: ignore[union-attr]
            folder = tmp_path / language
            folder.mkdir()
            (folder / file_name).write_text(code, encoding="utf-8")
            result = subprocess.run(
                [*runner, file_name], cwd=folder, capture_output=True, text=True, env=env, timeout=300, check=False
            )
            assert result.returncode == 0, f"{language}:\n{result.stdout}\n{result.stderr}"
            envelope = json.loads(result.stdout.splitlines()[1])
            assert envelope["code"] == "000000", (language, envelope)
            decrypted = re.search(r"^userData \(decrypted\): (\S+)$", result.stdout, re.M)
            assert decrypted, (language, result.stdout)
            with urllib.request.urlopen(f"{_base_url(code)}/sandbox/v1/apps/{demo['app_id']}/users", timeout=10) as r:
                users = json.load(r)["users"]
            assert decrypted.group(1) in [user["openId"] for user in users], language
        term.keys("F7")
        term.wait_for("save as mp_request.php", what="the code view reopened on the language last picked")


def _base_url(code: str) -> str:
    found = re.search(r"""(?:BASE_URL|BaseURL)\s*=\s*['"](http://127\.0\.0\.1:\d+)['"]""", code)
    assert found, code[:2000]
    return found.group(1)
