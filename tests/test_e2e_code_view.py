"""The code view in the real app (tmux): programs copied from the explorer run against its sandbox.

Launched with no arguments, the explorer starts its embedded sandbox and mints a data token; f7
opens the code view on GetUserOpenId, a digit picks the language, c copies through OSC 52 (into
tmux's buffer). Each copied program then runs as its users run it, with the demo app's keys in the
environment, and must get 000000 and print the openid the data token was minted for.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.tmux_harness import TmuxSession
from tests.toolchains import require_toolchain, run_env

pytestmark = [pytest.mark.tmux, pytest.mark.slow]

STAGE_TITLES = ("1 · canonical request", "2 · digest", "3 · JWT", "4 · header")
# digit in the code view -> (language, file name, command line before the file)
LANGUAGES = {
    "3": ("python", "mp_request.py", [sys.executable]),
    "5": ("node", "mp_request.js", ["node"]),
    "8": ("php", "mp_request.php", ["php"]),
}


def test_programs_copied_from_the_code_view_get_000000_from_the_sandbox(tmp_path: Path) -> None:
    for language, _, _ in LANGUAGES.values():
        require_toolchain(language)
    home = tmp_path / "home"
    home.mkdir()

    def ready(screen: str) -> bool:
        hint = re.search(r"embedded sandbox · app (\S+)", screen)
        return all(title in screen for title in STAGE_TITLES) and hint is not None and "dt_" in screen

    with TmuxSession.start([], home=home) as term:
        term.wait_for(ready, what="the sandbox's app and a minted data token in the form")
        term.wait_interactive()
        demo = json.loads((home / "sandbox" / "demo-app.json").read_text(encoding="utf-8"))
        env = run_env(
            MP_ACCESS_KEY_ID=demo["access_key_id"],
            MP_SECRET_KEY=demo["secret_key"],
            MP_PRIVATE_KEY_PATH=str(home / "sandbox" / "demo-private-key.pem"),
        )
        term.keys("F7")
        term.wait_for("save as mp_request.py", what="the code view on the Python program")
        for digit, (language, file_name, runner) in LANGUAGES.items():
            if term.buffer() is not None:
                term.run("delete-buffer")  # so the next buffer is this language's copy
            term.keys(digit)
            term.wait_for(f"save as {file_name}", what=f"the {language} program")
            term.keys("c")
            code = term.wait_for_buffer()
            assert demo["secret_key"] not in code
            path = tmp_path / language / file_name
            path.parent.mkdir()
            path.write_text(code, encoding="utf-8")
            result = subprocess.run(
                [*runner, str(path)], capture_output=True, text=True, env=env, timeout=120, check=False
            )
            assert result.returncode == 0, f"{language}:\n{result.stdout}\n{result.stderr}"
            envelope = json.loads(result.stdout.splitlines()[1])
            assert envelope["code"] == "000000", envelope
            decrypted = re.search(r"^userData \(decrypted\): (\S+)$", result.stdout, re.M)
            assert decrypted, result.stdout
            with urllib.request.urlopen(f"{_base_url(code)}/sandbox/v1/apps/{demo['app_id']}/users", timeout=10) as r:
                users = json.load(r)["users"]
            assert decrypted.group(1) in [user["openId"] for user in users]
        term.keys("Escape")
        term.wait_for(lambda s: all(title in s for title in STAGE_TITLES), what="the explorer again")
        term.keys("F7")
        term.wait_for("save as mp_request.php", what="the code view reopened on the language last picked")


def _base_url(code: str) -> str:
    found = re.search(r"""BASE_URL = ['"](http://127\.0\.0\.1:\d+)['"]""", code)
    assert found, code[:2000]
    return found.group(1)
